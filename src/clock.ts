/**
 * The one source of "now". With PACER_NOW the clock starts at that instant and runs on from
 * there (demos, the sandbox, tests); otherwise it is the system clock.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function startClockAt(start: Date, monotonic: () => number = () => performance.now()): Clock {
  const origin = monotonic();
  return { now: () => new Date(start.getTime() + (monotonic() - origin)) };
}

/** The process clock: started at PACER_NOW when given (docs/interfaces.md), else the system clock. */
export function processClock(now: Date | undefined): Clock {
  return now ? startClockAt(now) : systemClock;
}

/** A clock that only moves when told to; for tests and the sandbox's "advance a week". */
export function manualClock(start: Date): Clock & { set(at: Date): void; advance(ms: number): void } {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    set: (at) => {
      current = at.getTime();
    },
    advance: (ms) => {
      current += ms;
    },
  };
}
