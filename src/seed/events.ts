/**
 * The event stream of one rep, pure given the seed: leads assigned and worked (most touched
 * within hours, some after the SLA, a few never), qualified or not, opportunities opened from
 * qualified leads, deals moving through the pipeline with realistic stage durations and their
 * own touches, meetings and demos followed up (usually), deals won, lost or gone dark; then
 * the week's quota of calls, emails, social touches and meetings topped up to the rep's cadence.
 * Everything lies in the team's working hours and before the end instant.
 *
 * One rep's events (≈ 190 a week) are built in memory, sorted and handed out; the org is a
 * stream of reps, so a run never holds more than one rep's history.
 */
import { completeWeeks, startOfDateIn, targetPeriod, weekContaining, type Interval } from '../metrics/windows.js';
import { addWorkingHours, LAST_MEETING_MARGIN_MS, meetingSlot, randomWorkingInstant, workCalendar, workingMs, type WorkCalendar } from './calendar.js';
import { dealId as dealIdOf, eventId, leadId as leadIdOf } from './ids.js';
import { OPPORTUNITY_PER_QUALIFIED, repActiveFrom, STANDALONE_OPPORTUNITIES_PER_WEEK } from './flow.js';
import { DEFAULT_CRM_BASE_URL } from './defaults.js';
import { accountNameOf, dealNameOf, leadNameOf, recordUrl } from './names.js';
import { plantedEvents, shapeDealEvents } from './plant.js';
import { createRng, type Rng } from './rng.js';
import type { DraftEvent, Plant, SeedEvent, SeedOrg, SeedRep, SeedTeam } from './types.js';

/** Weekly touches of a steady rep, lead and deal touches included (≈ 190 events a week in all). */
export const WEEKLY_TOUCHES = { call: 64, email: 90, social_touch: 16, meeting: 9 } as const;
type QuotaType = keyof typeof WEEKLY_TOUCHES;
const QUOTA_TYPES = Object.keys(WEEKLY_TOUCHES) as QuotaType[];

/** Events naming the rep by CRM owner id (they come from the CRM); the rest name the rep's email. */
const CRM_TYPES: ReadonlySet<string> = new Set(['opportunity_created', 'stage_changed', 'deal_won', 'deal_lost']);
const TOUCH_TYPES: ReadonlySet<string> = new Set(['call', 'email', 'meeting', 'demo', 'social_touch', 'proposal_sent']);

/** A planted activity drop leaves this share of the week's quota. */
export const DROP_FACTOR = 0.25;
/** A team's holiday week leaves this share of all its activity. */
export const HOLIDAY_FACTOR = 0.2;
const RAMP_WEEKS = 12;

/**
 * Weeks simulated before the history starts, so that the history opens on a pipeline in
 * flight (deals won in its first weeks) rather than on an empty one: about one enterprise cycle.
 */
export const WARMUP_WEEKS = 12;

interface TeamTime {
  /** The generated weeks: the `weeks` complete weeks before the end, then the current one (cut at the end). */
  weeks: Interval[];
  /** The warm-up weeks before them. */
  warmup: Interval[];
  /** Working time from the warm-up to the end. */
  cal: WorkCalendar;
}

// Zone arithmetic is the costliest part of generating; a team's weeks and calendar are built once.
const teamTimes = new WeakMap<SeedTeam, TeamTime>();
function teamTime(org: SeedOrg, team: SeedTeam): TeamTime {
  let time = teamTimes.get(team);
  if (!time) {
    const ws = { timezone: team.timezone, weekStartsOn: 1 as const };
    const { end, weeks } = org.options;
    const all = completeWeeks(end, weeks + WARMUP_WEEKS, ws).weeks;
    const current = weekContaining(end, ws);
    time = {
      weeks: [...all.slice(WARMUP_WEEKS), ...(current.start < end ? [current] : [])],
      warmup: all.slice(0, WARMUP_WEEKS),
      cal: workCalendar(team.timezone, all[0]!.start.getTime(), end.getTime()),
    };
    teamTimes.set(team, time);
  }
  return time;
}

