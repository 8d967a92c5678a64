/** Member id for events naming nobody in the config: they can touch a deal but own nothing. */
export const NOBODY = 0;

/** One activity event as the metrics engine sees it: already credited to a member. */
export interface MetricEvent {
  /** The sender's id, so every figure can be traced to its events. */
  id: string;
  /** Member the event is credited to (the rep it names). */
  repId: number;
  type: string;
  /** Epoch milliseconds (UTC). */
  at: number;
  leadId: string | null;
  dealId: string | null;
  amount: number | null;
  stage: string | null;
  leadSource: 'inbound' | 'outbound' | null;
  /**
   * How many events this one stands for. The database sums touches that name no lead and no deal
   * into one event per rep, type and week (at the week's start): they only ever count toward
   * cadences. Absent means 1.
   */
  count?: number;
}

/** Sum of the events' weights (see MetricEvent.count). */
export function countOf(events: readonly MetricEvent[]): number {
  let n = 0;
  for (const e of events) n += e.count ?? 1;
  return n;
}

/** Team settings the metrics depend on (thresholds default as in docs/metrics.md). */
export interface MetricSettings {
  timezone: string;
  /** date-fns Day: 0 = Sunday … 6 = Saturday. */
  weekStartsOn: 0 | 1 | 2 | 3 | 4 | 5 | 6;
  pipelineStages: string[];
  /** Touch types: the core ones plus the team's extra ones. */
  touchTypes: ReadonlySet<string>;
  slaHours: number;
}
