import { TZDate } from '@date-fns/tz';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseCoachingConfig } from '../../src/config/coaching.js';
import { validateEvent } from '../../src/ingest/event-schema.js';
import { startOfDateIn } from '../../src/metrics/windows.js';
import { orgEvents, repEvents } from '../../src/seed/events.js';
import { buildOrg, defaultEnd, MAX_TEAM, MIN_TEAM, seedConfigDocument, teamSizes } from '../../src/seed/org.js';
import { createRng } from '../../src/seed/rng.js';
import { seedConfigYaml } from '../../src/seed/run.js';
import type { SeedEvent, SeedOptions, SeedOrg } from '../../src/seed/types.js';

const END = new Date('2026-11-23T12:00:00Z');
const options = (o: Partial<SeedOptions> = {}): SeedOptions => ({ reps: 24, weeks: 8, seed: 1, end: END, workspace: 'T0SEED', ...o });

function firstEvents(org: SeedOrg, n: number): SeedEvent[] {
  const out: SeedEvent[] = [];
  for (const { events } of orgEvents(org)) {
    out.push(...events.slice(0, n - out.length));
    if (out.length >= n) break;
  }
  return out;
}

// One org generated once: the checks below only read it.
const org = buildOrg(options());
const all = [...orgEvents(org)];

describe('seed: determinism', () => {
  it('gives the same config and the same events for the same seed', () => {
    const again = buildOrg(options());
    expect(seedConfigYaml(again)).toBe(seedConfigYaml(org));
    expect(firstEvents(again, 3000)).toEqual(firstEvents(org, 3000));
    // A rep generated alone gets exactly the events it gets in the full run.
    const team = again.teams[1]!;
    const rep = team.reps[2]!;
    expect(repEvents(again, team, rep)).toEqual(all.find((r) => r.rep.email === rep.email)!.events);
  });

  it('gives another org and other events for another seed', () => {
    const other = buildOrg(options({ seed: 2 }));
    expect(seedConfigYaml(other)).not.toBe(seedConfigYaml(org));
    const a = firstEvents(org, 500);
    const b = firstEvents(other, 500);
    expect(b.map((e) => e.occurredAt)).not.toEqual(a.map((e) => e.occurredAt));
    // Ids carry the seed, so two seeds can share a workspace without conflicts.
    const idsA = new Set(a.map((e) => e.id));
    expect(b.filter((e) => idsA.has(e.id))).toEqual([]);
  });

  it('draws the same numbers from the same stream', () => {
    const a = createRng(7, 2, 3);
    const b = createRng(7, 2, 3);
    const c = createRng(7, 2, 4);
    const draw = (r: ReturnType<typeof createRng>) => Array.from({ length: 20 }, () => r.int(0, 1000));
    const fromA = draw(a);
    expect(draw(b)).toEqual(fromA);
    expect(draw(c)).not.toEqual(fromA);
  });
});

describe('seed: the org and its config', () => {
  it('writes a config that passes parseCoachingConfig, also read back from its YAML', () => {
    const parsed = parseCoachingConfig(seedConfigDocument(org));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.config.teams).toHaveLength(org.teams.length);
    const fromYaml = parseCoachingConfig(parseYaml(seedConfigYaml(org)));
    expect(fromYaml).toEqual(parsed);
  });

  it.each([6, 12, 13, 24, 97, 1000])('splits %i reps into teams of 6–12, about 10 each', (reps) => {
    const sizes = teamSizes(reps, createRng(1, 0));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(reps);
    for (const size of sizes) {
      expect(size).toBeGreaterThanOrEqual(MIN_TEAM);
      expect(size).toBeLessThanOrEqual(MAX_TEAM);
    }
    if (reps >= 97) expect(sizes.length).toBe(Math.round(reps / 10));
  });

  it('builds a 1,000-rep org of ~100 teams on several continents, managers leading one or two teams', () => {
    const big = buildOrg(options({ reps: 1000 }));
    expect(big.teams.length).toBe(100);
    expect(new Set(big.teams.map((t) => t.timezone.split('/')[0])).size).toBeGreaterThanOrEqual(4);
    const teamsOf = new Map<string, number>();
    for (const t of big.teams) {
      expect(t.managers.length).toBeGreaterThanOrEqual(1);
      expect(t.managers.length).toBeLessThanOrEqual(2);
      for (const m of t.managers) teamsOf.set(m.email, (teamsOf.get(m.email) ?? 0) + 1);
      expect(t.focus.length).toBeGreaterThanOrEqual(3);
      expect(t.focus.length).toBeLessThanOrEqual(4);
      expect(t.reps.some((r) => r.ramping)).toBe(true);
      expect(t.reps.some((r) => r.profile.archetype === 'top')).toBe(true);
    }
    expect(Math.max(...teamsOf.values())).toBe(2);
    expect(big.managers).toBe(teamsOf.size);
  });

  it('starts ramping reps on a Monday within the last 12 weeks and veterans before the cohort limit', () => {
    for (const team of org.teams) {
      for (const rep of team.reps) {
        if (rep.startDate === null) continue;
        const start = new TZDate(startOfDateIn(rep.startDate, team.timezone).getTime(), team.timezone);
        const weeksBefore = (END.getTime() - start.getTime()) / (7 * 86_400_000);
        if (rep.ramping) {
          expect(start.getDay()).toBe(1);
          expect(weeksBefore).toBeLessThan(12);
        } else {
          expect(weeksBefore).toBeGreaterThan(25); // rampWeeks (12) before the 13-week baseline window
        }
      }
    }
  });

  it('has top performers who really work more than the rest', () => {
    for (const team of org.teams) {
      const top = team.reps.filter((r) => r.profile.archetype === 'top');
      const rest = team.reps.filter((r) => r.profile.archetype !== 'top');
      expect(Math.min(...top.map((r) => r.profile.activity))).toBeGreaterThan(Math.max(...rest.map((r) => r.profile.activity)));
      expect(Math.min(...top.map((r) => r.profile.stageConversion[0]!))).toBeGreaterThan(Math.max(...rest.map((r) => r.profile.stageConversion[0]!)));
    }
  });
});

