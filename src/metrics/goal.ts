/** This week's goal (docs/metrics.md "Words used in messages", rev 2): a stepping stone, not the whole gap. */
export interface WeekGoal {
  key: string;
  /** The rep's cadence-window weekly value. */
  average: number;
  goal: number;
  weekToDate: number;
  toGo: number;
}

/** ⌈x⌉ that ignores float noise (3.0000000001 is 3): a goal must not jump by a rounding error. */
const ceil = (x: number) => Math.ceil(x - 1e-9);

/**
 * goal = min(⌈E⌉, ⌈average⌉ + max(1, ⌈(E − average) × stepShare⌉)) and toGo = max(0, goal − week
 * to date), with E the expectation. So goal ≥ ⌈average⌉ + 1 whenever E − average ≥ 1, and
 * goal ≤ ⌈E⌉ always. Whole units: pipeline created rounds to the currency's whole unit too.
 */
export function weekGoal(input: { key: string; average: number; expectation: number; weekToDate: number; stepShare: number }): WeekGoal {
  const { average, expectation, stepShare } = input;
  const goal = Math.min(ceil(expectation), ceil(average) + Math.max(1, ceil((expectation - average) * stepShare)));
  return { key: input.key, average, goal, weekToDate: input.weekToDate, toGo: Math.max(0, goal - input.weekToDate) };
}
