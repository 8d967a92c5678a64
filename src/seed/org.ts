/**
 * The synthetic org and its coaching config, pure given the options: N reps split into teams
 * of 6–12 in time zones on several continents, each with one or two managers (one manager may
 * lead two teams), a pipeline, 3–4 focus indicators, quarterly targets, top performers who
 * really sell differently, and ramping new hires.
 */
import { TZDate } from '@date-fns/tz';
import { formatISO } from 'date-fns';
import { completeWeeks } from '../metrics/windows.js';
import { leadingForecastBound } from './events.js';
import { OPPORTUNITY_PER_QUALIFIED, STANDALONE_OPPORTUNITIES_PER_WEEK } from './flow.js';
import { dealId as dealIdOf } from './ids.js';
import { planBehaviours, planShapeDeals } from './plant.js';
import { createRng, type Rng } from './rng.js';
import type { Archetype, RepProfile, SeedOptions, SeedOrg, SeedPerson, SeedRep, SeedTeam, Segment } from './types.js';

/** A team needs 2 ramping reps, 2 closers, a top performer and a rep with a results gap. */
export const MIN_REPS = 6;
export const MAX_REPS = 100_000;
/** Activity drop compares the last complete week with the 4 before it; the planted stalled deal needs ~6 weeks. */
export const MIN_WEEKS = 6;
export const MAX_WEEKS = 104;
export const MIN_TEAM = 6;
export const MAX_TEAM = 12;
/** Reports run with docs/metrics.md's defaults; the org is shaped around them. */
const RAMP_WEEKS = 12;
const BASELINE_WEEKS = 13;

const DAY = 86_400_000;
const WEEK = 7 * DAY;

/**
 * The default end instant: the latest Monday 12:00 UTC at or before `now`. At that moment every
 * zone from UTC−8 to UTC+12 has finished the previous Monday–Sunday week, so all teams share
 * the same "last complete week", and no event lies in the future.
 */
export function defaultEnd(now: Date): Date {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 12));
  const sinceMonday = (d.getUTCDay() + 6) % 7;
  let end = d.getTime() - sinceMonday * DAY;
  if (end > now.getTime()) end -= WEEK;
  return new Date(end);
}

