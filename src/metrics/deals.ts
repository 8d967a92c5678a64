import type { MetricEvent } from './types.js';

export interface DealClose {
  outcome: 'won' | 'lost';
  at: number;
  amount: number | null;
  repId: number;
  eventId: string;
}

/** What the events of one deal say about it as of an instant. */
export interface DealHistory {
  dealId: string;
  /**
   * The deal owner (metrics.md): the rep named on the deal's latest opportunity_created or
   * stage_changed before the as-of instant. A deal known only from its close (e.g. imported
   * history) belongs to the rep who closed it; a deal with neither has no owner.
   */
  ownerId: number | null;
  createdAt: number | null;
  /** Amount of the deal's first opportunity_created. */
  createdAmount: number | null;
  /** First entry into each pipeline stage, aligned with the pipeline; null when never entered. */
  stageEntered: (number | null)[];
  /** The latest close before the as-of instant, if any. */
  close: DealClose | null;
  /** Times of touches carrying the deal id (any rep). */
  touchTimes: number[];
  /** Latest opportunity_created or stage_changed (for stalled deals). */
  lastStageChangeAt: number | null;
  eventIds: string[];
}

const TYPE_ORDER: Record<string, number> = { opportunity_created: 0, stage_changed: 1, deal_won: 2, deal_lost: 2 };

/**
 * Builds the history of every deal in `events` as of `asOf` (events at or after it are ignored).
 * Stage rules (metrics.md): opportunity_created enters the first stage; only a deal's first entry
 * into a stage counts; stages skipped on the way to a later stage (or to a win) count as entered
 * and left at that moment. Stages not in the pipeline are ignored.
 */
export function buildDeals(events: readonly MetricEvent[], asOf: number, pipeline: readonly string[], touchTypes: ReadonlySet<string>): Map<string, DealHistory> {
  const byDeal = new Map<string, MetricEvent[]>();
  for (const e of events) {
    if (e.dealId === null || e.at >= asOf) continue;
    const list = byDeal.get(e.dealId);
    if (list) list.push(e);
    else byDeal.set(e.dealId, [e]);
  }
  const stageIndex = new Map(pipeline.map((s, i) => [s, i]));
  const deals = new Map<string, DealHistory>();
  for (const [dealId, list] of byDeal) {
    list.sort((a, b) => a.at - b.at || (TYPE_ORDER[a.type] ?? 3) - (TYPE_ORDER[b.type] ?? 3));
    const deal: DealHistory = {
      dealId,
      ownerId: null,
      createdAt: null,
      createdAmount: null,
      stageEntered: pipeline.map(() => null),
      close: null,
      touchTimes: [],
      lastStageChangeAt: null,
      eventIds: [],
    };
    let reached = -1;
    const enterUpTo = (k: number, at: number) => {
      for (let j = reached + 1; j <= k; j += 1) if (deal.stageEntered[j] === null) deal.stageEntered[j] = at;
      reached = Math.max(reached, k);
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
          if (pipeline.length > 0) enterUpTo(0, e.at);
          stageOwner = e.repId;
          deal.lastStageChangeAt = e.at;
          break;
        case 'stage_changed': {
          const k = e.stage === null ? undefined : stageIndex.get(e.stage);
          if (k !== undefined) enterUpTo(k, e.at);
          stageOwner = e.repId;
          deal.lastStageChangeAt = e.at;
          break;
        }
        case 'deal_won':
        case 'deal_lost':
          deal.close = { outcome: e.type === 'deal_won' ? 'won' : 'lost', at: e.at, amount: e.amount, repId: e.repId, eventId: e.id };
          // A win passes through the stages the deal had not reached yet.
          if (e.type === 'deal_won' && reached >= 0) enterUpTo(pipeline.length - 1, e.at);
          break;
        default:
          if (touchTypes.has(e.type)) deal.touchTimes.push(e.at);
      }
    }
    deal.ownerId = stageOwner ?? deal.close?.repId ?? null;
    deals.set(dealId, deal);
  }
  return deals;
}

/** When the deal left stage k: its first entry into a later stage, or its close. Null while still in it. */
export function leftStageAt(deal: DealHistory, k: number): number | null {
  let left: number | null = deal.close ? deal.close.at : null;
  for (let j = k + 1; j < deal.stageEntered.length; j += 1) {
    const at = deal.stageEntered[j];
    if (at !== null && at !== undefined && (left === null || at < left)) left = at;
  }
  return left;
}

/** Converted out of stage k: entered a later stage or was won (for the last stage: was won). */
export function convertedFromStage(deal: DealHistory, k: number): boolean {
  if (deal.close?.outcome === 'won') return true;
  for (let j = k + 1; j < deal.stageEntered.length; j += 1) if (deal.stageEntered[j] !== null) return true;
  return false;
}
