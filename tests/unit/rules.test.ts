import { describe, expect, it } from 'vitest';
import { CORE_TOUCH_TYPES } from '../../src/ingest/event-types.js';
import { buildDeals } from '../../src/metrics/deals.js';
import { buildLeads } from '../../src/metrics/leads.js';
import { activityDrops, missedFollowUps, stalledDeals, teamActivityFalls, untouchedLeads, type RuleSettings } from '../../src/metrics/rules.js';
import type { MetricEvent } from '../../src/metrics/types.js';
import { completeWeeks } from '../../src/metrics/windows.js';

const s: RuleSettings = { slaHours: 24, stalledDays: 14, followUpHours: 48, dropShare: 0.4, dropMinPerWeek: 5, alertLookbackDays: 7 };
const touch = new Set<string>(CORE_TOUCH_TYPES);
const asOf = Date.parse('2026-11-20T12:00:00Z');
const H = 3_600_000;
const D = 24 * H;
let seq = 0;
const ev = (repId: number, type: string, at: number, extra: Partial<MetricEvent> = {}): MetricEvent => ({
  id: `r${++seq}`,
  repId,
  type,
  at,
  leadId: null,
  dealId: null,
  amount: null,
  stage: null,
  leadSource: null,
  ...extra,
});

describe('untouched_lead', () => {
  it('fires once the SLA passed without the rep touching the lead, within the lookback only', () => {
    const events = [
      ev(1, 'lead_assigned', asOf - 30 * H, { leadId: 'late', leadSource: 'inbound' }),
      ev(1, 'lead_assigned', asOf - 30 * H, { leadId: 'touched', leadSource: 'inbound' }),
      ev(1, 'call', asOf - 20 * H, { leadId: 'touched' }),
      ev(1, 'lead_assigned', asOf - 10 * H, { leadId: 'inside-sla', leadSource: 'inbound' }),
      ev(1, 'lead_assigned', asOf - 40 * D, { leadId: 'history', leadSource: 'inbound' }),
      ev(1, 'lead_assigned', asOf - 30 * H, { leadId: 'other-rep-touched', leadSource: 'outbound' }),
      ev(2, 'call', asOf - 29 * H, { leadId: 'other-rep-touched' }),
    ];
    const leads = [...buildLeads(events, asOf, touch).values()].flat();
    const alerts = untouchedLeads(leads, asOf, s);
    expect(alerts.map((a) => a.key).sort()).toEqual(['untouched_lead:1:late', 'untouched_lead:1:other-rep-touched']);
    expect(alerts[0]!.triggeredAt).toBe(asOf - 6 * H);
  });
});

describe('stalled_deal', () => {
  it('fires for open deals idle for stalledDays, with a key per stall', () => {
    const events = [
      ev(1, 'opportunity_created', asOf - 16 * D, { dealId: 'idle', amount: 100 }),
      ev(1, 'opportunity_created', asOf - 16 * D, { dealId: 'touched', amount: 100 }),
      ev(1, 'email', asOf - 5 * D, { dealId: 'touched' }),
      ev(1, 'opportunity_created', asOf - 20 * D, { dealId: 'won', amount: 100 }),
      ev(1, 'deal_won', asOf - 19 * D, { dealId: 'won', amount: 100 }),
      ev(1, 'opportunity_created', asOf - 60 * D, { dealId: 'old-stall', amount: 100 }),
    ];
    const alerts = stalledDeals(buildDeals(events, asOf, ['discovery'], touch, 90).values(), asOf, s);
    expect(alerts.map((a) => a.subject)).toEqual(['idle']);
    expect(alerts[0]!.key).toBe(`stalled_deal:idle:${new Date(asOf - 16 * D).toISOString()}`);
    expect(alerts[0]!.detail.daysSinceActivity).toBe(16);
  });
});

describe('missed_follow_up', () => {
  it('fires for a meeting with no later touch on its deal or lead within followUpHours', () => {
    const events = [
      ev(1, 'meeting', asOf - 3 * D, { dealId: 'D1' }),
      ev(1, 'demo', asOf - 3 * D, { dealId: 'D2' }),
      ev(2, 'email', asOf - 2 * D, { dealId: 'D2' }),
      ev(1, 'meeting', asOf - 3 * D, { leadId: 'L1' }),
      ev(1, 'call', asOf - 1 * D, { leadId: 'L1' }), // 48 h after: still in time
      ev(1, 'meeting', asOf - 30 * H, { dealId: 'D3' }), // deadline not passed yet
      ev(1, 'meeting', asOf - 3 * D), // on nothing
    ];
    const alerts = missedFollowUps(events, asOf, touch, s);
    expect(alerts.map((a) => a.subject)).toEqual(['deal:D1']);
    expect(alerts[0]!.key).toBe(`missed_follow_up:${events[0]!.id}`);
  });
});

describe('activity_drop', () => {
  const weeks = completeWeeks(new Date('2026-11-23T12:00:00Z'), 5, { timezone: 'UTC', weekStartsOn: 1 }).weeks;
  const calls = (week: number, n: number) => Array.from({ length: n }, (_, i) => ev(1, 'call', weeks[week]!.start.getTime() + (i + 1) * H));
  const at = Date.parse('2026-11-23T12:00:00Z');

  it('fires when last week fell below (1 − dropShare) of the previous mean', () => {
    const events = [...calls(0, 10), ...calls(1, 10), ...calls(2, 10), ...calls(3, 10), ...calls(4, 5)];
    const alerts = activityDrops(1, events, ['call', 'email'], weeks, at, s);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ subject: 'call', detail: { lastWeek: 5, previousMean: 10 } });
    expect(alerts[0]!.key).toBe(`activity_drop:1:call:${weeks[4]!.start.toISOString()}`);
  });

  it('counts a team fall of dropShare or more, exactly 60% included, over every rep’s counts', () => {
    const team = [...calls(0, 10), ...calls(1, 10), ...calls(2, 10), ...calls(3, 10)];
    const lastWeek = (rep: number, n: number) => Array.from({ length: n }, (_, i) => ev(rep, 'call', weeks[4]!.start.getTime() + (i + 1) * H));
    expect(teamActivityFalls([...team, ...lastWeek(1, 6)], ['call', 'email'], weeks, s)).toEqual(new Set(['call']));
    expect(teamActivityFalls([...team, ...lastWeek(1, 5), ...lastWeek(2, 2)], ['call'], weeks, s)).toEqual(new Set());
    expect(teamActivityFalls([...team, ...lastWeek(1, 6)], ['call'], weeks.slice(4), s)).toEqual(new Set());
  });

  it('stays quiet at exactly 60% and under dropMinPerWeek', () => {
    expect(activityDrops(1, [...calls(0, 10), ...calls(1, 10), ...calls(2, 10), ...calls(3, 10), ...calls(4, 6)], ['call'], weeks, at, s)).toEqual([]);
    expect(activityDrops(1, [...calls(0, 4), ...calls(1, 4), ...calls(2, 4), ...calls(3, 4)], ['call'], weeks, at, s)).toEqual([]);
  });
});
