/**
 * Planted negative behaviours (docs/metrics.md "Negative behaviours"): per team one untouched lead,
 * one stalled deal, one missed follow-up and one activity drop, each timed so that the rule
 * finds it as of the seed's end instant — its trigger moment lies inside the alert lookback
 * (7 days) before the end — whatever else the random data holds.
 */
import { THRESHOLD_DEFAULTS, DEFAULT_ALERT_LOOKBACK_DAYS } from '../config/coaching-schema.js';
import { completeWeeks } from '../metrics/windows.js';
import { addWorkingHours, LAST_MEETING_MARGIN_MS, meetingSlot, randomWorkingInstant, workCalendar, type WorkCalendar } from './calendar.js';
import { dealId as dealIdOf, leadId as leadIdOf } from './ids.js';
import type { Rng } from './rng.js';
import type { DraftEvent, Plant, SeedOptions, SeedRep, SeedTeam, ShapeDeal } from './types.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Kept clear of the lookback's edges, so an instant on a boundary never decides a plant. */
const MARGIN = HOUR;
const { slaHours, stalledDays, followUpHours } = THRESHOLD_DEFAULTS;
const LOOKBACK = DEFAULT_ALERT_LOOKBACK_DAYS * DAY;

/** The focus cadence an activity drop is planted on: calls or emails, which every team focuses on. */
export function dropType(focus: readonly string[]): string {
  const key = focus.find((f) => f === 'cadence.call' || f === 'cadence.email');
  if (!key) throw new Error(`focus ${focus.join(', ')} has neither cadence.call nor cadence.email`);
  return key.slice('cadence.'.length);
}

function pickIn(cal: WorkCalendar, rng: Rng, from: number, to: number, what: string, dayEndMargin = 0): number {
  const t = randomWorkingInstant(cal, rng, from, to, dayEndMargin);
  if (t === null) throw new Error(`no working time between ${new Date(from).toISOString()} and ${new Date(to).toISOString()} for ${what}`);
  return t;
}

/**
 * Chooses who gets each behaviour (veterans only: their history covers the weeks the rules
 * compare) and when. With `end` the end instant:
 * - untouched lead: assigned in (end − 8 d, end − 24 h], so its SLA deadline passes in the lookback;
 * - stalled deal: last touch in (end − 21 d, end − 14 d], so it has been 14 days idle within it;
 * - missed follow-up: a demo in (end − 9 d, end − 48 h], so its follow-up window closes within it;
 * - activity drop: the rep's calls or emails (a focus cadence) cut to a quarter in the last complete
 *   week, on a rep who is neither a top performer nor a closer (buildOrg gives them a results gap).
 */
export function planBehaviours(team: SeedTeam, options: SeedOptions, rng: Rng): Plant[] {
  const end = options.end.getTime();
  const cal = workCalendar(team.timezone, team.start, end);
  const veterans = rng.shuffle(team.reps.filter((r) => !r.ramping));
  if (veterans.length === 0) throw new Error(`team ${team.name} has no veteran rep to plant behaviours on`);
  const rep = (k: number) => veterans[k % veterans.length]!;

  const assignedAt = pickIn(cal, rng, end - LOOKBACK - slaHours * HOUR + MARGIN, end - slaHours * HOUR - MARGIN, 'the untouched lead');
  const lastActivityAt = pickIn(cal, rng, end - LOOKBACK - stalledDays * DAY + MARGIN, end - stalledDays * DAY - MARGIN, 'the stalled deal');
  const stalledCreatedAt = pickIn(cal, rng, lastActivityAt - 16 * DAY, lastActivityAt - 10 * DAY, 'the stalled deal');
  const meetingAt = pickIn(cal, rng, end - LOOKBACK - followUpHours * HOUR + MARGIN, end - followUpHours * HOUR - MARGIN, 'the missed follow-up', LAST_MEETING_MARGIN_MS);
  const meetingCreatedAt = pickIn(cal, rng, meetingAt - 10 * DAY, meetingAt - 5 * DAY, 'the missed follow-up');
  const week = completeWeeks(options.end, 1, { timezone: team.timezone, weekStartsOn: 1 }).weeks[0]!;
  const dropRep = veterans.find((r) => r.profile.archetype !== 'top' && r.profile.archetype !== 'closer');
  if (!dropRep) throw new Error(`team ${team.name} has no veteran other than top performers and closers to plant an activity drop on`);

  const seed = options.seed;
  return [
    { rule: 'untouched_lead', rep: rep(0).email, leadId: leadIdOf(seed, rep(0).code, 'p1'), assignedAt },
    { rule: 'stalled_deal', rep: rep(1).email, dealId: dealIdOf(seed, rep(1).code, 'p2'), createdAt: stalledCreatedAt, lastActivityAt },
    { rule: 'missed_follow_up', rep: rep(2).email, dealId: dealIdOf(seed, rep(2).code, 'p3'), createdAt: meetingCreatedAt, meetingAt },
    { rule: 'activity_drop', rep: dropRep.email, type: dropType(team.focus), week },
  ];
}

/** The subject a plant's alert names (AlertCandidate.subject), for checking it was found. */
export function plantSubject(plant: Plant): string {
  switch (plant.rule) {
    case 'untouched_lead':
      return plant.leadId;
    case 'stalled_deal':
      return plant.dealId;
    case 'missed_follow_up':
      return `deal:${plant.dealId}`;
    case 'activity_drop':
      return plant.type;
  }
}

/**
 * The deals that give every team the org's shape, whatever the random data holds:
 * - per pipeline stage, a deal opened 15–25 days before the end that now sits in that stage
 *   (entered at least 4 days before the end), touched in the last 4 days so it is not stalled;
 * - per closer, three deals won inside the baseline window (its 13 weeks before the end's week)
 *   worth 1.1 × their quarterly target together, so they are over target on results alone.
 */
