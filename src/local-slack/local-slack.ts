import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { API_PATH, buildFastifyApp, RESPONSE_URL_PATH } from './server.js';
import { LocalSlackState, OAUTH_CODE_TTL_MS, RESPONSE_URL_USES } from './state.js';
import type { Failure, LocalSlackChannel, LocalSlackOptions, LocalSlackUser, OpenedView, RecordedCall, RecordedResponse, StoredFile, StoredMessage, StoredView } from './types.js';

/** The running server: its address, what it recorded, and the controls tests and the sandbox use. */
export interface LocalSlack {
  /** Base URL, like http://127.0.0.1:PORT. */
  readonly url: string;
  /** `${url}/api/`: what WebClient takes as slackApiUrl and Pacer as SLACK_API_URL. */
  readonly apiUrl: string;
  /** Every Web API call, in arrival order. */
  readonly calls: readonly RecordedCall[];
  callsTo(method: string): RecordedCall[];
  /**
   * Messages as they stand now (updates applied, deletions gone), ephemeral ones included and
   * flagged. With an id: the messages of that conversation; a user id gives that user's DM.
   */
  messages(channelOrUserId?: string): StoredMessage[];
  /** The home tab last published for a user (in `teamId`, when user ids repeat across workspaces). */
  homeView(userId: string, teamId?: string): StoredView | undefined;
  /** A view (modal or home) as it stands now, by id. */
  view(viewId: string): StoredView | undefined;
  /** views.open, views.push and views.update calls that succeeded, with the view as it was then. */
  readonly openedViews: readonly OpenedView[];
  /** Bodies posted to response URLs; with a URL or its id, only that one's. */
  responses(responseUrlOrId?: string): RecordedResponse[];
  /** A response URL on this server (for slash command and interaction payloads); it records what is posted. */
  newResponseUrl(): string;
  /** A trigger id for interaction payloads; views.open takes each once, as Slack does. */
  newTriggerId(): string;
  /** A fresh message ts, unique among this server's: what Slack gives an ephemeral answer it shows. */
  newMessageTs(): string;
  /** Files announced by files.getUploadURLExternal, with the bytes once uploaded. */
  readonly files: readonly StoredFile[];
  /** Makes the next `times` calls of `method` (or the upload / response URLs) fail as described. */
  failNext(method: string, failure: Failure, times?: number): void;
  addUser(teamId: string, user: LocalSlackUser): void;
  setUser(teamId: string, userId: string, patch: Partial<Omit<LocalSlackUser, 'id'>>): void;
  addChannel(teamId: string, channel: LocalSlackChannel): void;
  setChannel(teamId: string, channelId: string, patch: Partial<Omit<LocalSlackChannel, 'id'>>): void;
  /** Later calls with the token get `token_revoked`, as after an uninstall. */
  revokeToken(token: string): void;
  /**
   * The scopes the workspace's token has from now on: an installation made from an older
   * manifest, or a reinstall (oauth.v2.access echoes a grant's scopes but leaves these alone).
   */
  setScopes(teamId: string, scopes: readonly string[]): void;
  /** An OAuth code as Slack's redirect would carry it after `installerUserId` installs the app in `teamId`. */
  issueOAuthCode(teamId: string, grant: { installerUserId: string; scopes: string[]; redirectUri?: string }): string;
  /** Forgets what was recorded (calls, messages, views, files, responses) and queued failures; the directory stays. */
  clearRecords(): void;
  close(): Promise<void>;
}

/**
 * The local Slack server: a Fastify app serving Slack's Web API from in-memory state. Build it,
 * optionally register more routes on `app`, then `listen()`.
 */
export class LocalSlackServer implements LocalSlack {
  readonly app: FastifyInstance;
  private readonly state: LocalSlackState;

  constructor(private readonly options: LocalSlackOptions) {
    this.state = new LocalSlackState(options);
    this.app = buildFastifyApp(this.state, options.logger);
  }

  async listen(): Promise<this> {
    await this.app.listen({ host: this.options.host ?? '127.0.0.1', port: this.options.port ?? 0 });
    const address = this.app.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.state.baseUrl = `http://${host}:${address.port}`;
    this.options.logger?.info({ url: this.state.baseUrl }, 'local slack listening');
    return this;
  }

