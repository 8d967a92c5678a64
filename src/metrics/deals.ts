import type { MetricEvent } from './types.js';

export interface DealClose {
  outcome: 'won' | 'lost';
  at: number;
  amount: number | null;
  repId: number;
  eventId: string;
}

/**
 * A deal's outcome at one stage (docs/metrics.md "Stage conversion", rev 2). `decision` is null while
 * the deal is undecided there: still in the stage (or beyond it without a decision yet) and
 * younger than the timeout, or never entered.
 */
export interface StageOutcome {
  /** First entry into the stage; null when never entered. */
  enteredAt: number | null;
  /** Entered by skipping it (moving past it, or opening the deal beyond it): left out of velocity. */
  skipped: boolean;
  decision: { converted: boolean; at: number } | null;
}

/** What the events of one deal say about it as of an instant. */
export interface DealHistory {
  dealId: string;
  /**
   * The deal owner (docs/metrics.md): the rep named on the deal's latest opportunity_created or
   * stage_changed before the as-of instant. A deal known only from its close (e.g. imported
   * history) belongs to the rep who closed it; a deal with neither has no owner.
   */
  ownerId: number | null;
  createdAt: number | null;
  /** Amount of the deal's first opportunity_created. */
  createdAmount: number | null;
  /** Each pipeline stage's outcome for this deal, aligned with the pipeline. */
  stages: StageOutcome[];
  /** The latest close before the as-of instant, if any. */
  close: DealClose | null;
  /** Touches carrying the deal id (any rep). */
  touches: number;
  /** The latest of those touches (for stalled deals). */
  lastTouchAt: number | null;
  /** Latest opportunity_created or stage_changed (for stalled deals). */
  lastStageChangeAt: number | null;
  eventIds: string[];
  /**
   * The timeout still running at the furthest stage (undecided there): it is decided, not
   * converted, at `at` once that is before the as-of instant and no event came first (dealAsOf).
   */
  pendingTimeout?: { stage: number; at: number };
}

const DAY = 86_400_000;
const TYPE_ORDER: Record<string, number> = { opportunity_created: 0, stage_changed: 1, deal_won: 2, deal_lost: 2 };

/**
 * Builds the history of every deal in `events` as of `asOf` (events at or after it are ignored).
 * A touch may stand for several (MetricEvent.count) at the time of the latest of them: a deal's
 * touches only ever count, and only the latest is looked at.
 *
 * Stage rules (docs/metrics.md, rev 2): opportunity_created enters the first stage; only a deal's
 * first entry into a stage counts; stages skipped on the way to a later stage count as entered
 * and converted at that moment. A stage's outcome is decided at the first of: entering a later
 * stage or a win (converted; a win converts every stage entered and enters none); a loss while
 * the furthest stage reached is that stage (not converted); `stageTimeoutDays` after entering it
 * with neither (aged out, not converted, decided at entry + timeout, only when that is before
 * `asOf`). A later move or win re-decides an aged-out or lost stage as converted at that moment
 * (a reopened deal is decided again by its new events). Reading of "decided again" for a deal
 * reopened without moving on (lost, then a stage change to its furthest stage or an earlier
 * one): the loss is undone and the timeout at the furthest stage runs again from the reopening.
 * Stages not in the pipeline are ignored.
 */