/** Problems with the options, worded for the command line; empty when fine. */
export function checkSeedOptions(o: SeedOptions): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(o.reps) || o.reps < MIN_REPS || o.reps > MAX_REPS) problems.push(`--reps must be a whole number from ${MIN_REPS} to ${MAX_REPS}, not ${o.reps}`);
  if (!Number.isInteger(o.weeks) || o.weeks < MIN_WEEKS || o.weeks > MAX_WEEKS) problems.push(`--weeks must be a whole number from ${MIN_WEEKS} to ${MAX_WEEKS}, not ${o.weeks}`);
  if (!Number.isSafeInteger(o.seed)) problems.push(`--seed must be a whole number, not ${o.seed}`);
  if (Number.isNaN(o.end.getTime())) problems.push('--end must be an ISO 8601 instant with an offset, e.g. 2026-11-23T12:00:00Z');
  if (!/^[TE][A-Z0-9]{2,}$/.test(o.workspace)) problems.push(`--workspace must be a Slack team id (T…), not "${o.workspace}"`);
  if (o.crmBaseUrl !== undefined && !/^https?:$/.test(URL.parse(o.crmBaseUrl)?.protocol ?? '')) {
    problems.push(`--crm-url must be an http:// or https:// address, e.g. http://127.0.0.1:3000, not "${o.crmBaseUrl}"`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Places, segments, names

/** Spread first over continents, so even a two-team org spans several. */
const ZONES = [
  { timezone: 'America/New_York', city: 'New York', weight: 3 },
  { timezone: 'Europe/London', city: 'London', weight: 2 },
  { timezone: 'Asia/Singapore', city: 'Singapore', weight: 1 },
  { timezone: 'America/Chicago', city: 'Chicago', weight: 2 },
  { timezone: 'Europe/Berlin', city: 'Berlin', weight: 2 },
  { timezone: 'Australia/Sydney', city: 'Sydney', weight: 1 },
  { timezone: 'America/Los_Angeles', city: 'San Francisco', weight: 2 },
  { timezone: 'Asia/Tokyo', city: 'Tokyo', weight: 1 },
  { timezone: 'America/Sao_Paulo', city: 'Sao Paulo', weight: 1 },
  { timezone: 'Asia/Kolkata', city: 'Bengaluru', weight: 1 },
] as const;

const STANDARD_PIPELINE = ['discovery', 'demo', 'proposal', 'negotiation'];

interface SegmentSpec {
  weight: number;
  dealAmount: number;
  cycleFactor: number;
  leadsPerWeek: number;
  inboundShare: number;
  pipeline: string[];
  /** Chance to leave each stage forwards for a steady rep. */
  conversion: number[];
}

const SEGMENTS: Record<Segment, SegmentSpec> = {
  SMB: { weight: 35, dealAmount: 8_000, cycleFactor: 0.7, leadsPerWeek: 10, inboundShare: 0.75, pipeline: ['discovery', 'demo', 'proposal'], conversion: [0.6, 0.62, 0.68] },
  'Mid-Market': { weight: 40, dealAmount: 24_000, cycleFactor: 1, leadsPerWeek: 8, inboundShare: 0.55, pipeline: STANDARD_PIPELINE, conversion: [0.6, 0.6, 0.65, 0.7] },
  Enterprise: { weight: 25, dealAmount: 70_000, cycleFactor: 1.4, leadsPerWeek: 5, inboundShare: 0.3, pipeline: STANDARD_PIPELINE, conversion: [0.58, 0.6, 0.65, 0.72] },
};

const FIRST = [
  'Ana',
  'Ben',
  'Chloe',
  'Dev',
  'Elif',
  'Farah',
  'Gabriel',
  'Hana',
  'Ivan',
  'Julia',
  'Kenji',
  'Lara',
  'Mateo',
  'Nadia',
  'Omar',
  'Priya',
  'Quinn',
  'Rafael',
  'Sofia',
  'Tariq',
  'Uma',
  'Victor',
  'Wen',
  'Xavier',
  'Yara',
  'Zoe',
  'Aiko',
  'Bruno',
  'Carmen',
  'Diego',
  'Emma',
  'Felix',
  'Grace',
  'Hugo',
  'Isla',
  'Jonas',
  'Kavya',
  'Liam',
  'Maya',
  'Noah',
  'Olivia',
  'Pedro',
  'Rosa',
  'Sam',
  'Tomas',
  'Valentina',
  'Will',
  'Yusuf',
];
const LAST = [
  'Silva',
  'Nguyen',
  'Schmidt',
  'Patel',
  'Okafor',
  'Kim',
  'Garcia',
  'Rossi',
  'Tanaka',
  'Cohen',
  'Dubois',
  'Kowalski',
  'Haddad',
  'Larsen',
  'Mendes',
  'Novak',
  'Ortiz',
  'Park',
  'Quinn',
  'Reyes',
  'Sato',
  'Fischer',
  'Walsh',
  'Yilmaz',
  'Zhang',
  'Andersson',
  'Brown',
  'Costa',
  'Das',
  'Evans',
  'Ferreira',
  'Gupta',
  'Hughes',
  'Ito',
  'Jensen',
  'Khan',
  'Lopez',
  'Murphy',
  'Nakamura',
  'Oliveira',
  'Singh',
  'Taylor',
];

function weightedPick<T extends { weight: number }>(rng: Rng, items: readonly T[]): T {
  let r = rng.float() * items.reduce((s, i) => s + i.weight, 0);
  for (const item of items) {
    r -= item.weight;
    if (r < 0) return item;
  }
  return items[items.length - 1]!;
}

/** Unique people: first.last@example.com, with a number on repeats. */
function nameMaker(rng: Rng): () => SeedPerson {
  const taken = new Map<string, number>();
  return () => {
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    const base = `${first}.${last}`.toLowerCase();
    const n = (taken.get(base) ?? 0) + 1;
    taken.set(base, n);
    return { email: `${base}${n > 1 ? n : ''}@example.com`, name: `${first} ${last}` };
  };
}

// ---------------------------------------------------------------------------------------------
// Team sizes

/**
 * Splits n reps into teams of 6–12, about 10 each: the count nearest n/10 that can hold them,
 * sizes first even, then varied by moving reps between random pairs of teams.
 */
export function teamSizes(n: number, rng: Rng): number[] {
  const min = Math.ceil(n / MAX_TEAM);
  const max = Math.floor(n / MIN_TEAM);
  const count = Math.min(max, Math.max(min, Math.round(n / 10)));
  const sizes = Array.from({ length: count }, (_, i) => Math.floor(n / count) + (i < n % count ? 1 : 0));
  for (let k = 0; k < count * 4; k += 1) {
    const a = rng.int(0, count - 1);
    const b = rng.int(0, count - 1);
    const move = rng.int(1, 3);
    if (a === b || sizes[a]! - move < MIN_TEAM || sizes[b]! + move > MAX_TEAM) continue;
    sizes[a] = sizes[a]! - move;
    sizes[b] = sizes[b]! + move;
  }
  return sizes;
}

// ---------------------------------------------------------------------------------------------
// Reps

function profileFor(archetype: Archetype, spec: SegmentSpec, rng: Rng): RepProfile {
  const conv = (factor: number) => spec.conversion.map((c) => Math.min(0.93, c * factor * rng.between(0.95, 1.05)));
  switch (archetype) {
    case 'top':
      return {
        archetype,
        activity: rng.between(1.3, 1.5),
        stageConversion: conv(1.25),
        leadsPerWeek: spec.leadsPerWeek * 1.15,
        qualifyRate: 0.5,
        fastResponse: 0.85,
        neverTouch: 0.01,
        dealSize: rng.between(1.15, 1.3),
      };
    case 'steady':
      return {
        archetype,
        activity: rng.between(0.85, 1.05),
        stageConversion: conv(1),
        leadsPerWeek: spec.leadsPerWeek,
        qualifyRate: 0.4,
        fastResponse: 0.7,
        neverTouch: 0.03,
        dealSize: rng.between(0.9, 1.1),
      };
    case 'grinder':
      return {
        archetype,
        activity: rng.between(1.1, 1.25),
        stageConversion: conv(0.72),
        leadsPerWeek: spec.leadsPerWeek,
        qualifyRate: 0.32,
        fastResponse: 0.75,
        neverTouch: 0.02,
        dealSize: rng.between(0.8, 0.95),
      };
    case 'coaster':
      return {
        archetype,
        activity: rng.between(0.6, 0.75),
        stageConversion: conv(1),
        leadsPerWeek: spec.leadsPerWeek * 0.9,
        qualifyRate: 0.42,
        fastResponse: 0.5,
        neverTouch: 0.06,
        dealSize: rng.between(0.95, 1.05),
      };
    case 'closer':
      // Below every other veteran's activity (coasters start at 0.6), so below the team median.
      return {
        archetype,
        activity: rng.between(0.4, 0.5),
        stageConversion: conv(1.1),
        leadsPerWeek: spec.leadsPerWeek,
        qualifyRate: 0.45,
        fastResponse: 0.7,
        neverTouch: 0.03,
        dealSize: rng.between(1, 1.1),
      };
    case 'ramping':
      return {
        archetype,
        activity: rng.between(0.8, 0.95),
        stageConversion: conv(0.8),
        leadsPerWeek: spec.leadsPerWeek * 0.8,
        qualifyRate: 0.35,
        fastResponse: 0.65,
        neverTouch: 0.04,
        dealSize: rng.between(0.8, 0.9),
      };
  }
}

/** Expected booked revenue per quarter (13 weeks) of a profile: where its target comes from. */
export function expectedQuarter(p: RepProfile, spec: SegmentSpec): number {
  const opportunities = p.leadsPerWeek * p.qualifyRate * OPPORTUNITY_PER_QUALIFIED + STANDALONE_OPPORTUNITIES_PER_WEEK;
  const winRate = p.stageConversion.reduce((a, b) => a * b, 1);
  return 13 * opportunities * winRate * spec.dealAmount * p.dealSize;
}

export const roundTo = (value: number, step: number) => Math.max(step, Math.round(value / step) * step);

/** A team-local date, YYYY-MM-DD, of an instant. */
const localDate = (t: number, timezone: string) => formatISO(new TZDate(t, timezone), { representation: 'date' });

/**
 * The reps of one team: 2–3 ramping new hires (started on a Monday within the last 12 weeks; the
 * first with a target of their own, the others with none yet); among the veterans ⌈25%⌉ top
 * performers, two closers (targets they beat with little activity), perhaps a grinder and a
 * coaster, the rest steady. Veterans started long enough ago to be in the cohort (rampWeeks
 * before the baseline window) or have no start date on file.
 */
function teamReps(size: number, firstIndex: number, spec: SegmentSpec, timezone: string, options: SeedOptions, rng: Rng, person: () => SeedPerson): SeedRep[] {
  const ramping = 2 + (size >= 10 && rng.chance(0.35) ? 1 : 0);
  const veterans = size - ramping;
  const archetypes: Archetype[] = Array.from({ length: Math.ceil(veterans * 0.25) }, (): Archetype => 'top');
  archetypes.push('closer', 'closer');
  if (veterans >= 7 && rng.chance(0.6)) archetypes.push('grinder');
  if (veterans >= 6 && rng.chance(0.6)) archetypes.push('coaster');
  while (archetypes.length < veterans) archetypes.push('steady');
  for (let i = 0; i < ramping; i += 1) archetypes.push('ramping');
  const end = options.end;
  const ws = { timezone, weekStartsOn: 1 as const };
  // Veterans started rampWeeks before the baseline window, with two weeks to spare.
  const cohortLimit = completeWeeks(end, BASELINE_WEEKS + RAMP_WEEKS + 2, ws).start.getTime();

  let newHires = 0;
  return rng.shuffle(archetypes).map((archetype, k) => {
    const index = firstIndex + k;
    const profile = profileFor(archetype, spec, rng);
    let startDate: string | null;
    if (archetype === 'ramping') {
      // New hires start on a Monday 2–11 weeks before the end: inside the last 12 weeks, with some history.
      startDate = localDate(completeWeeks(end, rng.int(2, 11), ws).start.getTime(), timezone);
    } else {
      startDate = rng.chance(0.2) ? null : localDate(cohortLimit - rng.int(0, 4 * 365) * DAY, timezone);
    }
    const factor = rng.between(0.95, 1.25) * (archetype === 'ramping' ? 0.5 : archetype === 'closer' ? 0.6 : 1);
    const ownTarget = archetype !== 'ramping' || newHires++ === 0;
    const target = ownTarget ? roundTo(expectedQuarter(profile, spec) * factor, 5_000) : null;
    const p = person();
    return {
      ...p,
      index,
      code: `r${String(index).padStart(4, '0')}`,
      crmOwnerId: `005SEED${index.toString(36).toUpperCase().padStart(6, '0')}`,
      startDate,
      ramping: archetype === 'ramping',
      profile,
      manager: null,
      target,
    };
  });
}

/** 3–4 focus indicators: calls or emails always (an activity that can drop), then a mix. */
function focusFor(pipeline: readonly string[], rng: Rng): string[] {
  const primary = rng.pick(['cadence.call', 'cadence.email']);
  const activities = [primary];
  if (rng.chance(0.6)) activities.push(rng.pick(['cadence.meeting', 'cadence.demo', primary === 'cadence.call' ? 'cadence.email' : 'cadence.call']));
  const methodology = rng.shuffle([
    'speed_to_lead_hours',
    'sla_hit_rate',
    'qualification_rate',
    'opportunity_rate',
    'pipeline_created',
    `stage_conversion.${pipeline[1]!}`,
    `stage_conversion.${pipeline[2]!}`,
  ]);
  return [...activities, ...methodology.slice(0, rng.int(3, 4) - activities.length)];
}

// ---------------------------------------------------------------------------------------------
// The org

export function buildOrg(options: SeedOptions): SeedOrg {
  const problems = checkSeedOptions(options);
  if (problems.length > 0) throw new Error(problems.join('; '));
  const rng = createRng(options.seed, 0);
  const person = nameMaker(rng);
  const sizes = teamSizes(options.reps, rng);
  const names = new Map<string, number>();
  const teams: SeedTeam[] = [];
  let nextRep = 0;
  let managers = 0;
  for (const [i, size] of sizes.entries()) {
    const zone = i < ZONES.length ? ZONES[i]! : weightedPick(rng, ZONES);
    const segment = weightedPick(
      rng,
      (Object.keys(SEGMENTS) as Segment[]).map((s) => ({ s, weight: SEGMENTS[s].weight })),
    ).s;
    const spec = SEGMENTS[segment];
    const base = `${zone.city} ${segment}`;
    const n = (names.get(base) ?? 0) + 1;
    names.set(base, n);
    const reps = teamReps(size, nextRep, spec, zone.timezone, options, rng, person);
    nextRep += size;

    // One manager, two for a big team (each managing half), or the previous team's single
    // manager leading this team too.
    const previous = teams[teams.length - 1];
    const shareable = previous && previous.managers.length === 1 && !teams.slice(0, -1).some((t) => t.managers.some((m) => m.email === previous.managers[0]!.email));
    let teamManagers: SeedPerson[];
    if (shareable && rng.chance(0.12)) {
      teamManagers = [previous.managers[0]!];
    } else {
      teamManagers = size >= 9 && rng.chance(0.5) ? [person(), person()] : [person()];
      managers += teamManagers.length;
    }
    if (teamManagers.length === 2) reps.forEach((r, k) => (r.manager = teamManagers[k % 2]!.email));

    const ws = { timezone: zone.timezone, weekStartsOn: 1 as const };
    const team: SeedTeam = {
      index: i,
      name: n > 1 ? `${base} ${n}` : base,
      timezone: zone.timezone,
      segment,
      pipelineStages: spec.pipeline,
      focus: focusFor(spec.pipeline, rng),
      inboundShare: spec.inboundShare,
      dealAmount: spec.dealAmount,
      cycleFactor: spec.cycleFactor,
      managers: teamManagers,
      reps,
      target: 0,
      start: completeWeeks(options.end, options.weeks, ws).start.getTime(),
      plants: [],
      shapeDeals: [],
      holidayWeek: null,
    };
    team.plants = planBehaviours(team, options, createRng(options.seed, 1, i));
    team.shapeDeals = planShapeDeals(team, options, createRng(options.seed, 4, i), (rep, n) => dealIdOf(options.seed, rep.code, n));
    teams.push(team);
  }
  // One team took a week off together inside the cadence window, not its last week (the week an
  // activity drop is measured on), so rep and baseline dip together.
  const holidayTeam = teams[createRng(options.seed, 4).int(0, teams.length - 1)]!;
  holidayTeam.holidayWeek = completeWeeks(options.end, 4, { timezone: holidayTeam.timezone, weekStartsOn: 1 }).weeks[1]!;
  const org: SeedOrg = { options, teams, managers };
  for (const team of teams) {
    // The activity drop goes to a rep behind on results, so the coaching that follows it is about
    // activity, not a rep already on track: a target beyond what the leading forecast can reach
    // on their events (which the target does not change), and at least twice their expected quarter.
    const drop = team.plants.find((p) => p.rule === 'activity_drop');
    const gapRep = team.reps.find((r) => r.email === drop?.rep);
    if (gapRep) {
      const expected = expectedQuarter(gapRep.profile, SEGMENTS[team.segment]);
      gapRep.target = roundTo(Math.max(2 * expected, 1.25 * leadingForecastBound(org, team, gapRep)), 5_000);
    }
    team.target = roundTo(
      team.reps.reduce((s, r) => s + (r.target ?? 0), 0),
      10_000,
    );
  }
  return org;
}

/**
 * The coaching config document (docs/interfaces.md) of the org, as written to YAML: thresholds are
 * left to docs/metrics.md's defaults, which the org is shaped around.
 */
export function seedConfigDocument(org: SeedOrg) {
  return {
    workspace: { id: org.options.workspace, name: `Pacer seed ${org.options.seed}`, currency: 'USD' },
    defaults: { pipelineStages: STANDARD_PIPELINE },
    teams: org.teams.map((team) => ({
      name: team.name,
      timezone: team.timezone,
      ...(team.pipelineStages.join() === STANDARD_PIPELINE.join() ? {} : { pipelineStages: team.pipelineStages }),
      focus: team.focus,
      performanceMetric: 'booked_revenue',
      members: [
        ...team.managers.map((m) => ({ email: m.email, name: m.name, role: 'manager' })),
        ...team.reps.map((r) => ({
          email: r.email,
          name: r.name,
          crmOwnerId: r.crmOwnerId,
          ...(r.startDate === null ? {} : { startDate: r.startDate }),
          ...(r.manager === null ? {} : { manager: r.manager }),
        })),
      ],
      targets: [
        { metric: 'booked_revenue', period: 'quarter', value: team.target },
        ...team.reps.flatMap((r) => (r.target === null ? [] : [{ metric: 'booked_revenue', period: 'quarter', value: r.target, member: r.email }])),
      ],
    })),
  };
}
