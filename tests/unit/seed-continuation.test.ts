import { TZDate } from '@date-fns/tz';
import { describe, expect, it } from 'vitest';
import { validateEvent } from '../../src/ingest/event-schema.js';
import { CONTINUATION_WEEKS, orgEventsAfterEnd } from '../../src/seed/continuation.js';
import { orgEvents } from '../../src/seed/events.js';
import { buildOrg } from '../../src/seed/org.js';
import type { SeedEvent } from '../../src/seed/types.js';

// A Thursday afternoon, as the sandbox's clock starts: the weeks after it cut across calendar weeks.
const END = new Date('2026-12-03T15:00:00Z');
const WEEK = 7 * 86_400_000;
const org = buildOrg({ reps: 14, weeks: 8, seed: 5, end: END, workspace: 'T0CONT', crmBaseUrl: 'http://127.0.0.1:4000' });
const history = [...orgEvents(org)];
const after = (weeks: number, from = 0): SeedEvent[] => [...orgEventsAfterEnd(org, new Date(END.getTime() + from * WEEK), new Date(END.getTime() + weeks * WEEK))].flatMap((r) => r.events);
const at = (e: SeedEvent) => Date.parse(e.occurredAt);
const threeWeeks = after(3);

describe('seed: the weeks after the end (the sandbox advancing its clock)', () => {
  it('gives the same events up to any instant however far it generates: a later instant only adds events', () => {
    const oneWeek = after(1);
    expect(oneWeek.length).toBeGreaterThan(0);
    expect(threeWeeks.filter((e) => at(e) < END.getTime() + WEEK)).toEqual(oneWeek);
    // A span on its own is the same span of the longer run, ids included.
    const secondWeek = after(2, 1);
    expect(secondWeek).toEqual(threeWeeks.filter((e) => at(e) >= END.getTime() + WEEK && at(e) < END.getTime() + 2 * WEEK));
    // And the same options give the same events.
    const again = buildOrg({ ...org.options });
    expect([...orgEventsAfterEnd(again, END, new Date(END.getTime() + WEEK))].flatMap((r) => r.events)).toEqual(oneWeek);
  });

  it('lies after the end, in working hours, valid for ingestion, with ids of their own that go on from the history', () => {
    const historyIds = new Set(history.flatMap((r) => r.events.map((e) => e.id)));
    const ids = new Set(threeWeeks.map((e) => e.id));
    expect(ids.size).toBe(threeWeeks.length);
    expect(threeWeeks.filter((e) => historyIds.has(e.id))).toEqual([]);
    const zone = new Map(org.teams.flatMap((t) => t.reps.flatMap((r) => [[r.email, t.timezone] as const, [r.crmOwnerId, t.timezone] as const])));
    for (const e of threeWeeks) {
      const result = validateEvent(e, { extraTouchTypes: new Set() });
      if (!result.ok) throw new Error(`${e.id}: ${JSON.stringify(result.problems)}`);
      expect(at(e)).toBeGreaterThanOrEqual(END.getTime());
      expect(at(e)).toBeLessThan(END.getTime() + 3 * WEEK);
      const local = new TZDate(at(e), zone.get(e.repEmail ?? e.crmOwnerId!));
      expect(local.getDay() >= 1 && local.getDay() <= 5 && local.getHours() >= 9 && local.getHours() < 18, `${e.id} at ${local.toString()}`).toBe(true);
    }
    // Each rep's series goes on: the first id after the end is the one after their history's last.
    for (const { rep, events } of history) {
      const next = threeWeeks.find((e) => e.repEmail === rep.email || e.crmOwnerId === rep.crmOwnerId);
      expect(Number(next!.id.split('-').at(-1))).toBe(events.length + 1);
    }
  });

  it('carries the history on: deals open at the end move on, worked leads are decided, and every record is named', () => {
    const historyEvents = history.flatMap((r) => r.events);
    const closed = new Set(historyEvents.filter((e) => e.type === 'deal_won' || e.type === 'deal_lost').map((e) => e.dealId));
    const openedBefore = new Set(historyEvents.filter((e) => e.type === 'opportunity_created').map((e) => e.dealId));
    const decidedBefore = new Set(historyEvents.filter((e) => e.type === 'lead_qualified' || e.type === 'lead_disqualified').map((e) => e.leadId));
    const assignedBefore = new Set(historyEvents.filter((e) => e.type === 'lead_assigned').map((e) => e.leadId));
    // Nothing happens to a deal already won or lost.
    expect(threeWeeks.filter((e) => e.dealId !== undefined && closed.has(e.dealId))).toEqual([]);
    // Deals of the history move through their stages after the end, and some close.
    const moved = threeWeeks.filter((e) => e.dealId !== undefined && openedBefore.has(e.dealId) && ['stage_changed', 'deal_won', 'deal_lost'].includes(e.type));
    expect(new Set(moved.map((e) => e.type))).toEqual(new Set(['stage_changed', 'deal_won', 'deal_lost']));
    // Leads assigned before the end and not decided then are decided after it, each once.
    const decidedAfter = threeWeeks.filter((e) => (e.type === 'lead_qualified' || e.type === 'lead_disqualified') && assignedBefore.has(e.leadId));
    expect(decidedAfter.length).toBeGreaterThan(0);
    expect(decidedAfter.filter((e) => decidedBefore.has(e.leadId))).toEqual([]);
    // Every deal and lead named: opened or assigned (with its name and link) in the history or after the end.
    const opened = new Set([...openedBefore, ...threeWeeks.filter((e) => e.type === 'opportunity_created').map((e) => e.dealId)]);
    const assigned = new Set([...assignedBefore, ...threeWeeks.filter((e) => e.type === 'lead_assigned').map((e) => e.leadId)]);
    expect(threeWeeks.filter((e) => (e.dealId !== undefined && !opened.has(e.dealId)) || (e.dealId === undefined && e.leadId !== undefined && !assigned.has(e.leadId)))).toEqual([]);
    for (const e of threeWeeks.filter((x) => x.type === 'opportunity_created')) {
      expect(e.dealName).toBeTruthy();
      expect(e.url).toBe(`http://127.0.0.1:4000/crm/deals/${e.dealId}`);
    }
  });

  it('makes weeks as busy as the history’s: about 190 events a rep-week, new leads and deals each week', () => {
    for (let week = 0; week < 3; week += 1) {
      const events = threeWeeks.filter((e) => at(e) >= END.getTime() + week * WEEK && at(e) < END.getTime() + (week + 1) * WEEK);
      const perRep = events.length / 14;
      expect(perRep, `week ${week + 1}`).toBeGreaterThan(150);
      expect(perRep, `week ${week + 1}`).toBeLessThan(230);
      expect(events.some((e) => e.type === 'lead_assigned')).toBe(true);
      expect(events.some((e) => e.type === 'opportunity_created')).toBe(true);
    }
  });

  it('stops at its horizon', () => {
    const horizon = END.getTime() + CONTINUATION_WEEKS * WEEK;
    const last = after(CONTINUATION_WEEKS + 2, CONTINUATION_WEEKS - 1);
    expect(last.length).toBeGreaterThan(0);
    expect(last.filter((e) => at(e) >= horizon)).toEqual([]);
  });
});
