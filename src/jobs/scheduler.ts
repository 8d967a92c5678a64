import cron, { type ScheduledTask } from 'node-cron';
import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { SyncDeps } from '../sync/runner.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import type { JobContext } from './context.js';
import { runJob } from './job-run.js';
import { JOBS, type JobDefinition, type JobNeeds } from './registry.js';

export interface SchedulerDeps {
  db: Database;
  logger: Logger;
  clock: Clock;
  telemetry?: Telemetry | undefined;
  /** Slack's delivery path; null in a process without Slack (its messaging jobs do not run). */
  messaging: JobContext | null;
  /** CRM sync, less the stop signal the scheduler owns; null where CRM sync does not run (the sandbox). */
  sync: Omit<SyncDeps, 'signal'> | null;
  /** The registry's jobs by default (tests give their own). */
  jobs?: readonly JobDefinition[];
}

export interface Scheduler {
  /** The jobs this process runs: the registry's, less those whose needs it lacks. */
  readonly jobs: readonly JobDefinition[];
  /** Runs every job whose schedule matches the clock's current minute, as the timers would (tests and the sandbox). */
  tick(): Promise<void>;
  /** Stops the timers, tells a CRM sync in progress to stop after its page, and waits for running jobs. */
  stop(): Promise<void>;
}

/**
 * Runs the registry's jobs, each on its own timer (UTC) and each never overlapping itself in
 * this process: a long CRM sync never holds the weekly messages back. Other processes are kept
 * apart by each job's lease. A failed run is logged and counted (src/jobs/job-run.ts); the next
 * run retries.
 */
export function startScheduler(deps: SchedulerDeps, options: { timer?: boolean } = {}): Scheduler {
  const stopping = new AbortController();
  const logger = deps.logger.child({ component: 'scheduler' });
  const contexts: { [N in keyof JobNeeds]: JobNeeds[N] | null } = {
    database: { db: deps.db, logger, clock: deps.clock, telemetry: deps.telemetry },
    messaging: deps.messaging ? { ...deps.messaging, logger } : null,
    sync: deps.sync ? { ...deps.sync, logger, signal: stopping.signal } : null,
  };
  const entries = (deps.jobs ?? JOBS).flatMap((job) => {
    const ctx = contexts[job.needs];
    if (!ctx) return [];
    const task: ScheduledTask = cron.createTask(job.schedule.cron, () => void start(entry), { name: `pacer-${job.id}`, timezone: 'UTC' });
    const entry = { job, ctx, task };
    return [entry];
  });
  deps.telemetry?.declareJobs(entries.map((e) => e.job.id));
  const running = new Map<string, Promise<void>>();

  function start(entry: (typeof entries)[number]): Promise<void> {
    const { job, ctx } = entry;
    const current = running.get(job.id);
    if (current) {
      deps.telemetry?.jobRun(job.id, 'busy', 0);
      return current;
    }
    if (stopping.signal.aborted) return Promise.resolve();
    const now = deps.clock.now();
    const run = runJob(
      job,
      ctx,
      deps.telemetry,
      (c) => job.run(c, { now, lease: job.lease }),
      (result) => result,
    )
      // Logged and counted by runJob; the next run retries.
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => running.delete(job.id));
    running.set(job.id, run);
    return run;
  }

  if (options.timer !== false) for (const { task } of entries) void task.start();
  return {
    jobs: entries.map((e) => e.job),
    tick: async () => {
      const minute = new Date(Math.floor(deps.clock.now().getTime() / 60_000) * 60_000);
      await Promise.all(entries.filter((e) => e.task.match(minute)).map(start));
    },
    stop: async () => {
      for (const { task } of entries) await task.destroy();
      stopping.abort();
      await Promise.all(running.values());
    },
  };
}
