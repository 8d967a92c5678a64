import { describe, expect, it } from 'vitest';
import { startOfDateIn, completeWeeks } from '../../src/metrics/windows.js';
import { recordInfoAsOf, type RecordNameEvent } from '../../src/metrics/records.js';
import { orgEvents } from '../../src/seed/events.js';
import { buildOrg, seedConfigDocument } from '../../src/seed/org.js';
import type { SeedEvent } from '../../src/seed/types.js';

// Issue 11 part 5: for any seed, the generated org has, per team, at least 2 reps over target with
// activity below the team median, at least 2 ramping reps (one with a target of their own) and
// deals younger than 30 days at every stage; one team has a holiday week (all activity × 0.2) in
// the cadence window; every deal and lead has a name, an account and a link to its page.
// Checked from the generated config and events only, not through the metrics being rewritten.

const DAY = 86_400_000;
const RAMP_WEEKS = 12;
const CRM = 'http://127.0.0.1:45678';
/** A Wednesday 14:00 in New York (the first team's zone). */
const END = new Date('2026-12-02T19:00:00Z');
const TOUCHES = new Set(['call', 'email', 'meeting', 'demo', 'social_touch', 'proposal_sent']);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const at = (e: SeedEvent) => Date.parse(e.occurredAt);
const inRange = (e: SeedEvent, from: Date, to: Date) => at(e) >= from.getTime() && at(e) < to.getTime();

