import type { DealHistory } from './deals.js';
import { median, ratio } from './stats.js';

const DAY = 86_400_000;

/** Lagging results (docs/metrics.md) over [from, to): all deal-level, credited to each deal's owner. */
export interface Lagging {
  bookedRevenue: number | null;
  dealsWon: number | null;
  dealsLost: number | null;
  /** won ÷ (won + lost) over deals closed in the window. */
  winRate: number | null;
  /** booked revenue ÷ deals won. */
  avgDealSize: number | null;
  /** Median days from opportunity_created to close, over deals closed in the window. */
  salesCycleDays: number | null;
}

export const NO_LAGGING: Lagging = { bookedRevenue: null, dealsWon: null, dealsLost: null, winRate: null, avgDealSize: null, salesCycleDays: null };

/**
 * Lagging results of the deals owned by any of `ownerIds` and closed in [from, to).
 * Null span (no active week) gives no values at all.
 */
export function lagging(deals: Iterable<DealHistory>, ownerIds: ReadonlySet<number>, range: { from: number; to: number } | null): Lagging {
  if (!range) return NO_LAGGING;
  let booked = 0;
  let won = 0;
  let lost = 0;
  const cycles: number[] = [];
  for (const d of deals) {
    if (d.ownerId === null || !ownerIds.has(d.ownerId) || !d.close) continue;
    if (d.close.at < range.from || d.close.at >= range.to) continue;
    if (d.close.outcome === 'won') {
      won += 1;
      booked += d.close.amount ?? 0;
    } else {
      lost += 1;
    }
    if (d.createdAt !== null && d.createdAt <= d.close.at) cycles.push((d.close.at - d.createdAt) / DAY);
  }
  return {
    bookedRevenue: booked,
    dealsWon: won,
    dealsLost: lost,
    winRate: ratio(won, won + lost),
    avgDealSize: ratio(booked, won),
    salesCycleDays: median(cycles),
  };
}
