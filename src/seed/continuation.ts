/**
 * The weeks after the seed's end, as the generator makes them: what the sandbox's "advance the
 * clock" ingests. Each rep carries on from where their history stopped — deals in a stage move
 * on or are lost, leads being worked are decided, qualified leads open their opportunities — and
 * every 7 days from the end brings new leads and deals and the week's quota of touches, as the
 * history's weeks did (no planted behaviours, vacations as usual, new hires still ramping).
 *
 * A rep's continuation has its own random stream, drawn week after week, so the events before
 * any instant are the same however far the generation goes; they are numbered on from the
 * history's ids in time order, so generating up to a later instant only adds events, and
 * ingesting the same span twice stores nothing twice (same ids, same content).
 */
import { completeWeeks, type Interval } from '../metrics/windows.js';
import { addWorkingHours, randomWorkingInstant, workCalendar, workingMs, type WorkCalendar } from './calendar.js';
import { STANDALONE_OPPORTUNITIES_PER_WEEK } from './flow.js';
import { deal, decideLead, later, lead, rampFactor, repHistory, runStages, seedEvents, topUpTouches, WARMUP_WEEKS, type RepState } from './events.js';
import { createRng } from './rng.js';
import type { SeedEvent, SeedOrg, SeedRep, SeedTeam } from './types.js';

const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;
/** How far past the end the generator goes: nothing happens after (the sandbox's clock may still move on). */
export const CONTINUATION_WEEKS = 156;
/** The random stream of a rep's continuation (the history's streams are 0–6). */
const STREAM = 7;

// A team's working calendar from its history's warm-up to the continuation's horizon, built once.
const calendars = new WeakMap<SeedTeam, WorkCalendar>();
function calendarOf(org: SeedOrg, team: SeedTeam): WorkCalendar {
  let cal = calendars.get(team);
  if (!cal) {
    const { end, weeks } = org.options;
    const from = completeWeeks(end, weeks + WARMUP_WEEKS, { timezone: team.timezone, weekStartsOn: 1 }).start.getTime();
    cal = workCalendar(team.timezone, from, end.getTime() + CONTINUATION_WEEKS * WEEK);
    calendars.set(team, cal);
  }
  return cal;
}

/** The 7-day spans after the end: the first starts at the end instant. */
const spanAfterEnd = (end: number, n: number): Interval => ({ start: new Date(end + n * WEEK), end: new Date(end + (n + 1) * WEEK) });

/**
 * One rep's events in [from, until) after the end (both clipped to the continuation), with ids
 * that go on from the history's.
 */
export function repEventsAfterEnd(org: SeedOrg, team: SeedTeam, rep: SeedRep, from: Date, until: Date): SeedEvent[] {
  const end = org.options.end.getTime();
  const stop = Math.min(until.getTime(), end + CONTINUATION_WEEKS * WEEK);
  if (stop <= Math.max(end, from.getTime())) return [];
  const history = repHistory(org, team, rep);
  const cal = calendarOf(org, team);
  const s: RepState = { org, team, rep, cal, rng: createRng(org.options.seed, STREAM, rep.index), drafts: [], leads: history.leads, deals: history.deals };
  const { rng } = s;

  // What was moving at the end goes on, in the order the history noted it.
  for (const d of history.open.deals) {
    // The stage's remaining working days: its length drawn again from when it began, ending after the end.
    const days = rng.between(4, 14) * team.cycleFactor;
    const stageEnd = Math.max(addWorkingHours(cal, d.since, days * 9), addWorkingHours(cal, end, rng.between(1, 9)));
    for (let n = rng.poisson(1 + (workingMs(cal, end, stageEnd) / (9 * HOUR)) * 0.45); n > 0; n -= 1) {
      const at = randomWorkingInstant(cal, rng, end, stageEnd);
      if (at !== null) s.drafts.push({ at, type: rng.pick(['call', 'email', 'email']), dealId: d.dealId });
    }
    if (d.next === 'lost') s.drafts.push({ at: stageEnd, type: 'deal_lost', dealId: d.dealId });
    else runStages(s, d.dealId, d.amount, d.stage + 1, stageEnd);
  }
  for (const l of history.open.leads) {
    let t = end;
    if (!l.touched) {
      t = addWorkingHours(cal, end, rng.between(0.05, 8));
      s.drafts.push({ at: t, type: l.source === 'inbound' ? rng.pick(['email', 'call']) : rng.pick(['call', 'call', 'email']), leadId: l.leadId });
    }
    for (let n = rng.int(0, 2); n > 0; n -= 1) {
      t = later(s, t, 2, 20);
      s.drafts.push({ at: t, type: rng.pick(['call', 'email', 'email', 'social_touch']), leadId: l.leadId });
    }
    decideLead(s, l, t);
  }
  for (const l of history.open.toOpen) deal(s, later(s, end, 0.5, 24), l.leadId);

  // Then week after week, as the history's weeks went.
  for (let n = 0; spanAfterEnd(end, n).start.getTime() < stop; n += 1) {
    const week = spanAfterEnd(end, n);
    const [a, b] = [week.start.getTime(), week.end.getTime()];
    const f = rampFactor(rep, history.activeFrom, week) * (!rep.ramping && rng.chance(0.035) ? 0.15 : 1);
    for (let k = rng.poisson(rep.profile.leadsPerWeek * f); k > 0; k -= 1) {
      const at = randomWorkingInstant(cal, rng, a, b);
      if (at !== null) lead(s, at, rng.chance(team.inboundShare) ? 'inbound' : 'outbound');
    }
    for (let k = rng.poisson(STANDALONE_OPPORTUNITIES_PER_WEEK * f); k > 0; k -= 1) {
      const at = randomWorkingInstant(cal, rng, a, b);
      if (at !== null) deal(s, at, null);
    }
    topUpTouches(s, s.drafts, [week], [f], history.activeFrom, undefined, b);
  }

  // Stable sort: the order events were made in breaks ties, the same whatever `until` is.
  const drafts = s.drafts.filter((d) => d.at >= end && d.at < stop).sort((x, y) => x.at - y.at);
  const numbered = seedEvents(org, rep, drafts, history.drafts.length + 1);
  const start = from.getTime();
  return numbered.filter((_, i) => drafts[i]!.at >= start);
}

/** The org's events in [from, until) after the end, one rep at a time (team by team). */
export function* orgEventsAfterEnd(org: SeedOrg, from: Date, until: Date): Generator<{ team: SeedTeam; rep: SeedRep; events: SeedEvent[] }> {
  for (const team of org.teams) for (const rep of team.reps) yield { team, rep, events: repEventsAfterEnd(org, team, rep, from, until) };
}
