import { tallyStage, type DealHistory } from './deals.js';
import type { LeadRecord } from './leads.js';
import { mean, median, ratio } from './stats.js';
import { countOf, type MetricEvent, type MetricSettings } from './types.js';
import type { Interval } from './windows.js';

const HOUR = 3_600_000;

/** One leading indicator of one rep over one window. */
export interface IndicatorValue {
  key: string;
  /** Null when it cannot be computed (no active week, no lead, no deal): shown as "—", never 0. */
  value: number | null;
  /** The sample behind the value: events, leads or deals counted. */
  n: number;
  higherIsBetter: boolean;
  /** Stage conversion: sum of opportunity amounts of the decided deals. */
  amount?: number;
  /** Stage conversion: median days in the stage, over converted deals that spent time in it. */
  velocityDays?: number | null;
  /** Ids of the events behind the figure (newest last), for "show the events behind this figure". */
  eventIds: string[];
}

/** Keys where a lower value is better (pace inverts them). */
export function isLowerBetter(key: string): boolean {
  return key === 'speed_to_lead_hours';
}

/** Whether a focus indicator is an activity (volume) rather than methodology (docs/metrics.md). */
export function isActivityIndicator(key: string): boolean {
  return key.startsWith('cadence.') || key === 'pipeline_created';
}

export interface RepWindow {
  repId: number;
  /** The rep's active weeks of the window (docs/metrics.md); empty when none. */
  weeks: Interval[];
  asOf: number;
  /** Events credited to the rep (activities). */
  events: readonly MetricEvent[];
  /** Deal histories of the team (deal-level figures go to each deal's owner). */
  deals: ReadonlyMap<string, DealHistory>;
  /** The rep's leads. */
  leads: readonly LeadRecord[];
  settings: MetricSettings;
  /** Optional index (indexRep): the rep's events by type sorted by time, and the deals the rep owns. */
  index?: RepIndex;
  /** Collect the ids of the events behind each figure; off for bulk reports, where it costs most of the time. */
  trace?: boolean;
}

export interface RepIndex {
  byType: ReadonlyMap<string, readonly MetricEvent[]>;
  owned: readonly DealHistory[];
}

/** Indexes a rep's events (sorted by time) and owned deals, so many windows can be read cheaply. */
export function indexRep(repId: number, sortedEvents: readonly MetricEvent[], deals: ReadonlyMap<string, DealHistory>): RepIndex {
  const byType = new Map<string, MetricEvent[]>();
  for (const e of sortedEvents) {
    const list = byType.get(e.type);
    if (list) list.push(e);
    else byType.set(e.type, [e]);
  }
  const owned: DealHistory[] = [];
  for (const d of deals.values()) if (d.ownerId === repId) owned.push(d);
  return { byType, owned };
}

