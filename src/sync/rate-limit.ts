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
 * A class of request whose limit is its own and also counts in the general one (HubSpot's
 * searches: 5 a second, within 100 per 10 seconds): while it is in use, the other requests keep
 * to `others`, leaving the rest of the general window to it, so a burst of batch reads cannot
 * starve the searches a sync waits on. When it is idle for a window, the others have it all.
 */
export interface Reservation {
  kind: string;
  others: WindowLimit;
}

/**
 * Rolling windows by class of request ('general' for every request, plus e.g. 'search'): a request
 * waits until every window it counts in has room. Requests of one combination of classes go out
 * one at a time, in order, so a burst of callers cannot overshoot; a search waiting for its
 * per-second window does not hold back requests that only count in the general one (checking
 * and counting happen in one synchronous step, so two queues never both take the last room).
 */
export class Throttle {
  private readonly windows = new Map<string, RollingWindow[]>();
  /** Until when each class is held back ('general' holds back every request). */
  private readonly pausedUntil = new Map<string, number>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly others: RollingWindow | null;
  private reservedLastUsed = Number.NEGATIVE_INFINITY;

  constructor(
    limits: Record<string, readonly WindowLimit[]>,
    private readonly timer: Timer = realTimer,
    private readonly reservation: Reservation | null = null,
  ) {
    for (const [kind, list] of Object.entries(limits)) this.windows.set(kind, list.map((w) => new RollingWindow(w)));
    this.others = reservation ? new RollingWindow(reservation.others) : null;
  }

  /** Waits for room in the windows of `kinds`, then counts the request in them. */
  acquire(kinds: readonly string[]): Promise<void> {
    const key = kinds.join('+');
    const reserved = this.reservation !== null && kinds.includes(this.reservation.kind);
    const turn = (this.queues.get(key) ?? Promise.resolve()).then(async () => {
      for (;;) {
        const now = this.timer.now();
        const windows = kinds.flatMap((k) => this.windows.get(k) ?? []);
        const paused = Math.max(0, ...kinds.map((k) => (this.pausedUntil.get(k) ?? 0) - now));
        const reservationActive = this.reservation !== null && now - this.reservedLastUsed < this.reservation.others.windowMs;
        const othersWait = !reserved && this.others && reservationActive ? this.others.waitMs(now) : 0;
        const wait = Math.max(paused, othersWait, ...windows.map((w) => w.waitMs(now)));
        if (wait <= 0) {
          for (const w of windows) w.record(now);
          if (reserved) this.reservedLastUsed = now;
          else this.others?.record(now);
          return;
        }
        await this.timer.sleep(reserved ? wait : Math.min(wait, 50));
      }
    });
    this.queues.set(key, turn.catch(() => undefined));
    return turn;
  }

  /** Holds the requests of `kind` back for `ms` (a 429's Retry-After); 'general' holds back all. */
  pause(ms: number, kind = 'general'): void {
    this.pausedUntil.set(kind, Math.max(this.pausedUntil.get(kind) ?? 0, this.timer.now() + ms));
  }
}
