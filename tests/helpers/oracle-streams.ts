/**
 * Random workspaces for the report equivalence property (tests/integration/report-equivalence.test.ts):
 * a config of 1–2 teams, an event stream over ~12 weeks that spans the DST changes of spring or
 * autumn, and the corrections that follow it — new versions, deletes, late events, people linked
 * by a later config that also moves a team to another zone or first day of the week and may change
 * its pipeline, windows, ramp and stage timeout.
 *
 * Plans are plain data made by fast-check (so they shrink); `materialize` turns one into the
 * config documents and API events to send. Lead and deal ids come from small pools shared by
 * every team, so the same deal is touched, moved and closed by reps of several teams, people not
 * in the config and managers; reps and managers are named by email, CRM owner id or Slack id.
 */
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import fc from 'fast-check';
import { focusIndicatorsFor, type Weekday } from '../../src/config/coaching.js';
import { CORE_TOUCH_TYPES } from '../../src/ingest/event-types.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** Stream spans: autumn 2026 (London Oct 25, New York Nov 1, Sydney Oct 4) and spring 2026 (New York Mar 8, London Mar 29, Sydney Apr 5). */
const ANCHORS = [
  { start: Date.parse('2026-09-07T00:00:00Z'), end: Date.parse('2026-12-02T17:30:00Z') },
  { start: Date.parse('2026-01-12T00:00:00Z'), end: Date.parse('2026-04-15T14:00:00Z') },
] as const;

export const ZONES = ['America/New_York', 'Europe/London', 'Australia/Sydney', 'America/Los_Angeles', 'UTC', 'Asia/Kolkata'] as const;
const WEEKDAYS: Weekday[] = ['monday', 'sunday', 'saturday', 'wednesday'];
const STAGES = ['discovery', 'demo', 'proposal', 'negotiation', 'legal'];
const EXTRA_TOUCH = 'linkedin_dm';
const TOUCHES = [...CORE_TOUCH_TYPES, EXTRA_TOUCH];
const TYPES = [...TOUCHES, 'lead_assigned', 'lead_qualified', 'lead_disqualified', 'opportunity_created', 'stage_changed', 'deal_won', 'deal_lost'];
const LEADS = 10;
const DEALS = 10;
/** People who send events before any config names them; the later config links them. */
const UNLINKED = { email: 'new0@example.com', crm: 'crm-new-1', slack: 'U0NEW2' } as const;

// ---------------------------------------------------------------------------------------------
// Plans

/** An event before it is placed: `who` picks an identity, `at` is ms from the stream's start. */
interface EventPlan {
  who: number;
  type: string;
  at: number;
  lead: number | null;
  deal: number | null;
  amount: number;
  stage: number;
  inbound: boolean;
  named: boolean;
  versioned: boolean;
}

interface RepPlan {
  /** Weeks (and days) from the stream's start to the start date; null for none given. */
  start: { weeks: number; days: number } | null;
  crm: boolean;
  slack: boolean;
}

interface TeamPlan {
  timezone: string;
  weekStartsOn: Weekday;
  stages: boolean[];
  extraTouch: boolean;
  reps: RepPlan[];
  thresholds: Record<string, number | number[] | null>;
  alertLookbackDays: number;
  performanceMetric: string;
  focus: number[];
  teamTarget: number | null;
  repTargets: ({ value: number; ramped: boolean } | null)[];
  period: 'quarter' | 'month' | 'custom';
  /** The later config's zone and first day, and what else it may change: the pipeline, windows, ramp, timeout. */
  next: { timezone: string; weekStartsOn: Weekday; stages: boolean[] | null; thresholds: Record<string, number> };
}

