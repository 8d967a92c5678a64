import { LOCAL_SLACK_SCOPES } from './scopes.js';
import type { LocalSlackChannel, LocalSlackUser, LocalSlackWorkspace } from './types.js';

/** A workspace as the server holds it: the given data with defaults filled in, and its DMs. */
export interface Workspace {
  teamId: string;
  teamName: string;
  botToken: string;
  botUserId: string;
  botId: string;
  appId: string;
  /** The bot token's scopes. */
  scopes: Set<string>;
  users: Map<string, LocalSlackUser>;
  channels: Map<string, LocalSlackChannel>;
  /** DM conversation id by user id, and back; opened on first use and stable after. */
  dmByUser: Map<string, string>;
  userByDm: Map<string, string>;
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Where a message can go, once the `channel` argument has been resolved. */
export type Conversation = { kind: 'channel'; id: string; channel: LocalSlackChannel } | { kind: 'dm'; id: string; user: LocalSlackUser };

/** Why a conversation cannot take a post; the Slack error names. */
export type ConversationError = 'channel_not_found' | 'is_archived' | 'not_in_channel' | 'account_inactive' | 'cannot_dm_bot';

/**
 * The workspaces' directories (users, channels, DMs) and their tokens. Tests and the sandbox
 * change them while the server runs (addUser, setUser, revokeToken), as admins do in Slack.
 */
export class Directory {
  private readonly workspaces = new Map<string, Workspace>();
  private readonly teamByToken = new Map<string, string>();
  private readonly revoked = new Set<string>();
  private dmCounter = 0;

  constructor(workspaces: readonly LocalSlackWorkspace[]) {
    for (const given of workspaces) this.addWorkspace(given);
  }

  private addWorkspace(given: LocalSlackWorkspace): void {
    if (this.workspaces.has(given.teamId)) throw new Error(`Workspace ${given.teamId} is given twice.`);
    if (this.teamByToken.has(given.botToken)) throw new Error(`Workspace ${given.teamId} reuses another workspace's bot token.`);
    const suffix = given.teamId.replace(/^T/, '');
    const workspace: Workspace = {
      teamId: given.teamId,
      teamName: given.teamName ?? given.teamId,
      botToken: given.botToken,
      botUserId: given.botUserId ?? `UB${suffix}`,
      botId: `B${suffix}`,
      appId: given.appId ?? `A${suffix}`,
      scopes: new Set(given.scopes ?? LOCAL_SLACK_SCOPES),
      users: new Map(),
      channels: new Map(),
      dmByUser: new Map(),
      userByDm: new Map(),
    };
    for (const user of given.users) this.putUser(workspace, { ...user }, 'add');
    if (!workspace.users.has(workspace.botUserId)) {
      workspace.users.set(workspace.botUserId, { id: workspace.botUserId, name: 'bot', realName: 'Bot', isBot: true });
    }
    for (const channel of given.channels ?? []) this.putChannel(workspace, { ...channel }, 'add');
    this.workspaces.set(workspace.teamId, workspace);
    this.teamByToken.set(workspace.botToken, workspace.teamId);
  }

  workspace(teamId: string): Workspace {
    const workspace = this.workspaces.get(teamId);
    if (!workspace) throw new Error(`No workspace ${teamId}.`);
    return workspace;
  }

  /** The workspace a token belongs to, or why it does not authenticate. */
  authenticate(token: string): Workspace | 'not_authed' | 'invalid_auth' | 'token_revoked' {
    if (!token) return 'not_authed';
    if (this.revoked.has(token)) return 'token_revoked';
    const teamId = this.teamByToken.get(token);
    return teamId ? this.workspace(teamId) : 'invalid_auth';
  }

  revokeToken(token: string): void {
    this.revoked.add(token);
  }

  /** A new installation hands the workspace's token out again, so it works again. */
  restoreToken(token: string): void {
    this.revoked.delete(token);
  }

  /** The scopes the workspace's token has from now on (an installation from an older manifest, or a reinstall). */
  setScopes(teamId: string, scopes: readonly string[]): void {
    this.workspace(teamId).scopes = new Set(scopes);
  }

