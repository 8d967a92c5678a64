import { describe, expect, it } from 'vitest';
import { buildDeals } from '../../src/metrics/deals.js';
import { leadingIndicators, type RepWindow } from '../../src/metrics/indicators.js';
import { lagging } from '../../src/metrics/lagging.js';
import { buildLeads } from '../../src/metrics/leads.js';
import type { MetricEvent, MetricSettings } from '../../src/metrics/types.js';
import { activeWeeks, completeWeeks } from '../../src/metrics/windows.js';
import { CORE_TOUCH_TYPES } from '../../src/ingest/event-types.js';

const settings: MetricSettings = {
  timezone: 'UTC',
  weekStartsOn: 1,
  pipelineStages: ['discovery', 'demo', 'proposal'],
  touchTypes: new Set(CORE_TOUCH_TYPES),
  slaHours: 24,
};
// As of Monday 2026-11-23 00:00 UTC, the 4 complete weeks are Oct 26 – Nov 23.
const asOf = Date.parse('2026-11-23T00:00:00Z');
const window = completeWeeks(new Date(asOf), 4, settings);
const H = 3_600_000;
const D = 24 * H;
const at = (iso: string) => Date.parse(iso);

let seq = 0;
function ev(repId: number, type: string, when: number, extra: Partial<MetricEvent> = {}): MetricEvent {
  seq += 1;
  return { id: `e${seq}`, repId, type, at: when, leadId: null, dealId: null, amount: null, stage: null, leadSource: null, ...extra };
}

function repWindow(repId: number, events: MetricEvent[], startDate: string | null = null): RepWindow {
  return {
    repId,
    weeks: activeWeeks(window, startDate, settings.timezone),
    asOf,
    events: events.filter((e) => e.repId === repId),
    deals: buildDeals(events, asOf, settings.pipelineStages, settings.touchTypes, 90),
    leads: buildLeads(events, asOf, settings.touchTypes).get(repId) ?? [],
    settings,
  };
}

describe('cadence and pipeline created', () => {
  const events = [
    ev(1, 'call', at('2026-10-26T00:00:00Z')), // first instant of the window: counts
    ev(1, 'call', at('2026-10-25T23:59:59Z')), // just before: does not
    ev(1, 'call', at('2026-11-10T10:00:00Z')),
    ev(1, 'call', at('2026-11-22T23:59:59Z')),
    ev(1, 'call', at('2026-11-23T00:00:00Z')), // at the as-of instant: after the window
    ev(1, 'opportunity_created', at('2026-11-03T10:00:00Z'), { dealId: 'D1', amount: 1000 }),
    ev(1, 'opportunity_created', at('2026-11-17T10:00:00Z'), { dealId: 'D2', amount: 3000 }),
    ev(2, 'call', at('2026-11-10T10:00:00Z')),
  ];

  it('divides by the active weeks', () => {
    const k = leadingIndicators(repWindow(1, events), ['call']);
    expect(k.get('cadence.call')).toMatchObject({ value: 3 / 4, n: 3 });
    expect(k.get('pipeline_created')).toMatchObject({ value: 4000 / 4, n: 2 });
  });

  it('counts only the active weeks of a rep who started mid-window', () => {
    // Started Wed Nov 4: active weeks are those starting Nov 9 and Nov 16.
    const k = leadingIndicators(repWindow(1, events, '2026-11-04'), ['call']);
    expect(k.get('cadence.call')).toMatchObject({ value: 2 / 2, n: 2 });
    expect(k.get('pipeline_created')).toMatchObject({ value: 3000 / 2, n: 1 });
  });

  it('has no value (null, not 0) for a rep with no active week', () => {
    const k = leadingIndicators(repWindow(1, events, '2026-11-20'), ['call']);
    for (const v of k.values()) expect(v.value).toBeNull();
  });
});