export function buildDeals(events: readonly MetricEvent[], asOf: number, pipeline: readonly string[], touchTypes: ReadonlySet<string>, stageTimeoutDays: number): Map<string, DealHistory> {
  const byDeal = new Map<string, MetricEvent[]>();
  for (const e of events) {
    if (e.dealId === null || e.at >= asOf) continue;
    const list = byDeal.get(e.dealId);
    if (list) list.push(e);
    else byDeal.set(e.dealId, [e]);
  }
  const stageIndex = new Map(pipeline.map((s, i) => [s, i]));
  const timeout = stageTimeoutDays * DAY;
  const deals = new Map<string, DealHistory>();
  for (const [dealId, list] of byDeal) {
    list.sort((a, b) => a.at - b.at || (TYPE_ORDER[a.type] ?? 3) - (TYPE_ORDER[b.type] ?? 3));
    const deal: DealHistory = {
      dealId,
      ownerId: null,
      createdAt: null,
      createdAmount: null,
      stages: pipeline.map(() => ({ enteredAt: null, skipped: false, decision: null })),
      close: null,
      touches: 0,
      lastTouchAt: null,
      lastStageChangeAt: null,
      eventIds: [],
    };
    let reached = -1;
    /** When the timeout at the furthest stage starts: its entry, or the reopening of a lost deal. */
    let clockFrom = 0;
    /** Lost and not reopened since. */
    let lost = false;
    /** Ages out the furthest stage if its timeout ends before `until` with no decision yet. */
    const ageOut = (until: number) => {
      const s = deal.stages[reached];
      if (!s || s.decision !== null || clockFrom + timeout > until) return;
      s.decision = { converted: false, at: clockFrom + timeout };
    };
    const convert = (k: number, at: number) => {
      const s = deal.stages[k]!;
      if (s.enteredAt !== null && s.decision?.converted !== true) s.decision = { converted: true, at };
    };
    const enter = (k: number, at: number) => {
      ageOut(at);
      for (let j = 0; j < k; j += 1) {
        const s = deal.stages[j]!;
        if (s.enteredAt === null) {
          s.enteredAt = at;
          s.skipped = true;
        }
        convert(j, at);
      }
      const target = deal.stages[k]!;
      if (target.enteredAt === null) target.enteredAt = at;
      if (k > reached) {
        reached = k;
        clockFrom = at;
      } else if (lost) {
        // Reopened at or below the furthest stage: undecided there again.
        deal.stages[reached]!.decision = null;
        clockFrom = at;
      }
      lost = false;
    };
    let stageOwner: number | null = null;
    for (const e of list) {
      deal.eventIds.push(e.id);
      switch (e.type) {
        case 'opportunity_created':
          if (deal.createdAt === null) {
            deal.createdAt = e.at;
            deal.createdAmount = e.amount;
          }
          if (pipeline.length > 0) enter(0, e.at);
          stageOwner = e.repId;
          deal.lastStageChangeAt = e.at;
          break;
        case 'stage_changed': {
          const k = e.stage === null ? undefined : stageIndex.get(e.stage);
          if (k !== undefined) enter(k, e.at);
          stageOwner = e.repId;
          deal.lastStageChangeAt = e.at;
          break;
        }
        case 'deal_won':
        case 'deal_lost':
          deal.close = { outcome: e.type === 'deal_won' ? 'won' : 'lost', at: e.at, amount: e.amount, repId: e.repId, eventId: e.id };
          lost = e.type === 'deal_lost';
          if (reached < 0) break;
          ageOut(e.at);
          if (e.type === 'deal_won') {
            for (let j = 0; j <= reached; j += 1) convert(j, e.at);
          } else {
            const s = deal.stages[reached]!;
            if (s.decision === null) s.decision = { converted: false, at: e.at };
          }
          break;
        default:
          if (touchTypes.has(e.type)) {
            deal.touches += e.count ?? 1;
            deal.lastTouchAt = Math.max(deal.lastTouchAt ?? e.at, e.at);
          }
      }
    }
    // Still undecided at the furthest stage: aged out once entry + timeout is at or before t.
    ageOut(asOf);
    if (reached >= 0 && deal.stages[reached]!.decision === null) deal.pendingTimeout = { stage: reached, at: clockFrom + timeout };
    deal.ownerId = stageOwner ?? deal.close?.repId ?? null;
    deals.set(dealId, deal);
  }
  return deals;
}

/**
 * A deal built as of an earlier instant, as of `asOf` (later), when none of its events lies
 * between the two: buildDeals over the same events as of `asOf` gives the same history.
 */
export function dealAsOf(deal: DealHistory, asOf: number): DealHistory {
  const pending = deal.pendingTimeout;
  if (!pending || pending.at > asOf) return deal;
  const stages = deal.stages.map((s, k) => (k === pending.stage ? { ...s, decision: { converted: false, at: pending.at } } : s));
  const { pendingTimeout: _decided, ...rest } = deal;
  return { ...rest, stages };
}

/** Stage conversion at one stage over a set of deals (docs/metrics.md, rev 2): decided deals only. */
export interface StageTally {
  /** Deals whose decision moment at the stage lies in the span. */
  decided: DealHistory[];
  converted: number;
  /** Days from entering the stage to leaving it, over converted deals that spent time in it (not skipped). */
  days: number[];
}

/** Tallies the deals whose outcome at stage k was decided in [from, to). */
export function tallyStage(deals: Iterable<DealHistory>, k: number, span: { from: number; to: number }): StageTally {
  const decided: DealHistory[] = [];
  let converted = 0;
  const days: number[] = [];
  for (const d of deals) {
    const s = d.stages[k];
    if (!s?.decision || s.decision.at < span.from || s.decision.at >= span.to) continue;
    decided.push(d);
    if (!s.decision.converted) continue;
    converted += 1;
    if (!s.skipped && s.enteredAt !== null) days.push((s.decision.at - s.enteredAt) / DAY);
  }
  return { decided, converted, days };
}
