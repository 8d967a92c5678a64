import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildDeals, tallyStage } from '../../src/metrics/deals.js';
import type { MetricEvent } from '../../src/metrics/types.js';
import { CORE_TOUCH_TYPES } from '../../src/ingest/event-types.js';

// docs/metrics.md "Stage conversion" (revision 2): over decided deals. Pipeline discovery → demo → proposal,
// stageTimeoutDays 90, as of 2026-11-23 00:00 UTC.
const STAGES = ['discovery', 'demo', 'proposal'];
const TOUCH = new Set(CORE_TOUCH_TYPES);
const D = 86_400_000;
const T = Date.parse('2026-11-23T00:00:00Z');
const day = (n: number) => T - n * D; // n days before t
const ALL = { from: 0, to: T };

let seq = 0;
const ev = (type: string, at: number, dealId: string, extra: Partial<MetricEvent> = {}): MetricEvent => {
  seq += 1;
  return { id: `s${seq}`, repId: 1, type, at, leadId: null, dealId, amount: null, stage: null, leadSource: null, ...extra };
};
const open = (id: string, at: number, amount = 100) => ev('opportunity_created', at, id, { amount });
const move = (id: string, at: number, stage: string) => ev('stage_changed', at, id, { stage });

const outcome = (events: MetricEvent[], dealId: string) =>
  buildDeals(events, T, STAGES, TOUCH, 90)
    .get(dealId)!
    .stages.map((s) => s.decision);

describe('stage outcomes of one deal (hand table)', () => {
  it('leaves a young open deal undecided, and ages out an old one at entry + 90 days', () => {
    expect(outcome([open('Y', day(30))], 'Y')).toEqual([null, null, null]);
    expect(outcome([open('O', day(100))], 'O')).toEqual([{ converted: false, at: day(10) }, null, null]);
    // Exactly 90 days: decided at t itself, which no window [start, t) contains; 89 days: undecided.
    expect(outcome([open('E', day(90))], 'E')[0]).toEqual({ converted: false, at: T });
    expect(outcome([open('F', day(89))], 'F')[0]).toBeNull();
  });

  it('re-decides an aged-out deal as converted when it moves on', () => {
    const events = [open('A', day(200)), move('A', day(50), 'demo')];
    expect(outcome(events, 'A')).toEqual([{ converted: true, at: day(50) }, null, null]);
  });

  it('converts every stage a win from an early stage entered, and counts none it never entered', () => {
    const events = [open('W', day(20)), ev('deal_won', day(10), 'W', { amount: 100 })];
    expect(outcome(events, 'W')).toEqual([{ converted: true, at: day(10) }, null, null]);
  });

  it('decides a loss only at the furthest stage reached', () => {
    const events = [open('L', day(30)), move('L', day(20), 'demo'), ev('deal_lost', day(10), 'L')];
    expect(outcome(events, 'L')).toEqual([{ converted: true, at: day(20) }, { converted: false, at: day(10) }, null]);
  });

  it('decides a reopened deal again by its new events', () => {
    const lostThenMoved = [open('R', day(30)), move('R', day(25), 'demo'), ev('deal_lost', day(20), 'R'), move('R', day(5), 'proposal')];
    expect(outcome(lostThenMoved, 'R')).toEqual([{ converted: true, at: day(25) }, { converted: true, at: day(5) }, null]);
    const lostThenWon = [open('Q', day(30)), ev('deal_lost', day(20), 'Q'), ev('deal_won', day(2), 'Q', { amount: 100 })];
    expect(outcome(lostThenWon, 'Q')).toEqual([{ converted: true, at: day(2) }, null, null]);
    // Reopened at the same stage: open again there, its timeout running from the reopening.
    const reopened = [open('P', day(200)), ev('deal_lost', day(150), 'P'), move('P', day(40), 'discovery')];
    expect(outcome(reopened, 'P')).toEqual([null, null, null]);
  });

  it('counts a skipped stage as entered and converted at the skip, without velocity', () => {
    const events = [open('S', day(30)), move('S', day(20), 'proposal')];
    const deal = buildDeals(events, T, STAGES, TOUCH, 90).get('S')!;
    expect(deal.stages[1]).toEqual({ enteredAt: day(20), skipped: true, decision: { converted: true, at: day(20) } });
    expect(tallyStage([deal], 1, ALL)).toMatchObject({ converted: 1, days: [] });
    expect(tallyStage([deal], 0, ALL)).toMatchObject({ converted: 1, days: [10] });
  });
});