describe.each([7, 11])('the generated org of seed %i', (seed) => {
  const org = buildOrg({ reps: 14, weeks: 13, seed, end: END, workspace: 'T0SHAPE', crmBaseUrl: CRM });
  const config = seedConfigDocument(org);
  const reps = [...orgEvents(org)];
  const eventsOf = (email: string) => reps.find((r) => r.rep.email === email)!.events;
  const targetOf = (team: string, email: string) => config.teams.find((t) => t.name === team)!.targets.find((x) => 'member' in x && x.member === email)?.value ?? null;

  it('has 2 teams of 6–12 reps', () => {
    expect(org.teams).toHaveLength(2);
    for (const t of org.teams) expect(t.reps.length).toBeGreaterThanOrEqual(6);
  });

  it.each([0, 1])('team %i: at least 2 reps over target (on booked revenue) with activity below the team median', (i) => {
    const team = org.teams[i]!;
    const ws = { timezone: team.timezone, weekStartsOn: 1 as const };
    const baseline = completeWeeks(END, 13, ws);
    const cadence = completeWeeks(END, 4, ws);
    const members = config.teams[i]!.members.flatMap((m) => ('crmOwnerId' in m ? [m] : []));
    const rampWeek = (startDate: string | undefined) => (startDate === undefined ? Infinity : Math.floor((END.getTime() - startOfDateIn(startDate, team.timezone).getTime()) / (7 * DAY)) + 1);
    const veterans = members.filter((m) => rampWeek(m.startDate) > RAMP_WEEKS);
    const primary = team.focus.find((k) => k === 'cadence.call' || k === 'cadence.email')!.slice('cadence.'.length);
    const perWeek = (email: string, type: string | null) => eventsOf(email).filter((e) => inRange(e, cadence.start, cadence.end) && (type === null ? TOUCHES.has(e.type) : e.type === type)).length / 4;
    const medianTouches = median(veterans.map((m) => perWeek(m.email, null)));
    const medianPrimary = median(veterans.map((m) => perWeek(m.email, primary)));
    const efficient = veterans.filter((m) => {
      const booked = eventsOf(m.email)
        .filter((e) => e.type === 'deal_won' && inRange(e, baseline.start, baseline.end))
        .reduce((s, e) => s + (e.amount ?? 0), 0);
      const target = targetOf(team.name, m.email);
      return target !== null && booked >= target && perWeek(m.email, null) < medianTouches && perWeek(m.email, primary) < medianPrimary;
    });
    expect(efficient.length).toBeGreaterThanOrEqual(2);
  });

  it.each([0, 1])('team %i: at least 2 ramping reps, one with a target of their own, one without', (i) => {
    const team = org.teams[i]!;
    const ramping = config.teams[i]!.members.filter((m) => {
      if (!('startDate' in m) || m.startDate === undefined) return false;
      const week = Math.floor((END.getTime() - startOfDateIn(m.startDate, team.timezone).getTime()) / (7 * DAY)) + 1;
      return week >= 1 && week <= RAMP_WEEKS;
    });
    expect(ramping.length).toBeGreaterThanOrEqual(2);
    const withTarget = ramping.filter((m) => targetOf(team.name, m.email) !== null);
    expect(withTarget.length).toBeGreaterThanOrEqual(1);
    expect(withTarget.length).toBeLessThan(ramping.length);
    // They have history to show (started before the last complete week).
    for (const m of ramping) expect(eventsOf(m.email).length).toBeGreaterThan(0);
  });

  it.each([0, 1])('team %i: open deals younger than 30 days in every stage of the pipeline', (i) => {
    const team = org.teams[i]!;
    const events = team.reps.flatMap((r) => eventsOf(r.email));
    const deals = new Map<string, { createdAt: number; stage: string; closed: boolean }>();
    for (const e of [...events].sort((a, b) => at(a) - at(b))) {
      if (e.dealId === undefined) continue;
      if (e.type === 'opportunity_created') deals.set(e.dealId, { createdAt: at(e), stage: team.pipelineStages[0]!, closed: false });
      const d = deals.get(e.dealId);
      if (!d) continue;
      if (e.type === 'stage_changed') d.stage = e.stage!;
      if (e.type === 'deal_won' || e.type === 'deal_lost') d.closed = true;
    }
    const young = [...deals.values()].filter((d) => !d.closed && d.createdAt > END.getTime() - 30 * DAY);
    for (const stage of team.pipelineStages) expect(young.filter((d) => d.stage === stage).length, `young open deals in ${stage}`).toBeGreaterThanOrEqual(1);
  });

  it('has one team with a holiday week in the cadence window (before its last week) where all activity is about a fifth', () => {
    const holidays = org.teams.filter((team) => {
      const weeks = completeWeeks(END, 4, { timezone: team.timezone, weekStartsOn: 1 }).weeks;
      const events = team.reps.flatMap((r) => eventsOf(r.email));
      const touches = weeks.map((w) => events.filter((e) => TOUCHES.has(e.type) && inRange(e, w.start, w.end)).length);
      const leads = weeks.map((w) => events.filter((e) => e.type === 'lead_assigned' && inRange(e, w.start, w.end)).length);
      return touches.slice(0, 3).some((n, k) => {
        const others = touches.filter((_, j) => j !== k && j !== 3);
        const otherLeads = leads.filter((_, j) => j !== k && j !== 3);
        const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
        return n < 0.3 * mean(others) && n > 0.1 * mean(others) && leads[k]! < 0.45 * mean(otherLeads);
      });
    });
    expect(holidays).toHaveLength(1);
  });

  it('names every deal and lead, with an account and a link to its page at the given address', () => {
    const all: RecordNameEvent[] = reps.flatMap((r) =>
      r.events.map((e) => ({
        id: e.id,
        at: at(e),
        dealId: e.dealId ?? null,
        leadId: e.leadId ?? null,
        dealName: e.dealName ?? null,
        leadName: e.leadName ?? null,
        accountName: e.accountName ?? null,
        url: e.url ?? null,
      })),
    );
    const deals = new Set(all.flatMap((e) => (e.dealId === null ? [] : [e.dealId])));
    const leads = new Set(all.flatMap((e) => (e.leadId === null ? [] : [e.leadId])));
    expect(deals.size).toBeGreaterThan(100);
    expect(leads.size).toBeGreaterThan(100);
    const groupBy = (key: (e: RecordNameEvent) => string | null) => {
      const groups = new Map<string | null, RecordNameEvent[]>();
      for (const e of all) {
        const list = groups.get(key(e));
        if (list) list.push(e);
        else groups.set(key(e), [e]);
      }
      return groups;
    };
    const byDeal = groupBy((e) => e.dealId);
    const byLead = groupBy((e) => e.leadId);
    for (const id of deals) {
      const info = recordInfoAsOf({ kind: 'deal', id }, byDeal.get(id) ?? [], END.getTime());
      expect(info, id).toMatchObject({ name: expect.stringMatching(/^\S.* — (\d+ seats|renewal|pilot|expansion)$/), accountName: expect.stringMatching(/^\w+ \w+$/), url: `${CRM}/crm/deals/${id}` });
      expect(info.name!.startsWith(`${info.accountName} — `)).toBe(true);
    }
    for (const id of leads) {
      const info = recordInfoAsOf({ kind: 'lead', id }, byLead.get(id) ?? [], END.getTime());
      expect(info, id).toMatchObject({ name: expect.stringMatching(/^\w+ \w+$/), accountName: expect.stringMatching(/^\w+ \w+$/), url: `${CRM}/crm/leads/${id}` });
    }
  });
});