export interface StreamPlan {
  anchor: number;
  endShiftHours: number;
  teams: TeamPlan[];
  /** Weekly runs of touches naming no lead or deal: n touches of a type in a week. */
  bursts: { who: number; week: number; type: string; n: number }[];
  leads: {
    lead: number;
    who: number;
    at: number;
    inbound: boolean;
    touchAfterHours: number | null;
    outcome: 'qualified' | 'disqualified' | 'none';
    outcomeAfterHours: number;
    opportunity: { deal: number; who: number | null; afterHours: number } | null;
  }[];
  deals: {
    deal: number;
    who: number;
    at: number;
    amount: number;
    lead: number | null;
    steps: { afterHours: number; kind: 'stage' | 'touch' | 'meeting' | 'won' | 'lost'; stage: number; who: number | null }[];
  }[];
  noise: EventPlan[];
  writers: number;
  writerOf: number[];
  batch: number;
  lagHours: number;
  versions: { target: number; version: number; shiftHours: number; who: number | null; amount: number | null; writer: number }[];
  deletes: { target: number; writer: number }[];
  late: EventPlan[];
  post: EventPlan[];
  relink: { emailTeam: number | null; crmRep: number | null; slackRep: number | null; move: boolean };
  /** Hours into the stream of the random instant checked. */
  randomInstantHours: number;
}

const SPAN = 12 * WEEK;

const eventPlan = (from: number, to: number): fc.Arbitrary<EventPlan> =>
  fc.record({
    who: fc.nat(40),
    type: fc.constantFrom(...TYPES),
    at: fc.integer({ min: from, max: to }),
    lead: fc.option(fc.nat(LEADS - 1), { freq: 2 }),
    deal: fc.option(fc.nat(DEALS - 1), { freq: 2 }),
    amount: fc.integer({ min: 0, max: 40_000 }),
    stage: fc.nat(4),
    inbound: fc.boolean(),
    named: fc.boolean(),
    versioned: fc.boolean(),
  });

const teamPlan: fc.Arbitrary<TeamPlan> = fc.record({
  timezone: fc.constantFrom(...ZONES),
  weekStartsOn: fc.constantFrom(...WEEKDAYS),
  stages: fc.array(fc.boolean(), { minLength: STAGES.length, maxLength: STAGES.length }),
  extraTouch: fc.boolean(),
  reps: fc.array(
    fc.record({
      start: fc.option(fc.record({ weeks: fc.integer({ min: -30, max: 13 }), days: fc.nat(6) }), { freq: 2 }),
      crm: fc.boolean(),
      slack: fc.boolean(),
    }),
    { minLength: 2, maxLength: 5 },
  ),
  thresholds: fc.record({
    cadenceWeeks: fc.integer({ min: 1, max: 4 }),
    baselineWeeks: fc.integer({ min: 1, max: 10 }),
    rateWeeks: fc.integer({ min: 1, max: 10 }),
    rampWeeks: fc.integer({ min: 0, max: 12 }),
    rampCurve: fc.constantFrom(null, [0.25, 0.5, 0.75]),
    minCohort: fc.integer({ min: 1, max: 3 }),
    topFraction: fc.constantFrom(0.25, 0.5, 1),
    minRateN: fc.integer({ min: 1, max: 8 }),
    stageTimeoutDays: fc.integer({ min: 2, max: 60 }),
    stalledDays: fc.integer({ min: 2, max: 14 }),
    followUpHours: fc.integer({ min: 12, max: 96 }),
    slaHours: fc.integer({ min: 2, max: 48 }),
    dropShare: fc.constantFrom(0.2, 0.4, 0.6),
    dropMinPerWeek: fc.integer({ min: 0, max: 5 }),
    staleAfterHours: fc.integer({ min: 12, max: 72 }),
  }),
  // Long lookbacks (up to 120 days) reach before the loader's start with short windows.
  alertLookbackDays: fc.oneof({ arbitrary: fc.integer({ min: 3, max: 30 }), weight: 3 }, { arbitrary: fc.integer({ min: 31, max: 120 }), weight: 1 }),
  performanceMetric: fc.constantFrom('booked_revenue', 'win_rate', 'deals_won', 'attainment'),
  focus: fc.array(fc.nat(40), { minLength: 1, maxLength: 4 }),
  teamTarget: fc.option(fc.integer({ min: 10_000, max: 300_000 })),
  repTargets: fc.array(fc.option(fc.record({ value: fc.integer({ min: 5_000, max: 100_000 }), ramped: fc.boolean() })), { maxLength: 5 }),
  period: fc.constantFrom('quarter', 'month', 'custom'),
  next: fc.record({
    timezone: fc.constantFrom(...ZONES),
    weekStartsOn: fc.constantFrom(...WEEKDAYS),
    stages: fc.option(fc.array(fc.boolean(), { minLength: STAGES.length, maxLength: STAGES.length }), { freq: 3 }),
    thresholds: fc.record(
      {
        cadenceWeeks: fc.integer({ min: 1, max: 4 }),
        rateWeeks: fc.integer({ min: 1, max: 10 }),
        rampWeeks: fc.integer({ min: 0, max: 12 }),
        stageTimeoutDays: fc.integer({ min: 2, max: 60 }),
      },
      { requiredKeys: [] },
    ),
  }),
});