/** First index in a time-sorted list whose event is at or after `at`. */
function lowerBound(list: readonly MetricEvent[], at: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.at < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The rep's events of one type inside the span. */
function eventsOfType(w: RepWindow, type: string, s: { from: number; to: number }): readonly MetricEvent[] {
  const list = w.index?.byType.get(type);
  if (!list) return w.index ? [] : w.events.filter((e) => e.type === type && inSpan(s, e.at));
  return list.slice(lowerBound(list, s.from), lowerBound(list, s.to));
}

const traced = <T>(w: RepWindow, make: () => T[]): T[] => (w.trace === false ? [] : make());

function span(w: RepWindow): { from: number; to: number } | null {
  const first = w.weeks[0];
  const last = w.weeks[w.weeks.length - 1];
  if (!first || !last) return null;
  return { from: first.start.getTime(), to: Math.min(last.end.getTime(), w.asOf) };
}

const inSpan = (s: { from: number; to: number }, at: number) => at >= s.from && at < s.to;

/** Cadence of type T: events of type T ÷ active weeks (events per week). */
export function cadence(w: RepWindow, type: string): IndicatorValue {
  const s = span(w);
  const events = s ? eventsOfType(w, type, s) : [];
  const n = countOf(events);
  return { key: `cadence.${type}`, value: s ? n / w.weeks.length : null, n, higherIsBetter: true, eventIds: traced(w, () => events.map((e) => e.id)) };
}

/** Pipeline created: sum of opportunity_created amounts ÷ active weeks. */
export function pipelineCreated(w: RepWindow): IndicatorValue {
  const s = span(w);
  const opps = s ? eventsOfType(w, 'opportunity_created', s) : [];
  // A summed event (MetricEvent.count) carries the sum of its opportunities' amounts.
  const total = opps.reduce((sum, e) => sum + (e.amount ?? 0), 0);
  return { key: 'pipeline_created', value: s ? total / w.weeks.length : null, n: countOf(opps), higherIsBetter: true, eventIds: traced(w, () => opps.map((e) => e.id)) };
}

/**
 * Speed to lead over the leads assigned in the window: median hours to the rep's first touch
 * (touched leads only), and the SLA hit rate. Reading of docs/metrics.md: a lead counts in the hit
 * rate once its outcome is known — touched within the SLA (a hit, even before the deadline), or
 * past the deadline (touched in time or not); untouched leads inside the SLA are left out.
 */
export function speedToLead(w: RepWindow): { hours: IndicatorValue; slaHitRate: IndicatorValue } {
  const s = span(w);
  const leads = s ? w.leads.filter((l) => inSpan(s, l.assignedAt)) : [];
  const slaMs = w.settings.slaHours * HOUR;
  const touched = leads.filter((l) => l.firstTouchAt !== null);
  let decided = 0;
  let hits = 0;
  for (const l of leads) {
    const inTime = l.firstTouchAt !== null && l.firstTouchAt - l.assignedAt <= slaMs;
    if (inTime || l.assignedAt + slaMs <= w.asOf) {
      decided += 1;
      if (inTime) hits += 1;
    }
  }
  const ids = traced(w, () => leads.flatMap((l) => l.eventIds));
  return {
    hours: {
      key: 'speed_to_lead_hours',
      value: s ? median(touched.map((l) => (l.firstTouchAt! - l.assignedAt) / HOUR)) : null,
      n: touched.length,
      higherIsBetter: false,
      eventIds: ids,
    },
    slaHitRate: { key: 'sla_hit_rate', value: s ? ratio(hits, decided) : null, n: decided, higherIsBetter: true, eventIds: ids },
  };
}

/** Qualification rate: leads assigned in the window that the rep qualified ÷ leads assigned; also per source. */
export function qualificationRates(w: RepWindow): IndicatorValue[] {
  const s = span(w);
  const leads = s ? w.leads.filter((l) => inSpan(s, l.assignedAt)) : [];
  const rate = (key: string, subset: readonly LeadRecord[]): IndicatorValue => ({
    key,
    value: s ? ratio(subset.filter((l) => l.qualifiedAt !== null).length, subset.length) : null,
    n: subset.length,
    higherIsBetter: true,
    eventIds: traced(w, () => subset.flatMap((l) => l.eventIds)),
  });
  return [
    rate('qualification_rate', leads),
    rate(
      'qualification_rate.inbound',
      leads.filter((l) => l.source === 'inbound'),
    ),
    rate(
      'qualification_rate.outbound',
      leads.filter((l) => l.source === 'outbound'),
    ),
  ];
}

/**
 * Opportunity rate: of the leads the rep qualified in the window, the share that got an
 * opportunity_created with their leadId by the as-of instant (opened by anyone).
 */
export function opportunityRate(w: RepWindow): IndicatorValue {
  const s = span(w);
  const qualified = s ? w.leads.filter((l) => l.qualifiedAt !== null && inSpan(s, l.qualifiedAt)) : [];
  return {
    key: 'opportunity_rate',
    value: s ? ratio(qualified.filter((l) => l.opportunityAt !== null).length, qualified.length) : null,
    n: qualified.length,
    higherIsBetter: true,
    eventIds: traced(w, () => qualified.flatMap((l) => l.eventIds)),
  };
}

/** Deals owned by the rep. */
function ownedDeals(w: RepWindow): readonly DealHistory[] {
  if (w.index) return w.index.owned;
  const owned: DealHistory[] = [];
  for (const d of w.deals.values()) if (d.ownerId === w.repId) owned.push(d);
  return owned;
}

/**
 * Stage conversion for each pipeline stage (docs/metrics.md, rev 2): of the rep's deals whose outcome
 * at the stage was decided in the window, the share converted; `n` counts the decided deals, with
 * their amount and the velocity (median days in the stage over the converted ones that spent
 * time in it). Deals still open in the stage and younger than the timeout are left out.
 */
export function stageConversions(w: RepWindow): IndicatorValue[] {
  const s = span(w);
  const owned = s ? ownedDeals(w) : [];
  return w.settings.pipelineStages.map((stage, k) => {
    const tally = s ? tallyStage(owned, k, s) : { decided: [], converted: 0, days: [] };
    return {
      key: `stage_conversion.${stage}`,
      value: s ? ratio(tally.converted, tally.decided.length) : null,
      n: tally.decided.length,
      higherIsBetter: true,
      amount: tally.decided.reduce((sum, d) => sum + (d.createdAmount ?? 0), 0),
      velocityDays: median(tally.days),
      eventIds: traced(w, () => tally.decided.flatMap((d) => d.eventIds)),
    };
  });
}

/** Touches per closed deal: over the rep's deals closed in the window, mean touches carrying the deal id. */
export function touchesPerClosedDeal(w: RepWindow): IndicatorValue {
  const s = span(w);
  const closed = s ? ownedDeals(w).filter((d) => d.close !== null && inSpan(s, d.close.at)) : [];
  return {
    key: 'touches_per_closed_deal',
    value: s ? mean(closed.map((d) => d.touches)) : null,
    n: closed.length,
    higherIsBetter: true,
    eventIds: traced(w, () => closed.flatMap((d) => d.eventIds)),
  };
}

/** The activity (count) indicators for one rep and window: cadences and pipeline created. */
export function activityIndicators(w: RepWindow, cadenceTypes: readonly string[]): IndicatorValue[] {
  return [...cadenceTypes.map((t) => cadence(w, t)), pipelineCreated(w)];
}

/** The rate indicators (and speed to lead) for one rep and window: what the rate window measures. */
export function rateIndicators(w: RepWindow): IndicatorValue[] {
  const stl = speedToLead(w);
  return [stl.hours, stl.slaHitRate, ...qualificationRates(w), opportunityRate(w), ...stageConversions(w), touchesPerClosedDeal(w)];
}

/** Every leading indicator of docs/metrics.md for one rep and window, by key. */
export function leadingIndicators(w: RepWindow, cadenceTypes: readonly string[]): Map<string, IndicatorValue> {
  return new Map([...activityIndicators(w, cadenceTypes), ...rateIndicators(w)].map((v) => [v.key, v]));
}