/** The generated weeks of a team: the `weeks` complete weeks before the end, then the current one (cut at the end). */
export function teamWeeks(org: SeedOrg, team: SeedTeam): Interval[] {
  return teamTime(org, team).weeks;
}

/**
 * What a rep had still moving at the end instant, noted while the history is generated (without
 * drawing anything) so the weeks after the end can carry it on (continuation.ts).
 */
export interface OpenAtEnd {
  /** Deals in a stage at the end that were to move on or be lost (not those going quiet). */
  deals: { dealId: string; amount: number; stage: number; since: number; next: 'advance' | 'lost' }[];
  /** Leads assigned before the end and not yet decided. */
  leads: { leadId: string; source: 'inbound' | 'outbound'; assignedAt: number; touched: boolean }[];
  /** Leads qualified before the end whose opportunity opens after it. */
  toOpen: { leadId: string; assignedAt: number }[];
}

export interface RepState {
  org: SeedOrg;
  team: SeedTeam;
  rep: SeedRep;
  cal: WorkCalendar;
  rng: Rng;
  drafts: DraftEvent[];
  leads: number;
  deals: number;
  /** Set while generating the history: the end instant, and what is still moving there. */
  open?: { at: number } & OpenAtEnd;
}

/** t plus a random number of working hours in [min, max). */
export const later = (s: RepState, t: number, min: number, max: number) => addWorkingHours(s.cal, t, s.rng.between(min, max));

/** A meeting or demo soon after t, and (usually) its follow-up the same day. */
function meeting(s: RepState, t: number, type: 'meeting' | 'demo', subject: Pick<DraftEvent, 'leadId' | 'dealId'>): void {
  const at = meetingSlot(s.cal, t);
  s.drafts.push({ at, type, ...subject });
  // 5% are followed up days later: the missed follow-ups a manager would want to hear about.
  const followUp = s.rng.chance(0.95) ? later(s, at, 0.25, 1.75) : later(s, at, 18, 40);
  s.drafts.push({ at: followUp, type: 'email', ...subject });
}

function dealAmount(s: RepState): number {
  const amount = s.team.dealAmount * s.rep.profile.dealSize * Math.exp(s.rng.normal(0, 0.45));
  return Math.max(500, Math.round(amount / 100) * 100);
}

/**
 * A deal from opened to won, lost or gone dark. Each stage lasts 4–14 working days (× the
 * segment's cycle factor) with its touches; at its end the deal moves on with the rep's stage
 * conversion, else it is lost (72%) or simply stops (stalls) somewhere in the stage.
 */
export function deal(s: RepState, createdAt: number, leadId: string | null): void {
  s.deals += 1;
  const id = dealIdOf(s.org.options.seed, s.rep.code, s.deals);
  const amount = dealAmount(s);
  s.drafts.push({ at: createdAt, type: 'opportunity_created', dealId: id, amount, ...(leadId === null ? {} : { leadId }) });
  runStages(s, id, amount, 0, createdAt);
}

/** A deal's way through the pipeline from stage `from`, entered at t, to its end. */
export function runStages(s: RepState, id: string, amount: number, from: number, entered: number): void {
  const { rng, team } = s;
  const stages = team.pipelineStages;
  let t = entered;
  for (let k = from; k < stages.length; k += 1) {
    const stage = stages[k]!;
    if (k > 0) s.drafts.push({ at: t, type: 'stage_changed', dealId: id, stage });
    const days = rng.between(4, 14) * team.cycleFactor;
    const stageEnd = addWorkingHours(s.cal, t, days * 9);
    const converted = rng.chance(s.rep.profile.stageConversion[k] ?? 0.5);
    const lost = !converted && rng.chance(0.72);
    if (s.open && t < s.open.at && stageEnd >= s.open.at && (converted || lost)) s.open.deals.push({ dealId: id, amount, stage: k, since: t, next: converted ? 'advance' : 'lost' });
    // A stalled deal's activity stops somewhere inside the stage.
    const activeUntil = converted || lost ? stageEnd : (randomWorkingInstant(s.cal, rng, t, stageEnd) ?? t);
    if (stage === 'demo') meeting(s, later(s, t, 2, 18), 'demo', { dealId: id });
    else if (stage === 'proposal') s.drafts.push({ at: later(s, t, 0.5, 8), type: 'proposal_sent', dealId: id });
    else if ((k === 0 || stage === 'negotiation') && rng.chance(0.6)) meeting(s, later(s, t, 1, 24), 'meeting', { dealId: id });
    const touches = rng.poisson(1 + days * 0.45);
    for (let i = 0; i < touches; i += 1) {
      const at = randomWorkingInstant(s.cal, rng, t, activeUntil);
      if (at !== null) s.drafts.push({ at, type: rng.pick(['call', 'email', 'email']), dealId: id });
    }
    if (!converted) {
      if (lost) s.drafts.push({ at: stageEnd, type: 'deal_lost', dealId: id });
      return;
    }
    t = stageEnd;
  }
  s.drafts.push({ at: t, type: 'deal_won', dealId: id, amount: Math.round((amount * rng.between(0.85, 1.02)) / 100) * 100 });
}