  get url(): string {
    if (!this.state.baseUrl) throw new Error('The local Slack server is not listening yet; call listen() first.');
    return this.state.baseUrl;
  }

  get apiUrl(): string {
    return `${this.url}${API_PATH}/`;
  }

  get calls(): readonly RecordedCall[] {
    return this.state.records.calls;
  }

  callsTo(method: string): RecordedCall[] {
    return this.state.records.calls.filter((c) => c.method === method);
  }

  messages(channelOrUserId?: string): StoredMessage[] {
    const all = this.state.records.messages;
    if (channelOrUserId === undefined) return [...all];
    return all.filter((m) => m.channel === channelOrUserId || m.dmUserId === channelOrUserId);
  }

  homeView(userId: string, teamId?: string): StoredView | undefined {
    for (const [key, viewId] of this.state.records.homeViews) {
      const [team, user] = key.split('/');
      if (user === userId && (teamId === undefined || team === teamId)) return this.state.records.views.get(viewId);
    }
    return undefined;
  }

  view(viewId: string): StoredView | undefined {
    return this.state.records.views.get(viewId);
  }

  get openedViews(): readonly OpenedView[] {
    return this.state.records.openedViews;
  }

  responses(responseUrlOrId?: string): RecordedResponse[] {
    const all = this.state.records.responses;
    if (responseUrlOrId === undefined) return [...all];
    const id = responseUrlOrId.split('/').pop();
    return all.filter((r) => r.id === id);
  }

  newResponseUrl(): string {
    const id = this.state.nextId('R') + this.state.randomToken(4);
    this.state.responseUrls.set(id, RESPONSE_URL_USES);
    return `${this.url}${RESPONSE_URL_PATH}/${id}`;
  }

  newTriggerId(): string {
    return `${this.state.nextId('')}.${this.state.randomToken(12)}`;
  }

  newMessageTs(): string {
    return this.state.nextTs();
  }

  get files(): readonly StoredFile[] {
    return [...this.state.records.files.values()];
  }

  failNext(method: string, failure: Failure, times = 1): void {
    this.state.faults.add(method, failure, times);
  }

  addUser(teamId: string, user: LocalSlackUser): void {
    this.state.directory.addUser(teamId, user);
  }

  setUser(teamId: string, userId: string, patch: Partial<Omit<LocalSlackUser, 'id'>>): void {
    this.state.directory.setUser(teamId, userId, patch);
  }

  addChannel(teamId: string, channel: LocalSlackChannel): void {
    this.state.directory.addChannel(teamId, channel);
  }

  setChannel(teamId: string, channelId: string, patch: Partial<Omit<LocalSlackChannel, 'id'>>): void {
    this.state.directory.setChannel(teamId, channelId, patch);
  }

  revokeToken(token: string): void {
    this.state.directory.revokeToken(token);
  }

  setScopes(teamId: string, scopes: readonly string[]): void {
    this.state.directory.setScopes(teamId, scopes);
  }

  issueOAuthCode(teamId: string, grant: { installerUserId: string; scopes: string[]; redirectUri?: string }): string {
    const workspace = this.state.directory.workspace(teamId);
    if (!workspace.users.has(grant.installerUserId)) throw new Error(`No user ${grant.installerUserId} in ${teamId} to install the app.`);
    const code = `${teamId}.${this.state.randomToken(16)}`;
    this.state.oauthCodes.set(code, {
      teamId,
      installerUserId: grant.installerUserId,
      scopes: [...grant.scopes],
      ...(grant.redirectUri !== undefined ? { redirectUri: grant.redirectUri } : {}),
      expiresAt: this.state.now() + OAUTH_CODE_TTL_MS,
    });
    return code;
  }

  clearRecords(): void {
    this.state.records.clear();
    this.state.faults.clear();
  }

  async close(): Promise<void> {
    await this.app.close();
  }
}

/** Builds the server without listening, so a host can add routes to `app` first. */
export function buildLocalSlackServer(options: LocalSlackOptions): LocalSlackServer {
  return new LocalSlackServer(options);
}

/** Starts a local Slack server (127.0.0.1, a free port, unless told otherwise). */
export async function startLocalSlack(options: LocalSlackOptions): Promise<LocalSlack> {
  return buildLocalSlackServer(options).listen();
}
