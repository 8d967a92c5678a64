import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { SlackMessage } from '../slack/answer-within.js';
import type { DeliveryClients } from '../slack/delivery/clients.js';
import type { PostContext } from '../slack/delivery/post.js';

/** What a job run needs: the database, Slack clients per workspace, the delivery path. */
export interface JobContext {
  db: Database;
  logger: Logger;
  clock: Clock;
  clients: DeliveryClients;
  post: PostContext;
  /** Dry run: each message is handed here (recipient, text) instead of being claimed and posted. */
  dryRun?: (recipient: string, message: SlackMessage) => void;
}

/** What a run did: weekly jobs count messages; the alert scan counts alerts (a message may carry several), but `printed` counts messages. */
export interface JobSummary {
  due: number;
  sent: number;
  failed: number;
  skipped: number;
  /** Claims another process took over (its lease expired while this one waited). */
  lost: number;
  /** Messages held back (alerts outside working hours or over the daily cap). */
  held: number;
  printed: number;
  /** Of the sent: weekly messages the schedule had skipped past their grace window (an explicit run sends them). */
  revived: number;
  /** The weeks of those (their first day, team-local yyyy-MM-dd), sorted. */
  revivedWeeks: string[];
  /**
   * Milliseconds spent computing the messages claimed (reports, rendering, chart uploads): the
   * rest of a weekly run is claiming and posting, which overlap the computing.
   */
  computeMs: number;
}

export const emptySummary = (): JobSummary => ({ due: 0, sent: 0, failed: 0, skipped: 0, lost: 0, held: 0, printed: 0, revived: 0, revivedWeeks: [], computeMs: 0 });

export function addSummaries(a: JobSummary, b: JobSummary): JobSummary {
  return {
    due: a.due + b.due,
    sent: a.sent + b.sent,
    failed: a.failed + b.failed,
    skipped: a.skipped + b.skipped,
    lost: a.lost + b.lost,
    held: a.held + b.held,
    printed: a.printed + b.printed,
    revived: a.revived + b.revived,
    revivedWeeks: [...new Set([...a.revivedWeeks, ...b.revivedWeeks])].sort(),
    computeMs: a.computeMs + b.computeMs,
  };
}
