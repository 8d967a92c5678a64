import cron, { type ScheduledTask } from 'node-cron';
import { settleAbandonedPosts } from '../db/delivery-ledger.js';
import { forgetReceiptsBefore } from '../db/slack-event-receipts.js';
import { runAlertScan } from './alert-scan.js';
import type { JobContext } from './context.js';
import { runWeekly } from './weekly.js';

const WEEKLY = new Set(['rep_nudge', 'manager_digest', 'team_recap'] as const);
/** Events API receipts older than this cannot be retries any more (Slack retries within minutes). */
const RECEIPT_TTL_MS = 24 * 60 * 60 * 1000;

export interface Scheduler {
  /** One tick, as the minute timer runs it (tests and the sandbox call it directly). */
  tick(): Promise<void>;
  /** Stops the timer and waits for a running tick. */
  stop(): Promise<void>;
}

/**
 * One tick a minute: settles posts abandoned by dead processes, sends the weekly messages due by
 * now (each recipient's local time), and every 10 minutes scans for behaviour alerts. A tick
 * never overlaps the previous one in this process; other processes are kept apart by the ledger.
 */
export function startScheduler(ctx: JobContext, options: { timer?: boolean } = {}): Scheduler {
  const log = ctx.logger.child({ component: 'scheduler' });
  let running: Promise<void> | null = null;
  const tick = async () => {
    const now = ctx.clock.now();
    const abandoned = await settleAbandonedPosts(ctx.db, now);
    for (const { key } of abandoned) log.warn({ delivery: key }, 'a process stopped while posting this message; recorded as unknown, not re-sent');
    const weekly = await runWeekly({ ...ctx, logger: log }, WEEKLY, { now });
    if (weekly.due > 0 || weekly.skipped > 0) log.info({ job: 'weekly', ...weekly }, 'weekly messages');
    if (now.getUTCMinutes() % 10 === 0) {
      const alerts = await runAlertScan({ ...ctx, logger: log }, { now });
      if (alerts.due > 0) log.info({ job: 'alert-scan', ...alerts }, 'behaviour alerts');
      await forgetReceiptsBefore(ctx.db, new Date(now.getTime() - RECEIPT_TTL_MS));
    }
  };
  const guarded = async () => {
    if (running) return running;
    running = tick()
      .catch((err: unknown) => log.error({ err }, 'scheduler tick failed; the next tick retries'))
      .finally(() => {
        running = null;
      });
    return running;
  };
  let task: ScheduledTask | undefined;
  if (options.timer !== false) task = cron.schedule('* * * * *', guarded, { name: 'pacer-scheduler' });
  return {
    tick: guarded,
    stop: async () => {
      await task?.stop();
      await running;
    },
  };
}