/**
 * A lead from assignment to its decision: the first touch after a delay in working hours
 * (most within 2.5 h; some the next working day or later, past the 24 h SLA; a few never), a few more
 * touches, perhaps a discovery meeting, then qualified, disqualified or left to nurture; most
 * qualified leads become opportunities.
 */
export function lead(s: RepState, assignedAt: number, source: 'inbound' | 'outbound'): void {
  const { rng, rep } = s;
  const p = rep.profile;
  s.leads += 1;
  const id = leadIdOf(s.org.options.seed, rep.code, s.leads);
  s.drafts.push({ at: assignedAt, type: 'lead_assigned', leadId: id, leadSource: source });
  if (rng.chance(p.neverTouch)) return;
  const r = rng.float();
  const delay = r < p.fastResponse ? rng.between(0.05, 2.5) : r < p.fastResponse + (1 - p.fastResponse) * 0.7 ? rng.between(2.5, 8) : rng.between(10, 30);
  const firstTouch = addWorkingHours(s.cal, assignedAt, delay);
  let t = firstTouch;
  s.drafts.push({ at: t, type: source === 'inbound' ? rng.pick(['email', 'call']) : rng.pick(['call', 'call', 'email']), leadId: id });
  for (let i = rng.int(0, 3); i > 0; i -= 1) {
    t = later(s, t, 2, 20);
    s.drafts.push({ at: t, type: rng.pick(['call', 'email', 'email', 'social_touch']), leadId: id });
  }
  if (rng.chance(0.25)) {
    t = meetingSlot(s.cal, later(s, t, 4, 24));
    meeting(s, t, 'meeting', { leadId: id });
  }
  decideLead(s, { leadId: id, source, assignedAt, touched: firstTouch < (s.open?.at ?? Infinity) }, t);
}

/**
 * A worked lead's decision some working hours after its last touch: qualified, disqualified or
 * left to nurture; most qualified leads become opportunities.
 */
export function decideLead(s: RepState, worked: OpenAtEnd['leads'][number], lastTouch: number): void {
  const { rng } = s;
  const t = later(s, lastTouch, 1, 30);
  const open = s.open;
  if (open && worked.assignedAt < open.at && t >= open.at) open.leads.push(worked);
  const qualified = rng.chance(s.rep.profile.qualifyRate);
  if (qualified) s.drafts.push({ at: t, type: 'lead_qualified', leadId: worked.leadId });
  else if (rng.chance(0.8)) s.drafts.push({ at: t, type: 'lead_disqualified', leadId: worked.leadId });
  if (qualified && rng.chance(OPPORTUNITY_PER_QUALIFIED)) {
    const at = later(s, t, 0.5, 24);
    if (open && t < open.at && at >= open.at) open.toOpen.push({ leadId: worked.leadId, assignedAt: worked.assignedAt });
    deal(s, at, worked.leadId);
  }
}

