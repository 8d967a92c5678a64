import type { LocalSlackRateLimits } from './types.js';

/**
 * A token bucket with continuous refill: `capacity` tokens at most, `perMs` tokens added per
 * millisecond. Slack documents chat.postMessage as "about one message per second per channel,
 * with short bursts allowed" plus a workspace-wide limit; buckets model both.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly capacity: number,
    private readonly perMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.perMs);
    this.updatedAt = Math.max(this.updatedAt, now);
  }

  /** Milliseconds until a token is available; 0 when one is there now. */
  waitMs(now: number): number {
    this.refill(now);
    if (this.tokens >= 1) return 0;
    return this.perMs > 0 ? (1 - this.tokens) / this.perMs : Number.POSITIVE_INFINITY;
  }

  take(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }
}

/**
 * chat.postMessage's limits: a bucket per channel and one per workspace. A post goes through only
 * when both have a token, and takes one from each; otherwise it is refused with the wait, in whole
 * seconds (at least 1), that Slack would send as Retry-After.
 */
export class PostingRateLimiter {
  private readonly channels = new Map<string, TokenBucket>();
  private readonly workspaces = new Map<string, TokenBucket>();

  constructor(private readonly limits: LocalSlackRateLimits) {}

  /** Takes a token for a post to `channel` in `teamId`; returns the Retry-After seconds when refused. */
  tryPost(teamId: string, channel: string, now: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const { perChannelPerSecond, perChannelBurst, workspacePerMinute, workspaceBurst } = this.limits;
    const channelBucket = this.bucket(this.channels, `${teamId}/${channel}`, perChannelBurst, perChannelPerSecond / 1000, now);
    const workspaceBucket = this.bucket(this.workspaces, teamId, workspaceBurst, workspacePerMinute / 60_000, now);
    const waitMs = Math.max(channelBucket.waitMs(now), workspaceBucket.waitMs(now));
    if (waitMs > 0) {
      const seconds = Number.isFinite(waitMs) ? Math.ceil(waitMs / 1000) : 60;
      return { ok: false, retryAfterSeconds: Math.max(1, seconds) };
    }
    channelBucket.take(now);
    workspaceBucket.take(now);
    return { ok: true };
  }

  private bucket(map: Map<string, TokenBucket>, key: string, capacity: number, perMs: number, now: number): TokenBucket {
    let bucket = map.get(key);
    if (!bucket) {
      bucket = new TokenBucket(capacity, perMs, now);
      map.set(key, bucket);
    }
    return bucket;
  }
}