  addUser(teamId: string, user: LocalSlackUser): void {
    this.putUser(this.workspace(teamId), { ...user }, 'add');
  }

  setUser(teamId: string, userId: string, patch: Partial<Omit<LocalSlackUser, 'id'>>): void {
    const workspace = this.workspace(teamId);
    const user = workspace.users.get(userId);
    if (!user) throw new Error(`No user ${userId} in ${teamId}.`);
    this.putUser(workspace, { ...user, ...patch, id: userId }, 'set');
  }

  addChannel(teamId: string, channel: LocalSlackChannel): void {
    this.putChannel(this.workspace(teamId), { ...channel }, 'add');
  }

  setChannel(teamId: string, channelId: string, patch: Partial<Omit<LocalSlackChannel, 'id'>>): void {
    const workspace = this.workspace(teamId);
    const channel = workspace.channels.get(channelId);
    if (!channel) throw new Error(`No channel ${channelId} in ${teamId}.`);
    this.putChannel(workspace, { ...channel, ...patch, id: channelId }, 'set');
  }

  private putUser(workspace: Workspace, user: LocalSlackUser, mode: 'add' | 'set'): void {
    if (!/^[UW][A-Z0-9]+$/.test(user.id)) throw new Error(`User id ${user.id} does not look like a Slack user id (U… or W…).`);
    if (user.tz !== undefined && !isTimeZone(user.tz)) throw new Error(`User ${user.id}: ${user.tz} is not an IANA time zone.`);
    if (mode === 'add' && workspace.users.has(user.id)) throw new Error(`User ${user.id} already exists in ${workspace.teamId}.`);
    workspace.users.set(user.id, user);
  }

  private putChannel(workspace: Workspace, channel: LocalSlackChannel, mode: 'add' | 'set'): void {
    if (!/^[CG][A-Z0-9]+$/.test(channel.id)) throw new Error(`Channel id ${channel.id} does not look like a Slack channel id (C… or G…).`);
    if (mode === 'add' && workspace.channels.has(channel.id)) throw new Error(`Channel ${channel.id} already exists in ${workspace.teamId}.`);
    workspace.channels.set(channel.id, channel);
  }

  findUserByEmail(workspace: Workspace, email: string): LocalSlackUser | undefined {
    const wanted = email.trim().toLowerCase();
    for (const user of workspace.users.values()) if (user.email?.toLowerCase() === wanted) return user;
    return undefined;
  }

  /** The DM conversation with a user, opened on first use; the same id every time after. */
  openDm(workspace: Workspace, userId: string): string {
    let dm = workspace.dmByUser.get(userId);
    if (!dm) {
      this.dmCounter += 1;
      dm = `D${String(this.dmCounter).padStart(8, '0')}`;
      workspace.dmByUser.set(userId, dm);
      workspace.userByDm.set(dm, userId);
    }
    return dm;
  }

  /**
   * Resolves a `channel` argument (channel id, DM id, or user id, which opens the DM, as Slack
   * allows for chat.postMessage) to where a bot post would go, or the Slack error refusing it.
   * `publicReach`: chat.postMessage, which with chat:write.public reaches a public channel the
   * bot is not in.
   */
  resolveForPosting(workspace: Workspace, channelArg: string, publicReach = false): Conversation | ConversationError {
    const channel = workspace.channels.get(channelArg);
    if (channel) {
      if (channel.isArchived) return 'is_archived';
      const reaches = publicReach && !channel.isPrivate && workspace.scopes.has('chat:write.public');
      if (channel.botIsMember === false && !reaches) return 'not_in_channel';
      return { kind: 'channel', id: channel.id, channel };
    }
    const dmUserId = workspace.userByDm.get(channelArg);
    const user = workspace.users.get(dmUserId ?? channelArg);
    if (!user) return 'channel_not_found';
    if (user.deleted) return 'account_inactive';
    if (user.isBot) return 'cannot_dm_bot';
    return { kind: 'dm', id: dmUserId ? channelArg : this.openDm(workspace, user.id), user };
  }
}