export function planShapeDeals(team: SeedTeam, options: SeedOptions, rng: Rng, dealIdFor: (rep: SeedRep, n: string) => string): ShapeDeal[] {
  const end = options.end.getTime();
  const cal = workCalendar(team.timezone, team.start, end);
  const veterans = team.reps.filter((r) => !r.ramping);
  const young = team.pipelineStages.map((_, k): ShapeDeal => {
    const rep = veterans[k % veterans.length]!;
    return {
      kind: 'young',
      rep: rep.email,
      dealId: dealIdFor(rep, `y${k + 1}`),
      createdAt: pickIn(cal, rng, end - 25 * DAY, end - 15 * DAY, 'a young deal'),
      stageIndex: k,
      touchAt: pickIn(cal, rng, end - 4 * DAY, end - MARGIN, 'a young deal'),
    };
  });
  const ws = { timezone: team.timezone, weekStartsOn: 1 as const };
  const baseline = completeWeeks(options.end, 13, ws);
  // Won from the second week of the baseline window on (and inside the generated history).
  const wonFrom = Math.max(baseline.weeks[1]!.start.getTime(), team.start + 3 * 7 * DAY);
  const wonTo = baseline.end.getTime() - DAY;
  const won = team.reps
    .filter((r) => r.profile.archetype === 'closer')
    .flatMap((rep) =>
      [1, 2, 3].map((n): ShapeDeal => {
        const wonAt = pickIn(cal, rng, wonFrom, wonTo, "a closer's won deal");
        return {
          kind: 'won',
          rep: rep.email,
          dealId: dealIdFor(rep, `w${n}`),
          createdAt: pickIn(cal, rng, wonAt - 30 * DAY, wonAt - 15 * DAY, "a closer's won deal"),
          wonAt,
          amount: Math.ceil((1.1 * (rep.target ?? 0)) / 3 / 100) * 100,
        };
      }),
    );
  return [...young, ...won];
}

/** The events of a shape deal, all marked planted. */
export function shapeDealEvents(deal: ShapeDeal, ctx: PlantContext): DraftEvent[] {
  const { cal, rng } = ctx;
  const planted = true as const;
  if (deal.kind === 'young') {
    const { dealId, createdAt: c } = deal;
    const events: DraftEvent[] = [{ at: c, type: 'opportunity_created', dealId, amount: ctx.amount(), planted }];
    // Each stage entered a working day or two after the last, the last one at least 4 days before the end.
    for (let k = 1; k <= deal.stageIndex; k += 1) events.push({ at: addWorkingHours(cal, c, k * rng.between(9, 18)), type: 'stage_changed', dealId, stage: ctx.pipeline[k]!, planted });
    events.push({ at: deal.touchAt, type: 'email', dealId, planted });
    return events;
  }
  const { dealId, createdAt: c, wonAt } = deal;
  // Two working days per stage: the last one entered well before the win, 15 or more days after opening.
  return [
    { at: c, type: 'opportunity_created', dealId, amount: deal.amount, planted },
    ...ctx.pipeline.slice(1).map((stage, k): DraftEvent => ({ at: addWorkingHours(cal, c, 18 * (k + 1)), type: 'stage_changed', dealId, stage, planted })),
    { at: wonAt, type: 'deal_won', dealId, amount: deal.amount, planted },
  ];
}

export interface PlantContext {
  cal: WorkCalendar;
  rng: Rng;
  pipeline: readonly string[];
  /** A deal amount for this rep. */
  amount(): number;
}

/**
 * The events of a planted lead or deal. An activity drop has no events of its own: the rep's
 * weekly quota makes it (events.ts).
 */
export function plantedEvents(plant: Plant, ctx: PlantContext): DraftEvent[] {
  const { cal, rng } = ctx;
  const wh = (t: number, min: number, max: number) => addWorkingHours(cal, t, rng.between(min, max));
  switch (plant.rule) {
    case 'untouched_lead': {
      // Assigned, then nobody ever touches it.
      return [{ at: plant.assignedAt, type: 'lead_assigned', leadId: plant.leadId, leadSource: rng.chance(0.6) ? 'inbound' : 'outbound' }];
    }
    case 'stalled_deal': {
      // A healthy start (opened, emailed, demoed and followed up), then a last call and silence.
      const { dealId, createdAt: c } = plant;
      const stage = wh(c, 9, 18);
      const demo = meetingSlot(cal, wh(stage, 4, 12));
      return [
        { at: c, type: 'opportunity_created', dealId, amount: ctx.amount() },
        { at: wh(c, 0.5, 3), type: 'email', dealId },
        { at: stage, type: 'stage_changed', dealId, stage: ctx.pipeline[1]! },
        { at: demo, type: 'demo', dealId },
        { at: wh(demo, 0.25, 1.5), type: 'email', dealId },
        { at: plant.lastActivityAt, type: 'call', dealId },
      ];
    }
    case 'missed_follow_up': {
      // Opened and moved to demo; the demo is followed up only days later (or not before the end).
      const { dealId, createdAt: c } = plant;
      return [
        { at: c, type: 'opportunity_created', dealId, amount: ctx.amount() },
        { at: wh(c, 0.5, 3), type: 'email', dealId },
        { at: wh(c, 4, 9), type: 'stage_changed', dealId, stage: ctx.pipeline[1]! },
        { at: plant.meetingAt, type: 'demo', dealId },
        { at: addWorkingHours(cal, plant.meetingAt + (followUpHours + 4) * HOUR, rng.between(0, 10)), type: 'email', dealId },
      ];
    }
    case 'activity_drop':
      return [];
  }
}
