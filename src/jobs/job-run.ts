import type { Logger } from '../logger.js';
import type { Telemetry } from '../telemetry/telemetry.js';

/** What a run did, for its log line: `notable` runs are logged at info, the rest (nothing due) at debug. */
export interface JobResult {
  summary: Record<string, unknown>;
  notable: boolean;
}

/**
 * The one preamble of every job run, scheduled or explicit: a logger naming the job, timing,
 * the outcome counted in /metrics (pacer_job_runs_total, pacer_job_duration_seconds) and one log
 * line, whether it ended well or threw. A failure is logged here and thrown on: the scheduler
 * swallows it (the next run retries), `run-job` exits non-zero.
 */
export async function runJob<C extends { logger: Logger }, R>(
  job: { id: string },
  ctx: C,
  telemetry: Telemetry | undefined,
  work: (ctx: C) => Promise<R>,
  result: (value: R) => JobResult,
): Promise<R> {
  const log = ctx.logger.child({ job: job.id });
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  let value: R;
  try {
    value = await work({ ...ctx, logger: log });
  } catch (err) {
    const took = seconds();
    telemetry?.jobRun(job.id, 'failed', took);
    log.error({ err, ms: Math.round(took * 1000) }, `job ${job.id} failed; its next run retries`);
    throw err;
  }
  const took = seconds();
  telemetry?.jobRun(job.id, 'ok', took);
  const { summary, notable } = result(value);
  log[notable ? 'info' : 'debug']({ ...summary, ms: Math.round(took * 1000) }, `job ${job.id} ran`);
  return value;
}
