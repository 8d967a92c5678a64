import type { Logger } from 'pino';

/** A member of a workspace's directory, as users.info and users.lookupByEmail return it. */
export interface LocalSlackUser {
  id: string;
  name: string;
  realName?: string;
  email?: string;
  /** IANA zone; Slack's default for new accounts, America/Los_Angeles, when absent. */
  tz?: string;
  deleted?: boolean;
  isBot?: boolean;
}

export interface LocalSlackChannel {
  id: string;
  name: string;
  isArchived?: boolean;
  /** Whether the app's bot user is in the channel; posting needs it (or chat:write.public, for a public channel). Defaults to true. */
  botIsMember?: boolean;
  /** A private channel: only members post, whatever the scopes. Defaults to false. */
  isPrivate?: boolean;
}

export interface LocalSlackWorkspace {
  teamId: string;
  teamName?: string;
  botToken: string;
  /** The bot user's id; a user named after the app is added to the directory under it. */
  botUserId?: string;
  appId?: string;
  users: LocalSlackUser[];
  channels?: LocalSlackChannel[];
  /**
   * The bot scopes the workspace's token was granted; a method needing one it lacks answers
   * `missing_scope` with `needed` and `provided`, as Slack does. Defaults to every scope the
   * server knows (LOCAL_SLACK_SCOPES).
   */
  scopes?: readonly string[];
}

export interface LocalSlackRateLimits {
  perChannelPerSecond: number;
  perChannelBurst: number;
  workspacePerMinute: number;
  workspaceBurst: number;
}

export interface LocalSlackOptions {
  /** Defaults to 127.0.0.1: the server is for this machine, not the network. */
  host?: string;
  /** Defaults to 0, a free port chosen by the system. */
  port?: number;
  workspaces: LocalSlackWorkspace[];
  /** The app's credentials; oauth.v2.access works only when they are given. */
  oauth?: { clientId: string; clientSecret: string };
  /** Token buckets for chat.postMessage, per channel and per workspace; none when absent. */
  rateLimits?: LocalSlackRateLimits;
  /** Milliseconds since the epoch; drives message ts values, OAuth code expiry and the buckets. */
  now?: () => number;
  logger?: Logger;
}

/** One Web API call as received and answered, in arrival order. */
export interface RecordedCall {
  method: string;
  /** The bearer token or `token` parameter; '' when none was sent. */
  token: string;
  /** The parameters, JSON-valued ones (blocks, view, files…) parsed; the token itself left out. */
  body: Record<string, unknown>;
  /** When it arrived, by the server's clock. */
  at: number;
  status: number;
  response: Record<string, unknown>;
}

export interface StoredMessage {
  teamId: string;
  /** The conversation id: C… for channels, D… for direct messages. */
  channel: string;
  /** For a direct message, the user at the other end. */
  dmUserId?: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: unknown;
  /** Ephemeral messages are shown to one user only and cannot be updated or deleted through the API. */
  ephemeral: boolean;
  ephemeralUserId?: string;
  /** Set by chat.update: when the text or blocks last changed. */
  edited?: { ts: string };
  /** Files shared with the message (files.completeUploadExternal with a channel). */
  fileIds?: string[];
}

export interface StoredView {
  id: string;
  teamId: string;
  type: 'home' | 'modal';
  /** The user a home tab belongs to. */
  userId?: string;
  hash: string;
  externalId?: string;
  callbackId?: string;
  privateMetadata?: string;
  rootViewId: string;
  previousViewId?: string;
  /** The view payload as last sent (blocks, title, submit…). */
  payload: Record<string, unknown>;
}

export interface OpenedView {
  method: 'views.open' | 'views.push' | 'views.update';
  triggerId?: string;
  at: number;
  view: StoredView;
}

export interface RecordedResponse {
  /** The response URL's id, the last segment of the URL. */
  id: string;
  url: string;
  at: number;
  status: number;
  body: unknown;
}

export interface StoredFile {
  id: string;
  teamId: string;
  filename: string;
  title?: string;
  altText?: string;
  /** The length announced to files.getUploadURLExternal. */
  length: number;
  /** The bytes received at the upload URL; undefined until then. */
  bytes?: Buffer;
  contentType?: string;
  /** Set by files.completeUploadExternal. */
  completed: boolean;
  channels: string[];
  initialComment?: string;
  threadTs?: string;
}

/** What {@link LocalSlack.failNext} can do to the next calls of a method. */
export type Failure =
  /** Answer 200 `{ ok: false, error }`, as Slack does for every API error. */
  | { error: string }
  /** Answer 429 with `Retry-After` (seconds), as Slack's rate limiter does. */
  | { status: 429; retryAfter: number }
  /** Answer with a server error, as Slack's edge does during incidents. */
  | { status: 500 | 502 | 503 }
  /** Hold the answer back this long, then answer normally. */
  | { delayMs: number };

/**
 * Names accepted by failNext besides Web API methods: the upload URL from
 * files.getUploadURLExternal and the response URLs from newResponseUrl().
 */
export const FILE_UPLOAD_ENDPOINT = 'file_upload';
export const RESPONSE_URL_ENDPOINT = 'response_url';