/** New hires ramp from 35% to full activity over their first 12 weeks. */
export function rampFactor(rep: SeedRep, activeFrom: number, week: Interval): number {
  if (!rep.ramping) return 1;
  const weeksIn = Math.max(0, (week.start.getTime() - activeFrom) / (7 * 86_400_000));
  return Math.min(1, 0.35 + (0.65 * weeksIn) / RAMP_WEEKS);
}

/** Index of the week holding t (weeks contiguous, sorted), or -1. */
function weekFinder(weeks: readonly Interval[]): (t: number) => number {
  const starts = weeks.map((w) => w.start.getTime());
  const last = weeks.length === 0 ? -Infinity : weeks[weeks.length - 1]!.end.getTime();
  return (t) => {
    if (weeks.length === 0 || t < starts[0]! || t >= last) return -1;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
}

/**
 * Tops up each week's touches to the rep's cadence: the week's quota of each type, less the
 * lead and deal touches it already holds, placed at random working instants before `end`.
 */
export function topUpTouches(
  s: RepState,
  drafts: DraftEvent[],
  weeks: readonly Interval[],
  factors: readonly number[],
  activeFrom: number,
  drop: Extract<Plant, { rule: 'activity_drop' }> | undefined,
  end: number,
): void {
  const { rng, cal, rep } = s;
  const weekOf = weekFinder(weeks);
  const counted = weeks.map(() => new Map<string, number>());
  for (const d of drafts) {
    if (!TOUCH_TYPES.has(d.type)) continue;
    const m = counted[weekOf(d.at)];
    if (m) m.set(d.type, (m.get(d.type) ?? 0) + 1);
  }
  weeks.forEach((w, i) => {
    const from = Math.max(w.start.getTime(), activeFrom);
    const to = Math.min(w.end.getTime(), end);
    // A week cut by the end or the start date gets its share of the quota.
    const share = workingMs(cal, from, to) / Math.max(1, workingMs(cal, w.start.getTime(), w.end.getTime()));
    for (const type of QUOTA_TYPES) {
      const dropped = drop && drop.type === type && drop.week.start.getTime() === w.start.getTime() ? DROP_FACTOR : 1;
      const mean = WEEKLY_TOUCHES[type] * rep.profile.activity * factors[i]! * dropped * share;
      const quota = Math.max(0, Math.round(rng.normal(mean, Math.sqrt(mean) * 0.8)));
      const margin = type === 'meeting' ? LAST_MEETING_MARGIN_MS : 0;
      for (let n = quota - (counted[i]!.get(type) ?? 0); n > 0; n -= 1) {
        const at = randomWorkingInstant(cal, rng, from, to, margin);
        if (at !== null) drafts.push({ at, type });
      }
    }
  });
}

/** A rep's history (its draft events) and where it stopped, for the weeks after the end (continuation.ts). */
export interface RepHistory {
  /** Every one before the end, sorted by time. */
  drafts: DraftEvent[];
  /** Leads and deals numbered so far: the ids of later ones go on from these. */
  leads: number;
  deals: number;
  /** The rep's first working day, epoch ms. */
  activeFrom: number;
  /** What was still moving at the end, among the leads and deals the history holds. */
  open: OpenAtEnd;
}

/** The draft events of one rep, every one before the end, sorted by time. */
export function repDrafts(org: SeedOrg, team: SeedTeam, rep: SeedRep): DraftEvent[] {
  return repHistory(org, team, rep).drafts;
}

export function repHistory(org: SeedOrg, team: SeedTeam, rep: SeedRep): RepHistory {
  const end = org.options.end.getTime();
  const time = teamTime(org, team);
  const open: { at: number } & OpenAtEnd = { at: end, deals: [], leads: [], toOpen: [] };
  const s: RepState = { org, team, rep, cal: time.cal, rng: createRng(org.options.seed, 2, rep.index), drafts: [], leads: 0, deals: 0, open };
  const { rng, cal } = s;
  const activeFrom = repActiveFrom(team, rep);
  const weeks = time.weeks.filter((w) => w.end.getTime() > activeFrom);
  // A new hire has no warm-up: their pipeline starts with them.
  const startedAt = rep.startDate === null ? -Infinity : startOfDateIn(rep.startDate, team.timezone).getTime();
  const warmup = time.warmup.filter((w) => w.start.getTime() >= startedAt);
  const plants = team.plants.filter((p) => p.rep === rep.email);
  const plantContext = { cal, rng, pipeline: team.pipelineStages, amount: () => dealAmount(s) };
  for (const plant of plants) s.drafts.push(...plantedEvents(plant, plantContext).map((d) => ({ ...d, planted: true as const })));
  for (const deal of team.shapeDeals) if (deal.rep === rep.email) s.drafts.push(...shapeDealEvents(deal, plantContext));
  const drop = plants.find((p) => p.rule === 'activity_drop');
  const holiday = team.holidayWeek;
  const inHoliday = (t: number) => holiday !== null && t >= holiday.start.getTime() && t < holiday.end.getTime();

  // Weekly pace: vacations (3.5% of veterans' weeks) cut activity and route leads elsewhere;
  // none in the weeks a planted drop is measured against, so its mean stays the rep's usual one.
  const dropFrom = drop ? drop.week.start.getTime() - 29 * 86_400_000 : Infinity; // 4 weeks back, with room for a DST hour
  const factors = weeks.map(
    (w) => rampFactor(rep, activeFrom, w) * (!rep.ramping && w.start.getTime() < dropFrom && rng.chance(0.035) ? 0.15 : 1) * (inHoliday(w.start.getTime()) ? HOLIDAY_FACTOR : 1),
  );
  [...warmup, ...weeks].forEach((w, i) => {
    const from = Math.max(w.start.getTime(), i < warmup.length ? startedAt : activeFrom);
    const to = Math.min(w.end.getTime(), end);
    const f = i < warmup.length ? 1 : factors[i - warmup.length]!;
    for (let n = rng.poisson(rep.profile.leadsPerWeek * f); n > 0; n -= 1) {
      const at = randomWorkingInstant(cal, rng, from, to);
      if (at !== null) lead(s, at, rng.chance(team.inboundShare) ? 'inbound' : 'outbound');
    }
    for (let n = rng.poisson(STANDALONE_OPPORTUNITIES_PER_WEEK * f); n > 0; n -= 1) {
      const at = randomWorkingInstant(cal, rng, from, to);
      if (at !== null) deal(s, at, null);
    }
  });

  // Of the warm-up, only the deals still moving once the history starts are kept, with their
  // past (opened, staged, touched): a CRM export holds the open pipeline's history too.
  // So do the leads still being worked, and those these deals came from: every lead keeps its
  // assignment (which names it).
  const live = new Set<string>();
  const liveLeads = new Set<string>();
  for (const d of s.drafts) {
    if (d.at < activeFrom || d.at >= end) continue;
    if (d.dealId !== undefined) live.add(d.dealId);
    else if (d.leadId !== undefined) liveLeads.add(d.leadId);
  }
  for (const d of s.drafts) if (d.type === 'opportunity_created' && d.dealId !== undefined && live.has(d.dealId) && d.leadId !== undefined) liveLeads.add(d.leadId);
  const kept = (d: DraftEvent) => d.at >= activeFrom || (d.dealId !== undefined && live.has(d.dealId)) || (d.dealId === undefined && d.leadId !== undefined && liveLeads.has(d.leadId));
  // The holiday week keeps a fifth of the touches the leads and deals would have had (its own
  // stream, so other teams' data does not change); planted events stay whole.
  const thin = createRng(org.options.seed, 6, rep.index);
  const drafts = s.drafts.filter((d) => d.at < end && kept(d) && (d.planted || !TOUCH_TYPES.has(d.type) || !inHoliday(d.at) || thin.chance(HOLIDAY_FACTOR)));
  // The dropped week's lead and deal touches of the dropped type switch to the other channel,
  // so the week's count is the quota's quarter whatever the deals needed.
  if (drop) {
    const other = drop.type === 'call' ? 'email' : 'call';
    const [a, b] = [drop.week.start.getTime(), drop.week.end.getTime()];
    for (const d of drafts) if (d.type === drop.type && d.at >= a && d.at < b) d.type = other;
  }
  topUpTouches(s, drafts, weeks, factors, activeFrom, drop, end);
  const leadKept = (l: { leadId: string; assignedAt: number }) => l.assignedAt >= activeFrom || liveLeads.has(l.leadId);
  return {
    // Stable sort: events at the same instant keep the order they were made in (open before touch).
    drafts: drafts.sort((x, y) => x.at - y.at),
    leads: s.leads,
    deals: s.deals,
    activeFrom,
    open: { deals: open.deals.filter((d) => live.has(d.dealId)), leads: open.leads.filter(leadKept), toOpen: open.toOpen.filter(leadKept) },
  };
}

/**
 * The most the leading forecast (docs/metrics.md "Pace to target") can make of a rep's quarter, from
 * their generated events: booked so far in the quarter, plus the pipeline they created per week
 * over the cadence window for every week a quarter has, as if every deal were won.
 */
export function leadingForecastBound(org: SeedOrg, team: SeedTeam, rep: SeedRep): number {
  const end = org.options.end;
  const quarter = targetPeriod({ kind: 'quarter' }, end, team.timezone);
  const cadence = completeWeeks(end, 4, { timezone: team.timezone, weekStartsOn: 1 });
  let booked = 0;
  let pipeline = 0;
  for (const d of repDrafts(org, team, rep)) {
    if (d.type === 'deal_won' && d.at >= quarter.start.getTime()) booked += d.amount ?? 0;
    if (d.type === 'opportunity_created' && d.at >= cadence.start.getTime() && d.at < cadence.end.getTime()) pipeline += d.amount ?? 0;
  }
  return booked + (pipeline / 4) * 14;
}

/**
 * One rep's events as the ingestion API takes them, with their ids. A lead's assignment names it
 * (person, account, link to its page); a deal's opening names the deal (its lead's account, or
 * one of its own) and its lead.
 */
export function repEvents(org: SeedOrg, team: SeedTeam, rep: SeedRep): SeedEvent[] {
  return seedEvents(org, rep, repDrafts(org, team, rep), 1);
}

/** Draft events as the ingestion API takes them, numbered from `first` in the rep's id series. */
export function seedEvents(org: SeedOrg, rep: SeedRep, drafts: readonly DraftEvent[], first: number): SeedEvent[] {
  const seed = org.options.seed;
  const base = org.options.crmBaseUrl ?? DEFAULT_CRM_BASE_URL;
  return drafts.map((d, i) => {
    const e: SeedEvent = { id: eventId(seed, rep.code, first + i), type: d.type, occurredAt: new Date(d.at).toISOString() };
    if (CRM_TYPES.has(d.type)) e.crmOwnerId = rep.crmOwnerId;
    else e.repEmail = rep.email;
    if (d.leadId !== undefined) e.leadId = d.leadId;
    if (d.dealId !== undefined) e.dealId = d.dealId;
    if (d.amount !== undefined) e.amount = d.amount;
    if (d.stage !== undefined) e.stage = d.stage;
    if (d.leadSource !== undefined) e.leadSource = d.leadSource;
    if (d.type === 'lead_assigned' && d.leadId !== undefined) {
      Object.assign(e, { leadName: leadNameOf(seed, d.leadId), accountName: accountNameOf(seed, d.leadId), url: recordUrl(base, 'lead', d.leadId) });
    }
    if (d.type === 'opportunity_created' && d.dealId !== undefined) {
      const accountName = accountNameOf(seed, d.leadId ?? d.dealId);
      Object.assign(e, { dealName: dealNameOf(seed, d.dealId, accountName, d.amount ?? 0), accountName, url: recordUrl(base, 'deal', d.dealId) });
      if (d.leadId !== undefined) e.leadName = leadNameOf(seed, d.leadId);
    }
    return e;
  });
}

/** The whole org's events, one rep at a time (team by team), each rep's in time order. */
export function* orgEvents(org: SeedOrg): Generator<{ team: SeedTeam; rep: SeedRep; events: SeedEvent[] }> {
  for (const team of org.teams) for (const rep of team.reps) yield { team, rep, events: repEvents(org, team, rep) };
}