export const streamPlan: fc.Arbitrary<StreamPlan> = fc.record({
  anchor: fc.nat(ANCHORS.length - 1),
  endShiftHours: fc.integer({ min: -60, max: 60 }),
  teams: fc.array(teamPlan, { minLength: 1, maxLength: 2 }),
  bursts: fc.array(fc.record({ who: fc.nat(40), week: fc.nat(11), type: fc.constantFrom(...TOUCHES), n: fc.integer({ min: 1, max: 9 }) }), { minLength: 5, maxLength: 30 }),
  leads: fc.array(
    fc.record({
      lead: fc.nat(LEADS - 1),
      who: fc.nat(40),
      at: fc.integer({ min: 0, max: SPAN }),
      inbound: fc.boolean(),
      touchAfterHours: fc.option(fc.integer({ min: 0, max: 96 }), { freq: 3 }),
      outcome: fc.constantFrom('qualified', 'disqualified', 'none'),
      outcomeAfterHours: fc.integer({ min: 1, max: 24 * 40 }),
      opportunity: fc.option(fc.record({ deal: fc.nat(DEALS - 1), who: fc.option(fc.nat(40)), afterHours: fc.integer({ min: 1, max: 24 * 20 }) })),
    }),
    { minLength: 2, maxLength: 14 },
  ),
  deals: fc.array(
    fc.record({
      deal: fc.nat(DEALS - 1),
      who: fc.nat(40),
      at: fc.integer({ min: -4 * WEEK, max: SPAN }),
      amount: fc.integer({ min: 100, max: 60_000 }),
      lead: fc.option(fc.nat(LEADS - 1)),
      steps: fc.array(
        fc.record({
          afterHours: fc.integer({ min: 1, max: 24 * 25 }),
          kind: fc.constantFrom('stage', 'stage', 'touch', 'meeting', 'won', 'lost'),
          stage: fc.nat(4),
          who: fc.option(fc.nat(40), { freq: 4 }),
        }),
        { maxLength: 7 },
      ),
    }),
    { minLength: 2, maxLength: 12 },
  ),
  noise: fc.array(eventPlan(-6 * WEEK, SPAN), { maxLength: 30 }),
  writers: fc.integer({ min: 2, max: 3 }),
  writerOf: fc.array(fc.nat(2), { minLength: 1, maxLength: 7 }),
  batch: fc.integer({ min: 5, max: 60 }),
  lagHours: fc.integer({ min: 0, max: 40 }),
  versions: fc.array(
    fc.record({
      target: fc.nat(),
      version: fc.integer({ min: 2, max: 3 }),
      shiftHours: fc.integer({ min: -24 * 21, max: 24 * 21 }),
      who: fc.option(fc.nat(40)),
      amount: fc.option(fc.integer({ min: 0, max: 60_000 })),
      writer: fc.nat(2),
    }),
    { maxLength: 14 },
  ),
  deletes: fc.array(fc.record({ target: fc.nat(), writer: fc.nat(2) }), { maxLength: 10 }),
  late: fc.array(eventPlan(-8 * WEEK, 5 * WEEK), { maxLength: 15 }),
  post: fc.array(eventPlan(SPAN - 3 * WEEK, SPAN), { maxLength: 15 }),
  relink: fc.record({
    emailTeam: fc.option(fc.nat(1), { freq: 4 }),
    crmRep: fc.option(fc.nat(9), { freq: 4 }),
    slackRep: fc.option(fc.nat(9), { freq: 4 }),
    move: fc.boolean(),
  }),
  randomInstantHours: fc.integer({ min: 5 * 7 * 24, max: 12 * 7 * 24 }),
});