describe('speed to lead', () => {
  const events = [
    ev(1, 'lead_assigned', at('2026-11-02T09:00:00Z'), { leadId: 'L1', leadSource: 'inbound' }),
    ev(1, 'email', at('2026-11-02T11:00:00Z'), { leadId: 'L1' }), // 2 h
    ev(1, 'lead_assigned', at('2026-11-03T09:00:00Z'), { leadId: 'L2', leadSource: 'outbound' }),
    ev(2, 'call', at('2026-11-03T10:00:00Z'), { leadId: 'L2' }), // someone else's touch does not count
    ev(1, 'call', at('2026-11-05T09:00:00Z'), { leadId: 'L2' }), // 48 h: a miss
    ev(1, 'lead_assigned', at('2026-11-04T09:00:00Z'), { leadId: 'L3', leadSource: 'inbound' }), // never touched: miss
    ev(1, 'lead_assigned', at('2026-11-22T12:00:00Z'), { leadId: 'L4', leadSource: 'inbound' }), // inside SLA, untouched: left out
    ev(1, 'lead_assigned', at('2026-11-22T13:00:00Z'), { leadId: 'L5', leadSource: 'inbound' }),
    ev(1, 'call', at('2026-11-22T14:00:00Z'), { leadId: 'L5' }), // 1 h: a hit already
    ev(1, 'call', at('2026-11-23T01:00:00Z'), { leadId: 'L4' }), // after as-of: ignored
  ];

  it('takes the median hours over touched leads and the SLA hit rate over decided leads', () => {
    const k = leadingIndicators(repWindow(1, events), []);
    // touched: L1 2 h, L2 48 h, L5 1 h → median 2
    expect(k.get('speed_to_lead_hours')).toMatchObject({ value: 2, n: 3, higherIsBetter: false });
    // decided: L1 hit, L2 miss, L3 miss, L5 hit; L4 left out
    expect(k.get('sla_hit_rate')).toMatchObject({ value: 2 / 4, n: 4 });
  });
});

describe('qualification and opportunity rates', () => {
  const events = [
    ev(1, 'lead_assigned', at('2026-11-02T09:00:00Z'), { leadId: 'L1', leadSource: 'inbound' }),
    ev(1, 'lead_assigned', at('2026-11-02T09:00:00Z'), { leadId: 'L2', leadSource: 'inbound' }),
    ev(1, 'lead_assigned', at('2026-11-02T09:00:00Z'), { leadId: 'L3', leadSource: 'outbound' }),
    ev(1, 'lead_assigned', at('2026-11-02T09:00:00Z'), { leadId: 'L4', leadSource: 'outbound' }),
    ev(1, 'lead_qualified', at('2026-11-03T09:00:00Z'), { leadId: 'L1' }),
    ev(1, 'lead_qualified', at('2026-11-03T09:00:00Z'), { leadId: 'L3' }),
    ev(1, 'lead_disqualified', at('2026-11-03T09:00:00Z'), { leadId: 'L2' }),
    ev(3, 'opportunity_created', at('2026-11-04T09:00:00Z'), { leadId: 'L1', dealId: 'D1', amount: 500 }), // AE opens it
  ];

  it('are shares of the leads assigned, per source too', () => {
    const k = leadingIndicators(repWindow(1, events), []);
    expect(k.get('qualification_rate')).toMatchObject({ value: 2 / 4, n: 4 });
    expect(k.get('qualification_rate.inbound')).toMatchObject({ value: 1 / 2, n: 2 });
    expect(k.get('qualification_rate.outbound')).toMatchObject({ value: 1 / 2, n: 2 });
    expect(k.get('opportunity_rate')).toMatchObject({ value: 1 / 2, n: 2 });
  });
});

