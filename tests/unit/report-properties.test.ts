import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readTeamSettings } from '../../src/config/apply.js';
import { CORE_TOUCH_TYPES } from '../../src/ingest/event-types.js';
import type { MetricEvent } from '../../src/metrics/types.js';
import { computeRepReportFromFacts, computeTeamReport, factsFromEvents, type TeamInput } from '../../src/reports/compute.js';

const AS_OF = new Date('2026-11-25T15:30:00Z');
const STAGES = ['discovery', 'demo', 'proposal'];
const team: TeamInput = {
  name: 'Props',
  timezone: 'America/New_York',
  weekStartsOn: 1,
  pipelineStages: STAGES,
  focus: ['cadence.call', 'pipeline_created', 'speed_to_lead_hours', 'stage_conversion.demo'],
  touchTypes: new Set(CORE_TOUCH_TYPES),
  performanceMetric: 'booked_revenue',
  settings: readTeamSettings({ thresholds: { rampWeeks: 4 } }),
  currency: 'USD',
  reps: [
    { id: 1, email: 'a@x', name: 'A', startDate: null },
    { id: 2, email: 'b@x', name: 'B', startDate: '2026-01-05' },
    { id: 3, email: 'c@x', name: 'C', startDate: null },
    { id: 4, email: 'd@x', name: 'D', startDate: '2026-10-14' },
  ],
  targets: [
    { memberId: null, metric: 'booked_revenue', period: { kind: 'quarter' }, value: 50_000, ramped: false },
    { memberId: 1, metric: 'booked_revenue', period: { kind: 'quarter' }, value: 0, ramped: false },
  ],
};
const TYPES = [...CORE_TOUCH_TYPES, 'lead_assigned', 'lead_qualified', 'lead_disqualified', 'opportunity_created', 'stage_changed', 'deal_won', 'deal_lost'];
const WEEK = 7 * 86_400_000;

const eventArb = (repIds: number[], idPrefix: string, dealIds: string[], leadIds: string[], from: number, to: number) =>
  fc.record({
    repId: fc.constantFrom(...repIds),
    type: fc.constantFrom(...TYPES),
    at: fc.integer({ min: from, max: to - 1 }),
    dealId: fc.option(fc.constantFrom(...dealIds), { nil: null }),
    leadId: fc.option(fc.constantFrom(...leadIds), { nil: null }),
    amount: fc.option(fc.integer({ min: 0, max: 50_000 }), { nil: null }),
    stage: fc.option(fc.constantFrom(...STAGES, 'unknown'), { nil: null }),
    leadSource: fc.option(fc.constantFrom('inbound' as const, 'outbound' as const), { nil: null }),
  });

const withIds = (prefix: string, list: Omit<MetricEvent, 'id'>[]): MetricEvent[] => list.map((e, i) => ({ id: `${prefix}${i}`, ...e }));

const teamEvents = fc
  .array(eventArb([1, 2, 3, 4], 'e', ['D1', 'D2', 'D3', 'D4', 'D5'], ['L1', 'L2', 'L3', 'L4'], AS_OF.getTime() - 15 * WEEK, AS_OF.getTime()), { maxLength: 250 })
  .map((list) => withIds('e', list));

const RUNS = { numRuns: 40 };

describe('report properties', () => {
  it('does not depend on the order of events', () => {
    fc.assert(
      fc.property(
        teamEvents.chain((events) => fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }))),
        ([events, shuffled]) => {
          expect(computeTeamReport(team, shuffled, AS_OF)).toEqual(computeTeamReport(team, events, AS_OF));
        },
      ),
      RUNS,
    );
  });

  it('ignores events at or after the as-of instant', () => {
    fc.assert(
      fc.property(
        teamEvents,
        fc.array(eventArb([1, 2, 3, 4], 'late', ['D1', 'D2', 'D9'], ['L1', 'L9'], AS_OF.getTime(), AS_OF.getTime() + 4 * WEEK), { minLength: 1, maxLength: 20 }),
        (events, late) => {
          expect(computeTeamReport(team, [...events, ...withIds('late', late)], AS_OF)).toEqual(computeTeamReport(team, events, AS_OF));
        },
      ),
      RUNS,
    );
  });

  it('ignores events of unrelated reps, leads and deals', () => {
    fc.assert(
      fc.property(teamEvents, fc.array(eventArb([99, 100], 'other', ['X1', 'X2'], ['Y1'], AS_OF.getTime() - 15 * WEEK, AS_OF.getTime()), { minLength: 1, maxLength: 20 }), (events, other) => {
        expect(computeTeamReport(team, [...events, ...withIds('other', other)], AS_OF)).toEqual(computeTeamReport(team, events, AS_OF));
      }),
      RUNS,
    );
  });

  it('gives each rep alone the report the whole team computation gives them, and none to a stranger', () => {
    fc.assert(
      fc.property(teamEvents, fc.constantFrom(...team.reps.map((r) => r.id)), (events, repId) => {
        const whole = computeTeamReport(team, events, AS_OF);
        const email = team.reps.find((r) => r.id === repId)!.email;
        expect(computeRepReportFromFacts(team, factsFromEvents(events), AS_OF, repId)).toEqual(whole.members.find((m) => m.rep.email === email));
        expect(computeRepReportFromFacts(team, factsFromEvents(events), AS_OF, 99)).toBeNull();
      }),
      RUNS,
    );
  });

  it('keeps paces in [0, 2] and rates in [0, 1]', () => {
    fc.assert(
      fc.property(teamEvents, (events) => {
        const report = computeTeamReport(team, events, AS_OF);
        for (const m of report.members) {
          for (const l of m.leading) {
            if (l.pace !== null) {
              expect(l.pace).toBeGreaterThanOrEqual(0);
              expect(l.pace).toBeLessThanOrEqual(2);
            }
            if (l.value !== null && (l.key.includes('rate') || l.key.startsWith('stage_conversion.'))) {
              expect(l.value).toBeGreaterThanOrEqual(0);
              expect(l.value).toBeLessThanOrEqual(1);
            }
          }
          for (const w of [m.lagging.cadenceWindow, m.lagging.baselineWindow]) if (w.winRate !== null) expect(w.winRate).toBeLessThanOrEqual(1);
          for (const v of Object.values(m.weekToDate)) if (v.pace !== null) expect(v.pace).toBeLessThanOrEqual(2);
        }
      }),
      RUNS,
    );
  });
});
