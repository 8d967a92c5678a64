/** A token bucket: `ratePerSecond` tokens a second, holding at most `burst`. */
class TokenBucket {
  private tokens: number;
  private at: number;
  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.at = now;
  }

  /** Milliseconds until a token is available (0 = now). */
  waitFor(now: number): number {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.ratePerSecond);
    this.at = now;
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000);
  }

  take(): void {
    this.tokens -= 1;
  }

  /** After a 429: no tokens until `ms` from now. */
  pause(now: number, ms: number): void {
    this.waitFor(now);
    this.tokens = Math.min(this.tokens, 1 - (ms / 1000) * this.ratePerSecond);
  }
}

export interface PostLimits {
  /** chat.postMessage per channel (Slack: about 1 a second, short bursts allowed). */
  perChannelPerSecond: number;
  perChannelBurst: number;
  /** The workspace-wide budget this process spends. */
  workspacePerMinute: number;
  workspaceBurst: number;
}

export const DEFAULT_POST_LIMITS: PostLimits = { perChannelPerSecond: 1, perChannelBurst: 5, workspacePerMinute: 600, workspaceBurst: 20 };

/**
 * Paces chat.postMessage per channel and per workspace so scheduled deliveries stay inside Slack's
 * limits instead of collecting 429s; a 429 that still happens pauses the workspace for its
 * Retry-After. One instance per process (several processes each spend their own budget, and the
 * 429s they may then draw are honoured too).
 */
export class PostThrottle {
  private readonly channels = new Map<string, TokenBucket>();
  private readonly workspaces = new Map<string, TokenBucket>();

  constructor(
    private readonly limits: PostLimits = DEFAULT_POST_LIMITS,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  private bucket(map: Map<string, TokenBucket>, key: string, rate: number, burst: number): TokenBucket {
    let bucket = map.get(key);
    if (!bucket) {
      bucket = new TokenBucket(rate, burst, this.now());
      map.set(key, bucket);
    }
    return bucket;
  }

  /** Waits until both the channel and the workspace may post, then spends one of each. */
  async acquire(workspace: string, channel: string): Promise<void> {
    const ws = this.bucket(this.workspaces, workspace, this.limits.workspacePerMinute / 60, this.limits.workspaceBurst);
    const ch = this.bucket(this.channels, `${workspace}/${channel}`, this.limits.perChannelPerSecond, this.limits.perChannelBurst);
    for (;;) {
      const now = this.now();
      const wait = Math.max(ws.waitFor(now), ch.waitFor(now));
      if (wait === 0) break;
      await this.sleep(wait);
    }
    ws.take();
    ch.take();
  }

  /** Slack answered 429 with Retry-After: nothing more goes to the workspace before it passes. */
  pause(workspace: string, ms: number): void {
    this.bucket(this.workspaces, workspace, this.limits.workspacePerMinute / 60, this.limits.workspaceBurst).pause(this.now(), ms);
  }
}
