import { TZDate } from '@date-fns/tz';
import { formatISO } from 'date-fns';
import type { TeamSettings } from '../config/apply.js';
import { cohort as cohortOf, medianOf, topPerformers, type PerformanceMetric } from '../metrics/baselines.js';
import { indicatorLink, type CohortPairs, type IndicatorLink } from '../metrics/correlation.js';
import { buildDeals, dealAsOf, tallyStage, type DealHistory } from '../metrics/deals.js';
import { diagnose, type FocusPace, type StageComparison } from '../metrics/diagnosis.js';
import { attainment, forecast, prorate, type Forecast } from '../metrics/forecast.js';
import { weekGoal, type WeekGoal } from '../metrics/goal.js';
import { activityIndicators, indexRep, isActivityIndicator, isLowerBetter, leadingIndicators, rateIndicators, type IndicatorValue, type RepWindow } from '../metrics/indicators.js';
import { lagging, type Lagging } from '../metrics/lagging.js';
import { buildLeads, type LeadRecord } from '../metrics/leads.js';
import { pace, paceStatus } from '../metrics/pace.js';
import { meanPeriodShare, meanWeeklyShare, rampAt, type RampSettings } from '../metrics/ramp.js';
import { unnamedRecord } from './records.js';
import { activityDrops, missedFollowUps, stalledDeals, teamActivityFalls, untouchedLeads, type AlertCandidate } from '../metrics/rules.js';
import { ratio } from '../metrics/stats.js';
import type { MetricEvent, MetricSettings } from '../metrics/types.js';
import { activeWeeks, completeWeeks, startOfDateIn, targetPeriod, weekToDate, workingWeekElapsed, type Interval, type TargetPeriod, type WeekSettings, type WeekWindow } from '../metrics/windows.js';
import { indicatorLabel } from './labels.js';
import { promptFigures } from './text.js';
import type { DataHealthJson, ForecastJson, LeadingJson, RepReport, TeamReport, UsualPaceJson, WeekToDateJson, WindowJson } from './types.js';

export const TREND_WEEKS = 8;

