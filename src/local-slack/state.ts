import { randomBytes } from 'node:crypto';
import { Directory } from './directory.js';
import { PostingRateLimiter } from './rate-limit.js';
import type { Failure, LocalSlackOptions, OpenedView, RecordedCall, RecordedResponse, StoredFile, StoredMessage, StoredView } from './types.js';

/** Everything the server observed, for tests' assertions and the sandbox's display. */
export class Records {
  readonly calls: RecordedCall[] = [];
  readonly messages: StoredMessage[] = [];
  readonly views = new Map<string, StoredView>();
  /** Home tab view id by `${teamId}/${userId}`. */
  readonly homeViews = new Map<string, string>();
  readonly openedViews: OpenedView[] = [];
  readonly files = new Map<string, StoredFile>();
  readonly responses: RecordedResponse[] = [];

  findMessage(teamId: string, channel: string, ts: string): StoredMessage | undefined {
    return this.messages.find((m) => m.teamId === teamId && m.channel === channel && m.ts === ts);
  }

  clear(): void {
    this.calls.length = 0;
    this.messages.length = 0;
    this.views.clear();
    this.homeViews.clear();
    this.openedViews.length = 0;
    this.files.clear();
    this.responses.length = 0;
  }
}

/** Failures queued by failNext, per method (or FILE_UPLOAD_ENDPOINT / RESPONSE_URL_ENDPOINT), used in order. */
export class Faults {
  private readonly queues = new Map<string, Failure[]>();

  add(method: string, failure: Failure, times: number): void {
    if (!Number.isInteger(times) || times < 1) throw new Error(`failNext: times must be a positive integer, got ${times}.`);
    const queue = this.queues.get(method) ?? [];
    for (let i = 0; i < times; i += 1) queue.push(failure);
    this.queues.set(method, queue);
  }

  take(method: string): Failure | undefined {
    const queue = this.queues.get(method);
    const failure = queue?.shift();
    if (queue?.length === 0) this.queues.delete(method);
    return failure;
  }

  clear(): void {
    this.queues.clear();
  }
}

export interface OAuthGrant {
  teamId: string;
  installerUserId: string;
  scopes: string[];
  redirectUri?: string;
  expiresAt: number;
}

/** Slack's OAuth codes are good for ten minutes. */
export const OAUTH_CODE_TTL_MS = 10 * 60 * 1000;

/** Slack allows a response URL five uses. */
export const RESPONSE_URL_USES = 5;

/**
 * The server's whole state: directory, records, and the counters that make ids and ts values.
 * Method handlers read and change it; the LocalSlack handle exposes it.
 */
export class LocalSlackState {
  readonly directory: Directory;
  readonly records = new Records();
  readonly faults = new Faults();
  readonly limiter: PostingRateLimiter | undefined;
  readonly oauth: { clientId: string; clientSecret: string } | undefined;
  readonly oauthCodes = new Map<string, OAuthGrant>();
  readonly exchangedTriggers = new Set<string>();
  /** Response URL ids issued, with the uses left. */
  readonly responseUrls = new Map<string, number>();
  readonly now: () => number;
  /** Set once the server listens; upload and response URLs are built on it. */
  baseUrl = '';
  private lastTsMicros = 0;
  private readonly counters = new Map<string, number>();

  constructor(options: LocalSlackOptions) {
    this.directory = new Directory(options.workspaces);
    this.limiter = options.rateLimits ? new PostingRateLimiter(options.rateLimits) : undefined;
    this.oauth = options.oauth;
    this.now = options.now ?? Date.now;
  }

  /**
   * A message ts: the clock's time as "seconds.microseconds", bumped by a microsecond when the
   * clock has not moved, so ts values are unique and increasing as Slack's are within a channel.
   */
  nextTs(): string {
    const micros = Math.max(Math.floor(this.now() * 1000), this.lastTsMicros + 1);
    this.lastTsMicros = micros;
    return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  /** A new id like Slack's: the prefix (F, V, R…) and an uppercase counter. */
  nextId(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}${n.toString(36).toUpperCase().padStart(8, '0')}`;
  }

  /** An opaque secret-looking value (trigger ids, OAuth codes, view hashes). */
  randomToken(bytes = 8): string {
    return randomBytes(bytes).toString('hex');
  }
}
