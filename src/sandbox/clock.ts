import type { Clock } from '../clock.js';

/** The sandbox clock: starts at the end of the demo data, runs, and jumps forward on request. */
export function sandboxClock(start: Date, monotonic: () => number = () => performance.now()): Clock & { advance(ms: number): void } {
  const origin = monotonic();
  let offset = 0;
  return {
    now: () => new Date(start.getTime() + offset + (monotonic() - origin)),
    advance: (ms) => {
      offset += ms;
    },
  };
}