describe('stage conversion over a window (hand table)', () => {
  // Window: the last 60 days before t. Deals and their decision at discovery:
  //   A opened day 50, demo day 40            → converted day 40 (10 days in discovery)   in
  //   B opened day 150 (aged out day 60)       → not converted, day 60                   in (60 days = window start)
  //   C opened day 140, demo day 10           → aged out day 50, then converted day 10    in (moved)
  //   G opened day 100, lost day 70            → not converted, day 70                    out (before window)
  //   H opened day 20                          → young, undecided                         left out
  const events = [
    open('A', day(50), 10),
    move('A', day(40), 'demo'),
    open('B', day(150), 20),
    open('C', day(140), 40),
    move('C', day(10), 'demo'),
    open('G', day(100), 80),
    ev('deal_lost', day(70), 'G'),
    open('H', day(20), 160),
  ];
  const deals = [...buildDeals(events, T, STAGES, TOUCH, 90).values()];
  const tally = tallyStage(deals, 0, { from: day(60), to: T });

  it('is converted ÷ decided over the deals decided in the window', () => {
    expect(tally.decided.map((d) => d.dealId).sort()).toEqual(['A', 'B', 'C']);
    expect(tally.converted).toBe(2);
    expect(tally.days.sort((a, b) => a - b)).toEqual([10, 130]);
  });

  it('reads a young deal entering a stage as nothing until it is decided', () => {
    // Revision 1 would have counted H (and C before its move) as entered and not converted.
    expect(tally.decided.some((d) => d.dealId === 'H')).toBe(false);
  });
});

describe('young deals never change conversion (property)', () => {
  const eventArb = (ids: string[]) =>
    fc.record({
      type: fc.constantFrom('opportunity_created', 'stage_changed', 'stage_changed', 'deal_won', 'deal_lost', 'call'),
      daysBefore: fc.integer({ min: 1, max: 300 }),
      dealId: fc.constantFrom(...ids),
      stage: fc.constantFrom(...STAGES),
    });
  const toEvent = (e: { type: string; daysBefore: number; dealId: string; stage: string }, i: number, prefix: string): MetricEvent => ({
    id: `${prefix}${i}`,
    repId: 1,
    type: e.type,
    at: day(e.daysBefore),
    leadId: null,
    dealId: e.dealId,
    amount: 100,
    stage: e.type === 'stage_changed' ? e.stage : null,
    leadSource: null,
  });

  it('adding a deal whose latest event enters stage S less than stageTimeoutDays before t changes no rate at S or later', () => {
    const started = Date.now();
    fc.assert(
      fc.property(
        fc.array(eventArb(['D1', 'D2', 'D3', 'D4']), { maxLength: 40 }),
        fc.integer({ min: 0, max: STAGES.length - 1 }),
        fc.integer({ min: 0, max: 89 }),
        fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 3 }),
        fc.integer({ min: 1, max: 120 }),
        (list, s, youngDays, earlierGaps, windowDays) => {
          const base = list.map((e, i) => toEvent(e, i, 'b'));
          // The new deal: optionally earlier stages (any time before), then its latest event enters S.
          const enteredAt = T - youngDays * D - 1;
          const extra: MetricEvent[] = [];
          let at = enteredAt;
          for (const gap of earlierGaps) at -= gap * D + 1;
          extra.push({ ...toEvent({ type: 'opportunity_created', daysBefore: 0, dealId: 'NEW', stage: STAGES[0]! }, 0, 'n'), at });
          if (s > 0) extra.push({ ...toEvent({ type: 'stage_changed', daysBefore: 0, dealId: 'NEW', stage: STAGES[s]! }, 1, 'n'), at: enteredAt });
          else extra[0]!.at = enteredAt;
          const span = { from: T - windowDays * D, to: T };
          const before = [...buildDeals(base, T, STAGES, TOUCH, 90).values()];
          const after = [...buildDeals([...base, ...extra], T, STAGES, TOUCH, 90).values()];
          for (let k = s; k < STAGES.length; k += 1) {
            const a = tallyStage(before, k, span);
            const b = tallyStage(after, k, span);
            expect([b.decided.length, b.converted]).toEqual([a.decided.length, a.converted]);
          }
        },
      ),
      { numRuns: 300, interruptAfterTimeLimit: 20_000 },
    );
    expect(Date.now() - started).toBeLessThan(25_000);
  });
});
