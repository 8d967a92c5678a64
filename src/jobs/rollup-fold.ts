/**
 * The rollup-fold job: every few seconds, folds the rollup changes event writes left
 * (src/db/rollups-write.ts), so a report rarely has any to fold before it reads. Every Pacer
 * process with PACER_SCHEDULER on runs it; processes share the work (claimed rows are skipped).
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Database } from '../db/client.js';
import { foldRollups } from '../db/rollups-write.js';

/** Seconds between folds: a report arriving meanwhile folds the rest itself. */
export const FOLD_EVERY_SECONDS = 5;

export interface RollupFolder {
  /** One fold, as the timer runs it (tests call it directly). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export function startRollupFolder(deps: { db: Database; logger: Logger }, options: { timer?: boolean } = {}): RollupFolder {
  const log = deps.logger.child({ component: 'rollup-fold' });
  let running: Promise<void> | null = null;
  const tick = async () => {
    if (running) return running;
    running = foldRollups(deps.db, null, 'skip')
      .then((events) => {
        if (events > 0) log.debug({ job: 'rollup-fold', events }, 'rollups folded');
      })
      .catch((err: unknown) => log.error({ err, job: 'rollup-fold' }, 'folding rollups failed; the next fold retries, and reports fold before they read'))
      .finally(() => {
        running = null;
      });
    return running;
  };
  let task: ScheduledTask | undefined;
  if (options.timer !== false) task = cron.schedule(`*/${FOLD_EVERY_SECONDS} * * * * *`, tick, { name: 'pacer-rollup-fold' });
  return {
    tick,
    stop: async () => {
      await task?.stop();
      await running;
    },
  };
}