export interface TeamInput {
  name: string;
  timezone: string;
  weekStartsOn: WeekSettings['weekStartsOn'];
  pipelineStages: string[];
  focus: string[];
  touchTypes: ReadonlySet<string>;
  performanceMetric: PerformanceMetric;
  settings: TeamSettings;
  currency: string;
  /** The team's active reps. */
  reps: { id: number; email: string; name: string; startDate: string | null }[];
  /** `ramped`: a ramping rep's own target already allows for the ramp (it is not prorated). */
  targets: { memberId: number | null; metric: string; period: TargetPeriod; value: number; ramped: boolean }[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Cadence is reported for the touch types and these pipeline events. */
const COUNTED_TYPES = ['lead_assigned', 'lead_qualified', 'opportunity_created', 'deal_won'];

/** The earliest instant the team's report reads events from (own events; deal histories go further back). */
export function eventsFrom(team: TeamInput, asOf: Date): Date {
  const s = { timezone: team.timezone, weekStartsOn: team.weekStartsOn };
  const t = team.settings.thresholds;
  const starts = [
    completeWeeks(asOf, t.baselineWeeks, s).start,
    completeWeeks(asOf, t.rateWeeks, s).start,
    completeWeeks(asOf, Math.max(TREND_WEEKS, t.cadenceWeeks + 1), s).start,
    // The oldest trend week's rate reads the rate window ending there.
    completeWeeks(asOf, TREND_WEEKS + t.rateWeeks - 1, s).start,
    ...team.targets.map((target) => targetPeriod(target.period, asOf, team.timezone).start),
    // A forecast without a target of its own (forecastFor) is over the current quarter.
    targetPeriod({ kind: 'quarter' }, asOf, team.timezone).start,
    // Alerts look at triggers within the lookback: a lead assigned slaHours, a meeting
    // followUpHours, a deal's last activity stalledDays before their trigger.
    new Date(asOf.getTime() - team.settings.alertLookbackDays * DAY - Math.max(t.slaHours * HOUR, t.followUpHours * HOUR, t.stalledDays * DAY)),
  ];
  return new Date(Math.min(...starts.map((d) => d.getTime())));
}

/**
 * The start of the oldest complete week whose counts the report can read: every week a window
 * can cover — cadence, rate, baseline, trend, activity drop (src/reports/team-facts.ts reads week
 * rollups from here).
 */
export function firstCountedWeek(team: TeamInput, asOf: Date): Date {
  const s = { timezone: team.timezone, weekStartsOn: team.weekStartsOn };
  const t = team.settings.thresholds;
  return completeWeeks(asOf, Math.max(t.baselineWeeks, t.rateWeeks, TREND_WEEKS, t.cadenceWeeks + 1), s).start;
}

/** An instant as ISO 8601 with the team's offset and no milliseconds. */
export function instantIn(timezone: string, at: Date | number): string {
  return formatISO(new TZDate(typeof at === 'number' ? at : at.getTime(), timezone));
}

interface RepState {
  rep: TeamInput['reps'][number];
  cadenceWeeks: Interval[];
  rateWeeks: Interval[];
  baselineWeeks: Interval[];
  /** The counts (cadences, pipeline created) over the cadence window. */
  cadence: Map<string, IndicatorValue>;
  /** Each indicator over its own window (docs/metrics.md, rev 2): counts over the cadence window, the rest over the rate window. */
  current: Map<string, IndicatorValue>;
  laggingBaseline: Lagging;
  performance: number | null;
  events: MetricEvent[];
  leads: LeadRecord[];
}

const spanOf = (weeks: readonly Interval[], asOf: number) => (weeks.length === 0 ? null : { from: weeks[0]!.start.getTime(), to: Math.min(weeks[weeks.length - 1]!.end.getTime(), asOf) });

/**
 * What a team report is computed from, each list as the metrics engine reads it. From raw events
 * all four are the same list (factsFromEvents); src/reports/team-facts.ts reads them from the
 * rollups, each only as far as its use needs. Events at or after the as-of instant are ignored.
 */
export interface TeamFacts {
  /** Counted per rep: cadences, pipeline created, activity drops (summed events allowed, MetricEvent.count). */
  counted: readonly MetricEvent[];
  /** Every event of every deal the report may need (a deal's touches may be summed). */
  dealEvents: readonly MetricEvent[];
  /** Every event of every lead the report may need. */
  leadEvents: readonly MetricEvent[];
  /** Meetings and demos that may be due a follow-up, and the touches on their leads and deals. */
  followUpEvents: readonly MetricEvent[];
  /**
   * Leads and deals built as of an earlier instant (a team snapshot, src/reports/snapshot.ts),
   * none of whose events lies between it and the as-of instant, and none named by dealEvents or
   * leadEvents: taken as they are (a deal's running stage timeout decided as of the report).
   */
  settled?: SettledFacts;
}

/** A deal built as of an earlier instant, with where the first of its facts falls (time, id): the order deals are read in. */
export interface SettledDeal {
  first: [number, string];
  deal: DealHistory;
}

export interface SettledFacts {
  leads: readonly LeadRecord[];
  deals: readonly SettledDeal[];
}

const byTimeThenId = (a: [number, string], b: [number, string]) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

/** Each deal's first event in a chronological list: the order buildDeals builds them in. */
function firstOfDeals(sorted: readonly MetricEvent[]): Map<string, [number, string]> {
  const first = new Map<string, [number, string]>();
  for (const e of sorted) if (e.dealId !== null && !first.has(e.dealId)) first.set(e.dealId, [e.at, e.id]);
  return first;
}

/** The deals built from events and the settled ones, as of `at`, in one map ordered as buildDeals orders them (by first event). */
function withSettledDeals(built: Map<string, DealHistory>, sorted: readonly MetricEvent[], settled: readonly SettledDeal[] | undefined, at: number): Map<string, DealHistory> {
  if (!settled || settled.length === 0) return built;
  const first = firstOfDeals(sorted);
  const all: SettledDeal[] = [...built.values()].map((deal) => ({ first: first.get(deal.dealId)!, deal }));
  for (const s of settled) all.push({ first: s.first, deal: dealAsOf(s.deal, at) });
  all.sort((a, b) => byTimeThenId(a.first, b.first));
  return new Map(all.map((s) => [s.deal.dealId, s.deal]));
}

/** The leads built from events and the settled ones, per rep, ordered as buildLeads orders them (by assignment). */
function withSettledLeads(built: Map<number, LeadRecord[]>, settled: readonly LeadRecord[] | undefined): Map<number, LeadRecord[]> {
  if (!settled || settled.length === 0) return built;
  for (const record of settled) {
    const list = built.get(record.repId);
    if (list) list.push(record);
    else built.set(record.repId, [record]);
  }
  for (const list of built.values()) list.sort((a, b) => byTimeThenId([a.assignedAt, a.eventIds[0]!], [b.assignedAt, b.eventIds[0]!]));
  return built;
}

/**
 * The team's leads and deals as of `asOf` built from its facts (a team snapshot keeps them for the
 * week starting at `asOf`): what computeTeam builds first, kept to be taken as settled.
 */
export function settleFacts(team: TeamInput, facts: TeamFacts, asOf: Date): SettledFacts {
  const at = asOf.getTime();
  const t = team.settings.thresholds;
  const dealSorted = chronological(facts.dealEvents, at);
  const first = firstOfDeals(dealSorted);
  const deals = [...buildDeals(dealSorted, at, team.pipelineStages, team.touchTypes, t.stageTimeoutDays).values()].map((deal) => ({ first: first.get(deal.dealId)!, deal }));
  const leads = [...buildLeads(chronological(facts.leadEvents, at), at, team.touchTypes).values()].flat();
  return { leads, deals };
}

/** The facts of a list of raw events: every use reads them all. */
export function factsFromEvents(events: readonly MetricEvent[]): TeamFacts {
  return { counted: events, dealEvents: events, leadEvents: events, followUpEvents: events };
}

/**
 * The team report as of `asOf` from the team's events (docs/metrics.md end to end): every rep's
 * leading and lagging indicators over the cadence and baseline windows, the cohort, top
 * performers, baselines and team medians, paces, forecasts, diagnoses, alerts, week to date and
 * trends. Pure: the same input gives the same report whatever the order of `events`.
 * `links` are the ones kept for the last complete week (src/reports/links.ts); without them the
 * report tests its own cohort, with no workspace-wide figure. `dataHealth` is judged by the
 * caller (src/reports/data-health.ts: it needs received times and Pacer's clock).
 */
export function computeTeamReport(team: TeamInput, events: readonly MetricEvent[], asOf: Date, links?: readonly IndicatorLink[], dataHealth: DataHealthJson = DATA_HEALTH_NOT_JUDGED): TeamReport {
  return computeTeam(team, factsFromEvents(events), asOf, links, dataHealth).report();
}

/** computeTeamReport from facts read apart (src/reports/team-facts.ts). */
export function computeTeamReportFromFacts(team: TeamInput, facts: TeamFacts, asOf: Date, links?: readonly IndicatorLink[], dataHealth: DataHealthJson = DATA_HEALTH_NOT_JUDGED): TeamReport {
  return computeTeam(team, facts, asOf, links, dataHealth).report();
}

/**
 * One rep's report, as the team report's member for them: every rep's windows are still computed
 * (baselines and medians come from the whole cohort), but the rep's detail alone (week to date,
 * trend, forecast, diagnosis, alerts), which is most of a team report's cost. Null when the rep
 * is not one of the team's.
 */
export function computeRepReportFromFacts(team: TeamInput, facts: TeamFacts, asOf: Date, repId: number, dataHealth: DataHealthJson = DATA_HEALTH_NOT_JUDGED): RepReport | null {
  return computeTeam(team, facts, asOf, [], dataHealth, repId).members[0] ?? null;
}

/** Data health nobody judged (a report computed without received times): stale null, as for a historical one. */
export const DATA_HEALTH_NOT_JUDGED: DataHealthJson = { lastReceivedAt: null, lastOccurredAt: null, stale: null, reason: null, sources: [] };

/**
 * Per indicator, the cohort's (value over the baseline window, performance) pairs as of `asOf`:
 * what the team's links and its share of the workspace-wide ones are computed from.
 */
export function teamCohortPairs(team: TeamInput, facts: TeamFacts, asOf: Date): CohortPairs[] {
  return computeTeam(team, facts, asOf, [], DATA_HEALTH_NOT_JUDGED).cohort();
}

/** Events before `at`, by time then id: the one order every list is read in. */
function chronological(events: readonly MetricEvent[], at: number): MetricEvent[] {
  return events.filter((e) => e.at < at).sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** `onlyRep`: the members' detail is computed for that rep alone (computeRepReportFromFacts). */
function computeTeam(
  team: TeamInput,
  facts: TeamFacts,
  asOf: Date,
  givenLinks: readonly IndicatorLink[] | undefined,
  dataHealth: DataHealthJson,
  onlyRep?: number,
): { report: () => TeamReport; members: RepReport[]; cohort: () => CohortPairs[] } {
  const t = team.settings.thresholds;
  const at = asOf.getTime();
  const ws: WeekSettings = { timezone: team.timezone, weekStartsOn: team.weekStartsOn };
  const ms: MetricSettings = { ...ws, pipelineStages: team.pipelineStages, touchTypes: team.touchTypes, slaHours: t.slaHours };
  const rampSettings: RampSettings = { rampWeeks: t.rampWeeks, rampCurve: t.rampCurve };
  const cadenceWindow = completeWeeks(asOf, t.cadenceWeeks, ws);
  const rateWindow = completeWeeks(asOf, t.rateWeeks, ws);
  const baselineWindow = completeWeeks(asOf, t.baselineWeeks, ws);
  const trendWindow = completeWeeks(asOf, TREND_WEEKS, ws);
  // The rate window ending at each trend week's end, sliced from one run of weeks (zone arithmetic is costly).
  const trendSpan = completeWeeks(asOf, TREND_WEEKS + t.rateWeeks - 1, ws).weeks;
  const trendRateWindows: WeekWindow[] = trendWindow.weeks.map((_, i) => {
    const weeks = trendSpan.slice(i, i + t.rateWeeks);
    return { start: weeks[0]!.start, end: weeks[weeks.length - 1]!.end, weeks };
  });
  // Every member shows the same windows and as-of instant: each instant is formatted once (zone arithmetic is costly).
  const formatted = new Map<number, string>();
  const fmt = (d: Date | number) => {
    const at = typeof d === 'number' ? d : d.getTime();
    let text = formatted.get(at);
    if (text === undefined) formatted.set(at, (text = instantIn(team.timezone, at)));
    return text;
  };
  const windowJson = (w: WeekWindow): WindowJson => ({ start: fmt(w.start), end: fmt(w.end), weeks: w.weeks.length });

  const sorted = chronological(facts.counted, at);
  const dealSorted = facts.dealEvents === facts.counted ? sorted : chronological(facts.dealEvents, at);
  const deals = withSettledDeals(buildDeals(dealSorted, at, team.pipelineStages, team.touchTypes, t.stageTimeoutDays), dealSorted, facts.settled?.deals, at);
  const leadsByRep = withSettledLeads(buildLeads(facts.leadEvents === facts.counted ? sorted : chronological(facts.leadEvents, at), at, team.touchTypes), facts.settled?.leads);
  const eventsByRep = new Map<number, MetricEvent[]>();
  for (const e of sorted) {
    const list = eventsByRep.get(e.repId);
    if (list) list.push(e);
    else eventsByRep.set(e.repId, [e]);
  }
  const cadenceTypes = [...new Set([...team.touchTypes, ...COUNTED_TYPES])];
  const indexes = new Map(team.reps.map((r) => [r.id, indexRep(r.id, eventsByRep.get(r.id) ?? [], deals)]));
  const repWindow = (repId: number, weeks: Interval[]): RepWindow => ({
    repId,
    weeks,
    asOf: at,
    events: eventsByRep.get(repId) ?? [],
    deals,
    leads: leadsByRep.get(repId) ?? [],
    settings: ms,
    index: indexes.get(repId) ?? { byType: new Map(), owned: [] },
    trace: false,
  });
  const bookedTarget = (memberId: number | null) => team.targets.find((x) => x.metric === 'booked_revenue' && x.memberId === memberId) ?? null;

  const states: RepState[] = team.reps.map((rep) => {
    const cw = activeWeeks(cadenceWindow, rep.startDate, team.timezone);
    const rw = activeWeeks(rateWindow, rep.startDate, team.timezone);
    const bw = activeWeeks(baselineWindow, rep.startDate, team.timezone);
    // Counts over the cadence window, rates and speed to lead over the rate window (docs/metrics.md, rev 2).
    const cadence = new Map(activityIndicators(repWindow(rep.id, cw), cadenceTypes).map((v) => [v.key, v]));
    const current = new Map([...cadence, ...rateIndicators(repWindow(rep.id, rw)).map((v): [string, IndicatorValue] => [v.key, v])]);
    const laggingBaseline = lagging(deals.values(), new Set([rep.id]), spanOf(bw, at));
    const target = bookedTarget(rep.id);
    const performance = performanceOf(team.performanceMetric, laggingBaseline, target, baselineWindow, team.timezone, asOf);
    return {
      rep,
      cadenceWeeks: cw,
      rateWeeks: rw,
      baselineWeeks: bw,
      cadence,
      current,
      laggingBaseline,
      performance,
      events: eventsByRep.get(rep.id) ?? [],
      leads: leadsByRep.get(rep.id) ?? [],
    };
  });

  // Cohort, ranking, top performers (docs/metrics.md "Top performers and baselines").
  const cohortStates = cohortOf(
    states.map((s) => ({ ...s, repId: s.rep.id, email: s.rep.email, startDate: s.rep.startDate })),
    baselineWindow.start,
    t.rampWeeks,
    (d) => startOfDateIn(d, team.timezone),
  );
  const ranking = topPerformers(
    cohortStates.map((s) => ({ ...s, winRate: s.laggingBaseline.winRate, dealsWon: s.laggingBaseline.dealsWon })),
    t.topFraction,
    t.minCohort,
  );
  const topIds = new Set(ranking.top.map((s) => s.rep.id));
  const keys = [...leadingIndicators(repWindow(-1, []), cadenceTypes).keys()];
  // Every indicator over the rep's baseline window: the top performers' long-run baselines, and for a
  // team report the cohort's pairs and usual pace. Computed when first asked (a rep report asks for
  // the top performers' alone).
  const baselineValues = new Map<number, Map<string, IndicatorValue>>();
  const baselineOf = (s: Pick<RepState, 'rep' | 'baselineWeeks'>) => {
    let values = baselineValues.get(s.rep.id);
    if (!values) baselineValues.set(s.rep.id, (values = leadingIndicators(repWindow(s.rep.id, s.baselineWeeks), cadenceTypes)));
    return values;
  };
  // A rate resting on fewer than minRateN leads or deals is too few to tell: left out of medians too.
  const usable = (v: IndicatorValue | undefined) => (v === undefined || (!isActivityIndicator(v.key) && v.n < t.minRateN) ? null : v.value);
  // Baselines and team medians over the same team-wide window as the rep's value (docs/metrics.md, rev 2).
  const baselines = new Map<string, number | null>();
  const baselinesLongRun = new Map<string, number | null>();
  const teamMedians = new Map<string, number | null>();
  for (const key of keys) {
    baselines.set(key, ranking.hasBaseline ? medianOf(ranking.top.map((s) => usable(s.current.get(key)))) : null);
    baselinesLongRun.set(key, ranking.hasBaseline ? medianOf(ranking.top.map((s) => usable(baselineOf(s).get(key)))) : null);
    teamMedians.set(key, medianOf(cohortStates.map((s) => usable(s.current.get(key)))));
  }
  const teamMedianPerformance = medianOf(cohortStates.map((s) => s.performance));
  const teamStageRates = pooledStageRates(deals, new Set(cohortStates.map((s) => s.rep.id)), team.pipelineStages, spanOf(rateWindow.weeks, at));

  const thresholds = { onPace: t.onPace, behind: t.behind };
  // Follow-ups by anyone on the team count, so missed follow-ups are found over all the events.
  const followUps = missedFollowUps(facts.followUpEvents === facts.counted ? sorted : chronological(facts.followUpEvents, at), at, team.touchTypes, {
    ...t,
    alertLookbackDays: team.settings.alertLookbackDays,
  });
  const share = workingWeekElapsed(asOf, ws);
  // Activity drops compare the last complete week with the cadenceWeeks before it; what the whole team dropped is nobody's drop.
  const dropWindow = completeWeeks(asOf, t.cadenceWeeks + 1, ws);
  const focusCounts = team.focus.filter((k) => k.startsWith('cadence.')).map((k) => k.slice('cadence.'.length));
  const teamFalls = teamActivityFalls(
    team.reps.flatMap((r) => eventsByRep.get(r.id) ?? []),
    focusCounts,
    dropWindow.weeks,
    t,
  );
  // What is left is a rep's own drop, told only to reps with a results gap: it asks for more activity (docs/metrics.md).
  const dropTypes = focusCounts.filter((type) => !teamFalls.has(type));
  const wtdInterval = weekToDate(asOf, ws);

  const detailed = onlyRep === undefined ? states : states.filter((s) => s.rep.id === onlyRep);
  const members: RepReport[] = detailed.map((s) => {
    const start = s.rep.startDate === null ? null : startOfDateIn(s.rep.startDate, team.timezone).getTime();
    const ramp = rampAt(at, start, team.timezone, rampSettings);
    // A ramping rep is expected at their mean ramp share of the baseline on counts; rates and hours are never ramped.
    const countShare = ramp && start !== null ? meanWeeklyShare(s.cadenceWeeks, start, team.timezone, rampSettings) : 1;
    const expectationOf = (key: string) => {
      const baseline = baselines.get(key) ?? null;
      return baseline === null ? null : isActivityIndicator(key) ? baseline * countShare : baseline;
    };
    const leading: LeadingJson[] = keys.map((key) => {
      const v = s.current.get(key)!;
      const expectation = expectationOf(key);
      const tooFew = !isActivityIndicator(key) && v.n < t.minRateN;
      const p = tooFew ? null : pace(v.value, expectation, v.higherIsBetter);
      return {
        key,
        label: indicatorLabel(key),
        value: v.value,
        baseline: baselines.get(key) ?? null,
        baselineLongRun: baselinesLongRun.get(key) ?? null,
        expectation,
        teamMedian: teamMedians.get(key) ?? null,
        pace: p,
        status: paceStatus(p, ranking.hasBaseline, thresholds, tooFew),
        higherIsBetter: v.higherIsBetter,
        n: v.n,
        ...(v.amount === undefined ? {} : { amount: v.amount, velocityDays: v.velocityDays ?? null }),
      };
    });
    const byKey = new Map(leading.map((l) => [l.key, l]));

    // Week to date: counts paced against the expectation × working-week share; rates shown without pace.
    const wtdWeeks = start !== null && start > at ? [] : [wtdInterval];
    const wtdValues = leadingIndicators(repWindow(s.rep.id, wtdWeeks), cadenceTypes);
    const weekToDateJson: Record<string, WeekToDateJson> = {};
    for (const key of keys) {
      const value = wtdValues.get(key)?.value ?? null;
      if (isActivityIndicator(key)) {
        const expected = expectationOf(key);
        const p = expected === null || share === 0 ? null : pace(value, expected * share, true);
        weekToDateJson[key] = { value, pace: p, status: share === 0 ? null : paceStatus(p, ranking.hasBaseline, thresholds) };
      } else {
        weekToDateJson[key] = { value, pace: null, status: null };
      }
    }

    // Trend (docs/metrics.md): counts in each week; rates over the rate window ending at each week's end.
    const weekly = trendWindow.weeks.map((w, i) => {
      const counts = activityIndicators(repWindow(s.rep.id, activeWeeks({ ...w, weeks: [w] }, s.rep.startDate, team.timezone)), cadenceTypes);
      const rates = rateIndicators(repWindow(s.rep.id, activeWeeks(trendRateWindows[i]!, s.rep.startDate, team.timezone)));
      return new Map([...counts, ...rates].map((v) => [v.key, v.value]));
    });
    const trend: Record<string, (number | null)[]> = {};
    for (const key of keys) trend[key] = weekly.map((m) => m.get(key) ?? null);

    const ownTarget = bookedTarget(s.rep.id);
    const repForecast = forecastFor(
      ownTarget && ramp && start !== null && !ownTarget.ramped
        ? { ...ownTarget, value: ownTarget.value * meanPeriodShare(targetPeriod(ownTarget.period, asOf, team.timezone), start, team.timezone, rampSettings) }
        : ownTarget,
      asOf,
      team.timezone,
      deals,
      new Set([s.rep.id]),
      s.cadence.get('pipeline_created')?.value ?? null,
      s.laggingBaseline.winRate,
    );
    const focusOf = (l: LeadingJson): FocusPace => ({ key: l.key, label: l.label, value: l.value, baseline: l.baseline, expectation: l.expectation, pace: l.pace, status: l.status, n: l.n });
    const focus: FocusPace[] = team.focus.flatMap((key) => {
      const l = byKey.get(key);
      return l ? [focusOf(l)] : [];
    });
    const stages: StageComparison[] = team.pipelineStages.map((stage) => {
      const v = s.current.get(`stage_conversion.${stage}`)!;
      return { stage, repRate: v.value, repDeals: v.n, teamRate: teamStageRates.get(stage) ?? null };
    });
    const diagnosis = diagnose({
      repName: s.rep.name,
      forecast: repForecast,
      ramp,
      metric: team.performanceMetric,
      performance: s.performance,
      teamMedianPerformance,
      focus,
      stages,
      // A weak stage is named with the team's rate as what the rep is compared with.
      stageFocus: (c) => ({ ...focusOf(byKey.get(`stage_conversion.${c.stage}`)!), expectation: c.teamRate, pace: c.teamRate ? (c.repRate ?? 0) / c.teamRate : null }),
      minRateN: t.minRateN,
      figures: promptFigures(team.currency, team.performanceMetric),
    });
    const goal = goalFor(diagnosis.focus, weekToDateJson, t.onPace, t.stepShare);

    return {
      asOf: fmt(asOf),
      rep: { email: s.rep.email, name: s.rep.name, team: team.name },
      windows: { cadence: windowJson(cadenceWindow), rate: windowJson(rateWindow), baseline: windowJson(baselineWindow) },
      activeWeeks: { cadence: s.cadenceWeeks.length, rate: s.rateWeeks.length, baseline: s.baselineWeeks.length },
      currency: team.currency,
      focus: team.focus,
      leading,
      lagging: { cadenceWindow: lagging(deals.values(), new Set([s.rep.id]), spanOf(s.cadenceWeeks, at)), baselineWindow: s.laggingBaseline },
      topPerformer: topIds.has(s.rep.id),
      hasBaseline: ranking.hasBaseline,
      ramp,
      forecast: forecastJson(repForecast, fmt),
      diagnosis,
      goal,
      focusSuggestion: focusSuggestion(diagnosis.focus, goal, weekToDateJson),
      alerts: repAlerts(s, indexes.get(s.rep.id)?.owned ?? [], followUps, team, asOf, dropWindow, diagnosis.results.gap ? dropTypes : []).map((a) => ({
        rule: a.rule,
        key: a.key,
        subject: a.subject,
        triggeredAt: fmt(a.triggeredAt),
        detail: withWeekGoal(a, goal),
        record: unnamedRecord(a),
      })),
      weekToDate: weekToDateJson,
      trend,
      dataHealth,
    };
  });

  // The cohort's pairs, for the team's links: asked for by team reports and the links alone.
  const cohort = (): CohortPairs[] =>
    keys.map((key) => ({
      key,
      higherIsBetter: !isLowerBetter(key),
      pairs: cohortStates.map((s) => ({ indicator: baselineOf(s).get(key)?.value ?? null, performance: s.performance })),
    }));
  // The team's totals and links, assembled only for a team report.
  const report = (): TeamReport => {
    // Team totals.
    const allIds = new Set(states.map((s) => s.rep.id));
    const repWeeks = (pick: (s: RepState) => Interval[]) => states.reduce((n, s) => n + pick(s).length, 0);
    const cadenceRepWeeks = repWeeks((s) => s.cadenceWeeks);
    const baselineRepWeeks = repWeeks((s) => s.baselineWeeks);
    // A rep's window value is a mean over their active weeks: × weeks gives back the window's sum.
    const sumCounts = (key: string, pick: (s: RepState) => Map<string, IndicatorValue>, weeks: (s: RepState) => Interval[]) =>
      states.reduce((n, s) => n + (pick(s).get(key)?.value ?? 0) * weeks(s).length, 0);
    const activitiesPerWeek: Record<string, number | null> = {};
    const paceAgainstTop: Record<string, number | null> = {};
    const usualPace: Record<string, UsualPaceJson> = {};
    for (const key of keys.filter(isActivityIndicator)) {
      const perRepWeek = ratio(
        sumCounts(
          key,
          (s) => s.cadence,
          (s) => s.cadenceWeeks,
        ),
        cadenceRepWeeks,
      );
      activitiesPerWeek[key] = perRepWeek === null ? null : perRepWeek * states.length;
      paceAgainstTop[key] = pace(perRepWeek, baselines.get(key) ?? null, true);
      if (team.focus.includes(key)) {
        const usual = ratio(
          sumCounts(
            key,
            (s) => baselineOf(s),
            (s) => s.baselineWeeks,
          ),
          baselineRepWeeks,
        );
        usualPace[key] = { cadence: perRepWeek, baseline: usual, ratio: perRepWeek === null || usual === null ? null : ratio(perRepWeek, usual) };
      }
    }
    const teamLaggingCadence = lagging(deals.values(), allIds, spanOf(cadenceWindow.weeks, at));
    const teamLaggingBaseline = lagging(deals.values(), allIds, spanOf(baselineWindow.weeks, at));
    const teamForecast = forecastFor(bookedTarget(null), asOf, team.timezone, deals, allIds, activitiesPerWeek.pipeline_created ?? null, teamLaggingBaseline.winRate);

    const links = givenLinks
      ? [...givenLinks]
      : cohort()
          .filter((c) => team.focus.includes(c.key))
          .map((c) => indicatorLink(c));

    const teamReport: TeamReport = {
      asOf: fmt(asOf),
      team: team.name,
      timezone: team.timezone,
      currency: team.currency,
      windows: { cadence: windowJson(cadenceWindow), rate: windowJson(rateWindow), baseline: windowJson(baselineWindow) },
      focus: team.focus,
      minRateN: t.minRateN,
      cohort: cohortStates.map((s) => s.rep.email),
      topPerformers: ranking.top.map((s) => s.rep.email),
      hasBaseline: ranking.hasBaseline,
      baselines: Object.fromEntries(baselines),
      teamMedians: Object.fromEntries(teamMedians),
      links,
      members,
      totals: {
        reps: states.length,
        cadenceWindow: { ...teamLaggingCadence, pipelineCreatedPerWeek: activitiesPerWeek.pipeline_created ?? null, activitiesPerWeek },
        baselineWindow: teamLaggingBaseline,
        forecast: forecastJson(teamForecast, fmt),
        paceAgainstTop,
        usualPace,
      },
      dataHealth,
    };
    return teamReport;
  };
  return { report, members, cohort };
}

function performanceOf(metric: PerformanceMetric, l: Lagging, target: TeamInput['targets'][number] | null, window: WeekWindow, timezone: string, asOf: Date): number | null {
  switch (metric) {
    case 'booked_revenue':
      return l.bookedRevenue;
    case 'win_rate':
      return l.winRate;
    case 'deals_won':
      return l.dealsWon;
    case 'attainment':
      return target ? attainment(l.bookedRevenue, prorate(target.value, targetPeriod(target.period, asOf, timezone), window)) : null;
  }
}

/** The team's conversion at each stage: the cohort's decided deals pooled over the rate window (docs/metrics.md, rev 2). */
function pooledStageRates(deals: ReadonlyMap<string, DealHistory>, owners: ReadonlySet<number>, stages: readonly string[], span: { from: number; to: number } | null): Map<string, number | null> {
  const cohortDeals = [...deals.values()].filter((d) => d.ownerId !== null && owners.has(d.ownerId));
  return new Map(
    stages.map((stage, k) => {
      if (!span) return [stage, null];
      const tally = tallyStage(cohortDeals, k, span);
      return [stage, ratio(tally.converted, tally.decided.length)];
    }),
  );
}

function forecastFor(
  target: TeamInput['targets'][number] | null,
  asOf: Date,
  timezone: string,
  deals: ReadonlyMap<string, DealHistory>,
  owners: ReadonlySet<number>,
  pipelinePerWeek: number | null,
  winRate: number | null,
): Forecast {
  const period = targetPeriod(target?.period ?? { kind: 'quarter' }, asOf, timezone);
  const booked = lagging(deals.values(), owners, { from: period.start.getTime(), to: Math.min(asOf.getTime(), period.end.getTime()) }).bookedRevenue ?? 0;
  return forecast({ asOf, period, target: target?.value ?? null, bookedSoFar: booked, pipelinePerWeek, winRate });
}

function forecastJson(f: Forecast, fmt: (d: Date) => string): ForecastJson {
  return {
    metric: 'booked_revenue',
    target: f.target,
    period: { start: fmt(f.period.start), end: fmt(f.period.end) },
    bookedSoFar: f.bookedSoFar,
    runRate: f.runRate,
    leading: f.leading,
    onTrack: f.onTrack,
    gap: f.gap,
    wholeWeeksLeft: f.wholeWeeksLeft,
  };
}

/**
 * This week's goal (docs/metrics.md, rev 2): only when the thing to focus on is a count whose pace is
 * below onPace; a stepping stone from the rep's weekly average toward the expectation.
 */
function goalFor(focus: FocusPace | null, wtd: Record<string, WeekToDateJson>, onPace: number, stepShare: number): WeekGoal | null {
  if (!focus || !isActivityIndicator(focus.key) || focus.pace === null || focus.pace >= onPace) return null;
  if (focus.value === null || focus.expectation === null) return null;
  return weekGoal({ key: focus.key, average: focus.value, expectation: focus.expectation, weekToDate: wtd[focus.key]?.value ?? 0, stepShare });
}

/** The one thing to focus on (the diagnosis names it, or nothing), with what is left of this week's goal. */
function focusSuggestion(focus: FocusPace | null, goal: WeekGoal | null, wtd: Record<string, WeekToDateJson>): RepReport['focusSuggestion'] {
  if (!focus) return null;
  return {
    key: focus.key,
    label: focus.label,
    value: focus.value,
    baseline: focus.baseline,
    expectation: focus.expectation,
    pace: focus.pace,
    moreThisWeek: goal?.toGo ?? null,
    weekToDate: wtd[focus.key]?.value ?? null,
  };
}

/**
 * A drop of the activity this week's goal is about carries the goal (`weekGoal`), so that the
 * alert asks for the number the nudge and /mykpis ask for, not a second one for the same week.
 */
function withWeekGoal(a: AlertCandidate, goal: WeekGoal | null): AlertCandidate['detail'] {
  return a.rule === 'activity_drop' && goal !== null && goal.key === `cadence.${a.subject}` ? { ...a.detail, weekGoal: goal.goal } : a.detail;
}

/** A rep's alerts; `dropTypes`: the activities whose drop is the rep's to hear of (none without a results gap). */
function repAlerts(
  s: RepState,
  owned: readonly DealHistory[],
  followUps: readonly AlertCandidate[],
  team: TeamInput,
  asOf: Date,
  dropWindow: WeekWindow,
  dropTypes: readonly string[],
): AlertCandidate[] {
  const at = asOf.getTime();
  const rules = { ...team.settings.thresholds, alertLookbackDays: team.settings.alertLookbackDays };
  const dropWeeks = activeWeeks(dropWindow, s.rep.startDate, team.timezone);
  return [
    ...untouchedLeads(s.leads, at, rules),
    ...stalledDeals(owned, at, rules),
    ...followUps.filter((a) => a.repId === s.rep.id),
    ...activityDrops(s.rep.id, s.events, dropTypes, dropWeeks, at, rules),
  ].sort((a, b) => a.triggeredAt - b.triggeredAt || a.key.localeCompare(b.key));
}
