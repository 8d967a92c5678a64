import { describe, expect, it } from 'vitest';
import { withinBudget } from '../../src/db/rollups-write.js';

// A fold transaction takes the claimed outbox rows' prefix that fits its event budget, and always
// at least one row, so a write larger than the budget is still folded (alone).
const rows = (...events: number[]) => events.map((n, i) => ({ id: String(i + 1), events: n }));

describe('a fold’s event budget', () => {
  it('takes the claimed rows in order while their events fit', () => {
    expect(withinBudget(rows(400, 500, 100, 50), 1_000)).toEqual(['1', '2', '3']);
    expect(withinBudget(rows(400, 600, 1), 1_000)).toEqual(['1', '2']);
  });

  it('stops at the first row that does not fit, though a later one would', () => {
    expect(withinBudget(rows(600, 500, 10), 1_000)).toEqual(['1']);
  });

  it('takes a first row larger than the budget on its own', () => {
    expect(withinBudget(rows(5_000, 1), 1_000)).toEqual(['1']);
  });

  it('leaves a first row larger than the budget when the transaction already holds events', () => {
    expect(withinBudget(rows(5_000, 1), 1_000, false)).toEqual([]);
    expect(withinBudget(rows(400, 500), 1_000, false)).toEqual(['1', '2']);
  });

  it('takes nothing when nothing was claimed', () => {
    expect(withinBudget([], 1_000)).toEqual([]);
  });
});
