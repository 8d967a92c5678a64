import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { TeamReportCache } from '../reports/report-cache.js';
import type { Telemetry } from '../telemetry/telemetry.js';

/** What Slack listeners need: the database, a logger with request context, the one clock. */
export interface SlackDeps {
  db: Database;
  logger: Logger;
  clock: Clock;
  /** How long a slash command may compute before its answer goes through response_url. */
  answerBudgetMs: number;
  /** Reports as of now, shared by everyone asking within a few minutes while nothing changed. */
  reports: TeamReportCache;
  /** The process's metrics (slash commands are counted by how they were answered). */
  telemetry?: Telemetry;
}