// ---------------------------------------------------------------------------------------------
// Materializing

type Ref = { repEmail: string } | { crmOwnerId: string } | { slackUserId: string };

/** A way to name a person in an event, and whom it names before and after the later config. */
interface Identity {
  ref: Ref;
  before: string | null;
  after: string | null;
}

interface Person {
  email: string;
  name: string;
  role: 'rep' | 'manager';
  startDate?: string;
  crmOwnerId?: string;
  slackUserId?: string;
}

export interface Materialized {
  start: number;
  end: Date;
  /** The config applied first, and the one applied after the corrections (relinking, zone change). */
  configBefore: Record<string, unknown>;
  configAfter: Record<string, unknown>;
  /** Events of the first phase by writer, each writer's in time order with the instant they are received. */
  phaseA: { receivedAt: Date; events: Record<string, unknown>[] }[][];
  /** Corrections by writer: new versions and late events (received now), deletes. */
  corrections: ({ kind: 'ingest'; events: Record<string, unknown>[] } | { kind: 'delete'; id: string })[][];
  /** Events sent after the later config (received now). */
  post: Record<string, unknown>[];
  /** Team names in config order. */
  teams: string[];
  /** Instants worth checking: DST changes of each team's zone in the stream, and a random one. */
  dstChanges: Date[];
  randomInstant: Date;
}

const iso = (ms: number) => new Date(ms).toISOString();
const dateIn = (ms: number, timezone: string) => format(new TZDate(ms, timezone), 'yyyy-MM-dd');