describe('seed: the events', () => {
  const zoneOf = new Map(org.teams.flatMap((t) => t.reps.map((r) => [r.email, t.timezone] as const)));

  it('are valid for ingestion, with unique ids', () => {
    const ids = new Set<string>();
    for (const { events } of all) {
      for (const e of events) {
        const result = validateEvent(e, { extraTouchTypes: new Set() });
        if (!result.ok) throw new Error(`${e.id}: ${JSON.stringify(result.problems)}`);
        ids.add(e.id);
      }
    }
    expect(ids.size).toBe(all.reduce((n, r) => n + r.events.length, 0));
  });

  it("lie in the team's working hours (Mon–Fri 09:00–18:00 local) and before the end", () => {
    for (const { team, events } of all) {
      for (const e of events) {
        const at = Date.parse(e.occurredAt);
        expect(at).toBeLessThan(END.getTime());
        const local = new TZDate(at, team.timezone);
        const ok = local.getDay() >= 1 && local.getDay() <= 5 && local.getHours() >= 9 && local.getHours() < 18;
        if (!ok) throw new Error(`${e.id} (${e.type}) at ${e.occurredAt} is ${local.toString()} in ${team.timezone}`);
      }
    }
    expect(zoneOf.size).toBe(24);
  });

  it('start with the history, but for the past of deals and leads still moving when it starts', () => {
    let inFlight = 0;
    for (const { team, events } of all) {
      const live = new Set(events.filter((e) => Date.parse(e.occurredAt) >= team.start && e.dealId !== undefined).map((e) => e.dealId));
      const liveLeads = new Set([
        ...events.filter((e) => Date.parse(e.occurredAt) >= team.start && e.dealId === undefined).map((e) => e.leadId),
        ...events.filter((e) => e.type === 'opportunity_created' && live.has(e.dealId)).map((e) => e.leadId),
      ]);
      for (const e of events) {
        if (Date.parse(e.occurredAt) >= team.start) continue;
        expect(e.dealId !== undefined ? live.has(e.dealId) : e.leadId !== undefined && liveLeads.has(e.leadId)).toBe(true);
        if (e.type === 'opportunity_created') inFlight += 1;
      }
    }
    // The history opens on a pipeline in flight: deals are won in its first weeks.
    expect(inFlight).toBeGreaterThan(24 * 3);
  });

  it('are about 190 a rep-week, from each rep in time order, none before a new hire starts', () => {
    const total = all.reduce((n, r) => n + r.events.length, 0);
    const perRepWeek = total / 24 / 8;
    expect(perRepWeek).toBeGreaterThan(150);
    expect(perRepWeek).toBeLessThan(230);
    for (const { team, rep, events } of all) {
      const times = events.map((e) => Date.parse(e.occurredAt));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      if (rep.ramping && rep.startDate !== null) {
        expect(times[0]!).toBeGreaterThanOrEqual(startOfDateIn(rep.startDate, team.timezone).getTime());
      }
    }
  });

  it('name the rep by email for touches and leads, by CRM owner id for deal events', () => {
    for (const { rep, events } of all.slice(0, 3)) {
      for (const e of events) {
        if (['opportunity_created', 'stage_changed', 'deal_won', 'deal_lost'].includes(e.type)) expect(e.crmOwnerId).toBe(rep.crmOwnerId);
        else expect(e.repEmail).toBe(rep.email);
      }
    }
  });

  it('hold the planted subjects: an untouched lead never touched, a stalled deal silent since its last call', () => {
    for (const team of org.teams) {
      for (const plant of team.plants) {
        const events = all.find((r) => r.rep.email === plant.rep)!.events;
        if (plant.rule === 'untouched_lead') {
          expect(events.filter((e) => e.leadId === plant.leadId).map((e) => e.type)).toEqual(['lead_assigned']);
        } else if (plant.rule === 'stalled_deal') {
          const last = events.filter((e) => e.dealId === plant.dealId).at(-1)!;
          expect(Date.parse(last.occurredAt)).toBe(plant.lastActivityAt);
          expect(END.getTime() - plant.lastActivityAt).toBeGreaterThan(14 * 86_400_000);
          expect(END.getTime() - plant.lastActivityAt).toBeLessThan(21 * 86_400_000);
        }
      }
    }
  });
});

describe('seed: default end', () => {
  it('is the latest Monday 12:00 UTC at or before now', () => {
    expect(defaultEnd(new Date('2026-11-25T08:00:00Z')).toISOString()).toBe('2026-11-23T12:00:00.000Z');
    expect(defaultEnd(new Date('2026-11-23T12:00:00Z')).toISOString()).toBe('2026-11-23T12:00:00.000Z');
    expect(defaultEnd(new Date('2026-11-23T11:59:59Z')).toISOString()).toBe('2026-11-16T12:00:00.000Z');
    expect(defaultEnd(new Date('2026-11-29T23:00:00Z')).toISOString()).toBe('2026-11-23T12:00:00.000Z');
  });
});
