/**
 * Pacer's own throttle for a CRM's API: rolling windows (HubSpot's "100 requests per 10
 * seconds" is a rolling window), so requests go out as fast as the limits allow and never
 * faster. A 429 still pauses everything until the CRM's Retry-After has passed.
 */

/** At most `limit` requests in any `windowMs`. */
export interface WindowLimit {
  limit: number;
  windowMs: number;
}

class RollingWindow {
  private readonly times: number[] = [];

  constructor(private readonly w: WindowLimit) {}

  /** Milliseconds until one more request fits. */
  waitMs(now: number): number {
    while (this.times.length > 0 && this.times[0]! <= now - this.w.windowMs) this.times.shift();
    if (this.times.length < this.w.limit) return 0;
    return this.times[0]! + this.w.windowMs - now;
  }

  record(now: number): void {
    this.times.push(now);
  }
}

export interface Timer {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Real time: rate limits are the CRM's, on its clock, never PACER_NOW's. */
export const realTimer: Timer = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Rolling windows by class of request ('general' for every request, plus e.g. 'search'): a request
 * waits until every window it counts in has room. Requests of one combination of classes go out
 * one at a time, in order, so a burst of callers cannot overshoot; a search waiting for its
 * per-second window does not hold back requests that only count in the general one (checking
 * and counting happen in one synchronous step, so two queues never both take the last room).
 */
export class Throttle {
  private readonly windows = new Map<string, RollingWindow[]>();
  private pausedUntil = 0;
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    limits: Record<string, readonly WindowLimit[]>,
    private readonly timer: Timer = realTimer,
  ) {
    for (const [kind, list] of Object.entries(limits)) this.windows.set(kind, list.map((w) => new RollingWindow(w)));
  }

  /** Waits for room in the windows of `kinds`, then counts the request in them. */
  acquire(kinds: readonly string[]): Promise<void> {
    const key = kinds.join('+');
    const turn = (this.queues.get(key) ?? Promise.resolve()).then(async () => {
      for (;;) {
        const now = this.timer.now();
        const windows = kinds.flatMap((k) => this.windows.get(k) ?? []);
        const wait = Math.max(this.pausedUntil - now, ...windows.map((w) => w.waitMs(now)));
        if (wait <= 0) {
          for (const w of windows) w.record(now);
          return;
        }
        await this.timer.sleep(wait);
      }
    });
    this.queues.set(key, turn.catch(() => undefined));
    return turn;
  }

  /** Holds every request back for `ms` (a 429's Retry-After). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.timer.now() + ms);
  }
}
