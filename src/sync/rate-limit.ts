/**
 * Pacer's own throttle for a CRM's API: rolling windows (HubSpot's "100 requests per 10
 * seconds" is a rolling window), so requests go out as fast as the limits allow and never
 * faster. A 429 still pauses everything until the CRM's Retry-After has passed.
 *
 * A request holds its place in a window from when it is let through until a window after its
 * answer arrived (`Permit.done`). The CRM counts a request somewhere between its arrival and its
 * answer, so that is the latest moment it can have been counted, on Pacer's own clock: the next
 * request let through a window later cannot reach the CRM within the same window, whatever the
 * network's latency, its jitter, or how late either side's event loop handled the bytes. No
 * guessed margin is needed, and no agreement between the two clocks beyond their rate.
 */

/** At most `limit` requests in any `windowMs`. */
export interface WindowLimit {
  limit: number;
  windowMs: number;
}

/** A request's place in a window: `at` is when its answer arrived, +Infinity while it is in flight. */
interface Entry {
  at: number;
}

class RollingWindow {
  private entries: Entry[] = [];

  constructor(private readonly w: WindowLimit) {}

  /** Milliseconds until one more request fits; +Infinity while only an answer can make room. */
  waitMs(now: number): number {
    this.entries = this.entries.filter((e) => e.at > now - this.w.windowMs);
    if (this.entries.length < this.w.limit) return 0;
    // Entries settle out of order (answers do not come back in the order requests left).
    const sorted = this.entries.map((e) => e.at).sort((a, b) => a - b);
    return sorted[this.entries.length - this.w.limit]! + this.w.windowMs - now;
  }

  record(): Entry {
    const entry = { at: Number.POSITIVE_INFINITY };
    this.entries.push(entry);
    return entry;
  }
}

/** A promise and what resolves it (Promise.withResolvers is Node 22's). */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A request let through the throttle. */
export interface Permit {
  /** Its answer arrived (or it failed): it counts in its windows for a window from now. Idempotent. */
  done(): void;
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
  /** Resolved (and replaced) whenever a request's answer arrives: a full window may have room. */
  private answered = signal();

  constructor(
    limits: Record<string, readonly WindowLimit[]>,
    private readonly timer: Timer = realTimer,
    private readonly reservation: Reservation | null = null,
  ) {
    for (const [kind, list] of Object.entries(limits))
      this.windows.set(
        kind,
        list.map((w) => new RollingWindow(w)),
      );
    this.others = reservation ? new RollingWindow(reservation.others) : null;
  }

  /** Waits for room in the windows of `kinds`, then counts the request in them until a window after `done()`. */
  acquire(kinds: readonly string[]): Promise<Permit> {
    const key = kinds.join('+');
    const reserved = this.reservation !== null && kinds.includes(this.reservation.kind);
    const turn = (this.queues.get(key) ?? Promise.resolve()).then(async (): Promise<Permit> => {
      for (;;) {
        const now = this.timer.now();
        const windows = kinds.flatMap((k) => this.windows.get(k) ?? []);
        const paused = Math.max(0, ...kinds.map((k) => (this.pausedUntil.get(k) ?? 0) - now));
        const reservationActive = this.reservation !== null && now - this.reservedLastUsed < this.reservation.others.windowMs;
        const othersWait = !reserved && this.others && reservationActive ? this.others.waitMs(now) : 0;
        const wait = Math.max(paused, othersWait, ...windows.map((w) => w.waitMs(now)));
        if (wait <= 0) {
          const entries = windows.map((w) => w.record());
          if (reserved) this.reservedLastUsed = now;
          else if (this.others) entries.push(this.others.record());
          return this.permit(entries);
        }
        if (wait === Number.POSITIVE_INFINITY) {
          // Every place is held by a request still in flight: its answer makes room.
          await this.answered.promise;
          continue;
        }
        await this.timer.sleep(reserved ? wait : Math.min(wait, 50));
      }
    });
    this.queues.set(
      key,
      turn.then(
        () => undefined,
        () => undefined,
      ),
    );
    return turn;
  }

  private permit(entries: Entry[]): Permit {
    let settled = false;
    return {
      done: () => {
        if (settled) return;
        settled = true;
        const now = this.timer.now();
        for (const e of entries) e.at = now;
        this.answered.resolve();
        this.answered = signal();
      },
    };
  }

  /** Holds the requests of `kind` back for `ms` (a 429's Retry-After); 'general' holds back all. */
  pause(ms: number, kind = 'general'): void {
    this.pausedUntil.set(kind, Math.max(this.pausedUntil.get(kind) ?? 0, this.timer.now() + ms));
  }
}