export function materialize(plan: StreamPlan, workspaceId: string): Materialized {
  const anchor = ANCHORS[plan.anchor]!;
  const start = anchor.start;
  const end = anchor.end + plan.endShiftHours * HOUR;
  const teamNames = plan.teams.map((_, t) => ['Alpha', 'Beta'][t]!);
  const pipelineOf = (stages: boolean[]) => {
    const picked = STAGES.filter((_, k) => stages[k]);
    return picked.length > 0 ? picked : [STAGES[0]!];
  };
  const pipelines = { before: plan.teams.map((t) => pipelineOf(t.stages)), after: plan.teams.map((t) => pipelineOf(t.next.stages ?? t.stages)) };
  const anyPipeline = { before: [...new Set(pipelines.before.flat())], after: [...new Set(pipelines.after.flat())] };
  const extraTouch = plan.teams.some((t) => t.extraTouch);

  // People of the first config: reps and one manager per team.
  const members: Person[][] = plan.teams.map((team, t) => [
    { email: `t${t}mgr@example.com`, name: `${teamNames[t]} Manager`, role: 'manager' as const },
    ...team.reps.map((r, k): Person => ({
      email: `t${t}r${k}@example.com`,
      name: `${teamNames[t]} Rep ${k}`,
      role: 'rep',
      ...(r.start === null ? {} : { startDate: dateIn(start + r.start.weeks * WEEK + r.start.days * DAY, team.timezone) }),
      ...(r.crm ? { crmOwnerId: `OWN-${t}-${k}` } : {}),
      ...(r.slack ? { slackUserId: `U0T${t}R${k}` } : {}),
    })),
  ]);
  const reps = members.flatMap((m) => m.filter((p) => p.role === 'rep'));

  // The later config: people linked, a rep moved, each team's new zone and first day.
  const after = members.map((m) => m.map((p) => ({ ...p })));
  const byEmail = (email: string) => after.flat().find((p) => p.email === email)!;
  const relinked = new Map<string, string | null>();
  const { emailTeam, crmRep, slackRep, move } = plan.relink;
  if (emailTeam !== null) after[emailTeam % after.length]!.push({ email: UNLINKED.email, name: 'New Person', role: 'rep' });
  if (crmRep !== null) {
    const rep = byEmail(reps[crmRep % reps.length]!.email);
    if (rep.crmOwnerId) relinked.set(`crm:${rep.crmOwnerId}`, null);
    rep.crmOwnerId = UNLINKED.crm;
  }
  if (slackRep !== null) {
    const rep = byEmail(reps[slackRep % reps.length]!.email);
    if (rep.slackUserId) relinked.set(`slack:${rep.slackUserId}`, null);
    rep.slackUserId = UNLINKED.slack;
  }
  if (move) {
    // Beta's first rep joins Alpha; with one team, Alpha's last rep leaves (deactivated).
    if (after.length > 1 && after[1]!.filter((p) => p.role === 'rep').length > 1) {
      const i = after[1]!.findIndex((p) => p.role === 'rep');
      after[0]!.push(after[1]!.splice(i, 1)[0]!);
    } else if (after[0]!.filter((p) => p.role === 'rep').length > 1) {
      after[0]!.pop();
    }
  }

  const teamOf = (people: Person[][], email: string | null) => (email === null ? null : people.findIndex((m) => m.some((p) => p.email === email)));
  const identities: Identity[] = [
    ...members
      .flat()
      .flatMap((p): Identity[] => [
        { ref: { repEmail: p.email }, before: p.email, after: p.email },
        ...(p.crmOwnerId ? [{ ref: { crmOwnerId: p.crmOwnerId }, before: p.email, after: relinked.has(`crm:${p.crmOwnerId}`) ? null : p.email }] : []),
        ...(p.slackUserId ? [{ ref: { slackUserId: p.slackUserId }, before: p.email, after: relinked.has(`slack:${p.slackUserId}`) ? null : p.email }] : []),
      ]),
    { ref: { repEmail: UNLINKED.email }, before: null, after: emailTeam === null ? null : UNLINKED.email },
    { ref: { crmOwnerId: UNLINKED.crm }, before: null, after: crmRep === null ? null : reps[crmRep % reps.length]!.email },
    { ref: { slackUserId: UNLINKED.slack }, before: null, after: slackRep === null ? null : reps[slackRep % reps.length]!.email },
  ];

  /** The stages an identity's events may name: its member's team pipeline (as ingestion checks), else any team's. */
  const stageOf = (who: Identity, phase: 'before' | 'after', k: number) => {
    const team = teamOf(phase === 'before' ? members : after, who[phase]);
    const pipeline = team === null || team === -1 ? anyPipeline[phase] : pipelines[phase][team]!;
    return pipeline[k % pipeline.length]!;
  };

  const clampAt = (at: number) => Math.min(end - 60_000, start + at);
  const event = (id: string, e: EventPlan, phase: 'before' | 'after', version?: number): Record<string, unknown> => {
    const who = identities[e.who % identities.length]!;
    const type = e.type === EXTRA_TOUCH && !extraTouch ? 'call' : e.type;
    const needsLead = type.startsWith('lead_');
    const needsDeal = ['opportunity_created', 'stage_changed', 'deal_won', 'deal_lost'].includes(type);
    const lead = e.lead ?? (needsLead ? e.stage : null);
    const deal = e.deal ?? (needsDeal ? e.stage : null);
    const out: Record<string, unknown> = { id, type, occurredAt: iso(clampAt(e.at)), ...who.ref };
    if (lead !== null) out.leadId = `L${lead}`;
    if (deal !== null) out.dealId = `D${deal}`;
    if (type === 'lead_assigned') out.leadSource = e.inbound ? 'inbound' : 'outbound';
    if (type === 'opportunity_created' || type === 'deal_won') out.amount = e.amount;
    if (type === 'stage_changed') out.stage = stageOf(who, phase, e.stage);
    if (e.named && deal !== null) Object.assign(out, { dealName: `Deal ${deal} (${id})`, accountName: `Account ${deal % 4}`, url: `https://crm.example.com/deals/D${deal}` });
    else if (e.named && lead !== null) Object.assign(out, { leadName: `Lead ${lead} (${id})`, url: `https://crm.example.com/leads/L${lead}` });
    if (version !== undefined) out.version = version;
    else if (e.versioned) out.version = 1;
    return out;
  };

  // The first phase's events, as plans (kept for the corrections, which resend some).
  const plans: EventPlan[] = [];
  const base = { lead: null, deal: null, amount: 0, stage: 0, inbound: true, named: false, versioned: false };
  for (const b of plan.bursts) {
    for (let i = 0; i < b.n; i += 1) plans.push({ ...base, who: b.who, type: b.type, at: b.week * WEEK + ((i * 7919 + b.who * 104_729) % (WEEK / 60_000)) * 60_000 });
  }
  for (const l of plan.leads) {
    plans.push({ ...base, who: l.who, type: 'lead_assigned', at: l.at, lead: l.lead, inbound: l.inbound });
    if (l.touchAfterHours !== null) plans.push({ ...base, who: l.who, type: 'email', at: l.at + l.touchAfterHours * HOUR, lead: l.lead });
    if (l.outcome !== 'none') plans.push({ ...base, who: l.who, type: l.outcome === 'qualified' ? 'lead_qualified' : 'lead_disqualified', at: l.at + l.outcomeAfterHours * HOUR, lead: l.lead });
    if (l.opportunity) {
      const o = l.opportunity;
      plans.push({ ...base, who: o.who ?? l.who, type: 'opportunity_created', at: l.at + (l.outcomeAfterHours + o.afterHours) * HOUR, lead: l.lead, deal: o.deal, amount: 1000 + o.deal * 500 });
    }
  }
  for (const d of plan.deals) {
    plans.push({ ...base, who: d.who, type: 'opportunity_created', at: d.at, lead: d.lead, deal: d.deal, amount: d.amount, named: true, versioned: true });
    let at = d.at;
    for (const s of d.steps) {
      at += s.afterHours * HOUR;
      const who = s.who ?? d.who;
      const type = s.kind === 'stage' ? 'stage_changed' : s.kind === 'touch' ? 'call' : s.kind === 'meeting' ? 'meeting' : s.kind === 'won' ? 'deal_won' : 'deal_lost';
      plans.push({ ...base, who, type, at, deal: d.deal, stage: s.stage + 1, amount: d.amount });
    }
  }
  plans.push(...plan.noise);
  const firstPhase = plans.filter((p) => start + p.at < end - 60_000).map((p, i) => ({ plan: p, event: event(`e${i}`, p, 'before') }));

  // Writers take the events in turn (by the plan's pattern), each in time order, in batches
  // received a little after their last event.
  const phaseA: Materialized['phaseA'] = Array.from({ length: plan.writers }, () => []);
  const perWriter: Record<string, unknown>[][] = Array.from({ length: plan.writers }, () => []);
  firstPhase.forEach(({ event: e }, i) => perWriter[plan.writerOf[i % plan.writerOf.length]! % plan.writers]!.push(e));
  perWriter.forEach((events, w) => {
    events.sort((a, b) => String(a.occurredAt).localeCompare(String(b.occurredAt)));
    for (let i = 0; i < events.length; i += plan.batch) {
      const batch = events.slice(i, i + plan.batch);
      const last = Date.parse(String(batch[batch.length - 1]!.occurredAt));
      phaseA[w]!.push({ receivedAt: new Date(Math.min(end, last + plan.lagHours * HOUR)), events: batch });
    }
  });

  // Corrections: new versions of stored ids (moved in time, re-credited, new amounts), deletes,
  // late events (long before they are received), spread over the writers.
  const corrections: Materialized['corrections'] = Array.from({ length: plan.writers }, () => []);
  if (firstPhase.length > 0) {
    for (const v of plan.versions) {
      const original = firstPhase[v.target % firstPhase.length]!;
      const changed: EventPlan = { ...original.plan, at: original.plan.at + v.shiftHours * HOUR, who: v.who ?? original.plan.who, amount: v.amount ?? original.plan.amount };
      corrections[v.writer % plan.writers]!.push({ kind: 'ingest', events: [event(String(original.event.id), changed, 'before', v.version)] });
    }
    for (const d of plan.deletes) corrections[d.writer % plan.writers]!.push({ kind: 'delete', id: String(firstPhase[d.target % firstPhase.length]!.event.id) });
  }
  plan.late.forEach((e, i) => corrections[i % plan.writers]!.push({ kind: 'ingest', events: [event(`late${i}`, e, 'before')] }));

  const config = (people: Person[][], phase: 'before' | 'after') => ({
    workspace: { id: workspaceId, currency: 'USD' },
    teams: plan.teams.map((team, t) => {
      const stages = pipelines[phase][t]!;
      const touchTypes = team.extraTouch ? [EXTRA_TOUCH] : [];
      const candidates = focusIndicatorsFor({ touchTypes, pipelineStages: stages });
      const teamReps = people[t]!.filter((p) => p.role === 'rep');
      const period = team.period === 'custom' ? { start: dateIn(start + 2 * WEEK, team.timezone), end: dateIn(end + 4 * WEEK, team.timezone) } : team.period;
      return {
        name: teamNames[t],
        timezone: phase === 'before' ? team.timezone : team.next.timezone,
        weekStartsOn: phase === 'before' ? team.weekStartsOn : team.next.weekStartsOn,
        pipelineStages: stages,
        touchTypes,
        focus: [...new Set(team.focus.map((k) => candidates[k % candidates.length]!))],
        performanceMetric: team.performanceMetric,
        alertLookbackDays: team.alertLookbackDays,
        thresholds: phase === 'before' ? team.thresholds : { ...team.thresholds, ...team.next.thresholds },
        members: people[t]!,
        targets: [
          ...(team.teamTarget === null ? [] : [{ metric: 'booked_revenue', period, value: team.teamTarget }]),
          ...team.repTargets.flatMap((x, k) => (x === null || k >= teamReps.length ? [] : [{ metric: 'booked_revenue', period, value: x.value, member: teamReps[k]!.email, ramped: x.ramped }])),
        ],
      };
    }),
  });

  const zones = [...new Set(plan.teams.flatMap((t) => [t.timezone, t.next.timezone]))];
  return {
    start,
    end: new Date(end),
    configBefore: config(members, 'before'),
    configAfter: config(after, 'after'),
    phaseA,
    corrections,
    post: plan.post.map((e, i) => event(`post${i}`, e, 'after')),
    teams: teamNames,
    dstChanges: zones.flatMap((zone) => dstChanges(zone, start, end)),
    randomInstant: new Date(Math.min(end, start + plan.randomInstantHours * HOUR)),
  };
}

/** The instants a zone's offset changes in [start, end). */
function dstChanges(zone: string, start: number, end: number): Date[] {
  const found: Date[] = [];
  for (let t = start, offset = tzOffsetAt(zone, start); t < end; t += HOUR) {
    const next = tzOffsetAt(zone, t);
    if (next !== offset) found.push(new Date(t));
    offset = next;
  }
  return found;
}

const tzOffsetAt = (zone: string, ms: number) => new TZDate(ms, zone).getTimezoneOffset();