describe('stage conversion and deals', () => {
  const events = [
    // D1: created, demo, proposal, won — converts everywhere.
    ev(1, 'opportunity_created', at('2026-11-02T00:00:00Z'), { dealId: 'D1', amount: 100 }),
    ev(1, 'stage_changed', at('2026-11-04T00:00:00Z'), { dealId: 'D1', stage: 'demo' }),
    ev(1, 'stage_changed', at('2026-11-09T00:00:00Z'), { dealId: 'D1', stage: 'proposal' }),
    ev(1, 'deal_won', at('2026-11-12T00:00:00Z'), { dealId: 'D1', amount: 120 }),
    ev(1, 'call', at('2026-11-05T00:00:00Z'), { dealId: 'D1' }),
    ev(2, 'email', at('2026-11-06T00:00:00Z'), { dealId: 'D1' }), // a colleague's touch still counts for the deal
    // D2: created, skips demo straight to proposal, lost.
    ev(1, 'opportunity_created', at('2026-11-03T00:00:00Z'), { dealId: 'D2', amount: 200 }),
    ev(1, 'stage_changed', at('2026-11-05T00:00:00Z'), { dealId: 'D2', stage: 'proposal' }),
    ev(1, 'deal_lost', at('2026-11-10T00:00:00Z'), { dealId: 'D2' }),
    // D3: won with no stage changes.
    ev(1, 'opportunity_created', at('2026-11-16T00:00:00Z'), { dealId: 'D3', amount: 300 }),
    ev(1, 'deal_won', at('2026-11-18T00:00:00Z'), { dealId: 'D3', amount: 300 }),
    // D4: still open in discovery.
    ev(1, 'opportunity_created', at('2026-11-17T00:00:00Z'), { dealId: 'D4', amount: 400 }),
    // D5: opened by rep 1, then taken over by rep 2 (latest stage change names rep 2).
    ev(1, 'opportunity_created', at('2026-11-02T00:00:00Z'), { dealId: 'D5', amount: 50 }),
    ev(2, 'stage_changed', at('2026-11-03T00:00:00Z'), { dealId: 'D5', stage: 'demo' }),
    ev(2, 'deal_won', at('2026-11-06T00:00:00Z'), { dealId: 'D5', amount: 50 }),
  ];

  // Updated for docs/metrics.md revision 2 (decided deals): D4, young and open, is left out instead of
  // counting as not converted, and D3's win from discovery converts only the stage it entered.
  it('follows first entries, skipped stages and wins over decided deals', () => {
    const k = leadingIndicators(repWindow(1, events), []);
    // discovery decided for D1 (Nov 4), D2 (Nov 5, skipping demo), D3 (won Nov 18): all converted;
    // D4 is still in it and younger than the timeout: left out.
    expect(k.get('stage_conversion.discovery')).toMatchObject({ value: 1, n: 3, amount: 600, velocityDays: 2 });
    // demo: D1 (Nov 4 → Nov 9, 5 days) and D2 (skipped: converted, no velocity); D3 never entered it.
    expect(k.get('stage_conversion.demo')).toMatchObject({ value: 1, n: 2, amount: 300, velocityDays: 5 });
    // proposal (last stage): D1 won after 3 days, D2 lost there.
    expect(k.get('stage_conversion.proposal')).toMatchObject({ value: 1 / 2, n: 2, velocityDays: 3 });
    // closed deals D1 (2 touches), D2 (0), D3 (0).
    expect(k.get('touches_per_closed_deal')).toMatchObject({ value: 2 / 3, n: 3 });
  });

  it('credits results to the deal owner', () => {
    const deals = buildDeals(events, asOf, settings.pipelineStages, settings.touchTypes, 90);
    const range = { from: window.start.getTime(), to: window.end.getTime() };
    expect(lagging(deals.values(), new Set([1]), range)).toEqual({
      bookedRevenue: 420,
      dealsWon: 2,
      dealsLost: 1,
      winRate: 2 / 3,
      avgDealSize: 210,
      salesCycleDays: 7, // D1 10 days, D2 7, D3 2 → median 7
    });
    expect(lagging(deals.values(), new Set([2]), range)).toMatchObject({ bookedRevenue: 50, dealsWon: 1 });
    expect(lagging(deals.values(), new Set([1]), null).bookedRevenue).toBeNull();
  });

  it('ignores everything at or after the as-of instant', () => {
    const later = [...events, ev(1, 'deal_won', asOf, { dealId: 'D4', amount: 400 }), ev(1, 'stage_changed', asOf + D, { dealId: 'D4', stage: 'demo' })];
    expect(leadingIndicators(repWindow(1, later), [])).toEqual(leadingIndicators(repWindow(1, events), []));
  });
});
