import { Writable } from 'node:stream';
import cron from 'node-cron';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { findOrCreateWorkspace } from '../../src/db/api-keys.js';
import type { Database } from '../../src/db/client.js';
import { jobLines } from '../../src/cli/status.js';
import { EXPLICIT_JOBS, JOBS, type JobDefinition } from '../../src/jobs/registry.js';
import { startScheduler } from '../../src/jobs/scheduler.js';
import { createLogger } from '../../src/logger.js';
import { Telemetry } from '../../src/telemetry/telemetry.js';
import { parsePrometheusText, total } from '../../scripts/lib/prometheus-text.js';
import { createTestDatabase } from '../helpers/db.js';
import { run } from '../helpers/process.js';

/** docs/interfaces.md: `run-job <rep-nudges|manager-digests|team-recaps|alert-scan>`; these names are fixed. */
const RUN_JOB_NAMES = ['rep-nudges', 'manager-digests', 'team-recaps', 'alert-scan'];

function bufferLogger() {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    }),
  });
  return { logger, text: () => lines.join('') };
}

const counted = async (telemetry: Telemetry, name: string, labels: Record<string, string>) => total(parsePrometheusText(await telemetry.scrape()), name, labels);

describe('the job registry', () => {
  it('declares each job once with a valid schedule, a lease and a handler; run-job’s names are the fixed ones', () => {
    const ids = JOBS.map((j) => j.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining([...RUN_JOB_NAMES, 'crm-sync', 'rollup-fold']));
    expect(EXPLICIT_JOBS.map((j) => j.id)).toEqual(RUN_JOB_NAMES);
    for (const job of JOBS) {
      expect(cron.validate(job.schedule.cron), job.id).toBe(true);
      expect(job.schedule.says.length, job.id).toBeGreaterThan(0);
      expect(job.lease.says.length, job.id).toBeGreaterThan(0);
      expect(typeof job.run).toBe('function');
    }
    // The weekly messages and alerts claim each message in the ledger for the lease declared here.
    for (const job of EXPLICIT_JOBS) expect(job.lease.ms).toBe(10 * 60 * 1000);
    expect(JOBS.find((j) => j.id === 'rollup-fold')?.schedule.cron).toBe('*/5 * * * * *');
  });

  it('pacer status lists every job with its schedule and lease', () => {
    const lines = jobLines(JOBS);
    expect(lines[0]).toBe('jobs:');
    for (const job of JOBS) {
      const at = lines.indexOf(`  ${job.id}: ${job.description}`);
      expect(at, job.id).toBeGreaterThan(0);
      expect(lines[at + 1]).toContain(job.schedule.says);
      expect(lines[at + 1]).toContain(job.lease.says);
    }
    expect(lines.find((l) => l.startsWith('  rep-nudges'))).toBeDefined();
    expect(lines[lines.indexOf(`  crm-sync: ${JOBS.find((j) => j.id === 'crm-sync')!.description}`) + 1]).toContain('run by server processes');
  });

  it('pacer run-job names its jobs from the registry', async () => {
    const cli = run(['src/cli/index.ts', 'run-job', 'weekly-everything'], { PACER_DATA_DIR: 'memory://' });
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toContain(`unknown job "weekly-everything"; jobs: ${EXPLICIT_JOBS.map((j) => j.id).join(', ')}`);
  });
});

describe('the scheduler', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase('embedded');
  });
  afterAll(async () => {
    await db?.close();
  });

  /** A job that records when it ran; `work` replaces what it does. */
  function probe(id: string, cronExpression: string, needs: JobDefinition['needs'] = 'database', work: () => Promise<void> = async () => undefined) {
    const runs: Date[] = [];
    const job: JobDefinition = {
      id,
      description: `probe ${id}`,
      needs,
      schedule: { cron: cronExpression, says: cronExpression },
      lease: { ms: null, says: 'none' },
      run: async (_ctx, { now }) => {
        runs.push(now);
        await work();
        return { summary: { probe: id }, notable: true };
      },
    };
    return { job, runs };
  }

  it('runs what the registry declares when its schedule matches the minute, and only the jobs this process can run', async () => {
    const { logger, text } = bufferLogger();
    const telemetry = new Telemetry();
    const everyMinute = probe('every-minute', '* * * * *');
    const tenth = probe('tenth', '*/10 * * * *');
    const seventh = probe('seventh', '*/7 * * * *');
    const seconds = probe('five-seconds', '*/5 * * * * *');
    const slackOnly = probe('slack-only', '* * * * *', 'messaging');
    const syncOnly = probe('sync-only', '* * * * *', 'sync');
    const clock = manualClock(new Date('2026-11-23T10:10:42Z'));
    const scheduler = startScheduler(
      { db, logger, clock, telemetry, messaging: null, sync: null, jobs: [everyMinute, tenth, seventh, seconds, slackOnly, syncOnly].map((p) => p.job) },
      { timer: false },
    );
    expect(scheduler.jobs.map((j) => j.id)).toEqual(['every-minute', 'tenth', 'seventh', 'five-seconds']);
    await scheduler.tick();
    clock.set(new Date('2026-11-23T10:14:05Z'));
    await scheduler.tick();
    await scheduler.stop();
    expect(everyMinute.runs.map((d) => d.toISOString())).toEqual(['2026-11-23T10:10:42.000Z', '2026-11-23T10:14:05.000Z']);
    expect(tenth.runs).toHaveLength(1);
    expect(seventh.runs.map((d) => d.toISOString())).toEqual(['2026-11-23T10:14:05.000Z']);
    expect(seconds.runs).toHaveLength(2);
    expect(slackOnly.runs).toEqual([]);
    expect(syncOnly.runs).toEqual([]);
    // One preamble for all: the job's name on its log line, and its runs counted.
    expect(text()).toContain('"job":"every-minute"');
    expect(text()).toContain('job every-minute ran');
    expect(await counted(telemetry, 'pacer_job_runs_total', { job: 'every-minute', outcome: 'ok' })).toBe(2);
    expect(await counted(telemetry, 'pacer_job_duration_seconds_count', { job: 'tenth', outcome: 'ok' })).toBe(1);
    // Declared at zero from the start; jobs this process cannot run are not declared.
    const scraped = parsePrometheusText(await telemetry.scrape());
    expect(scraped.some((s) => s.name === 'pacer_job_runs_total' && s.labels.job === 'seventh' && s.labels.outcome === 'failed')).toBe(true);
    expect(scraped.some((s) => s.labels.job === 'slack-only')).toBe(false);
  });

  it('a failed run is logged and counted, and the next run retries; a job never overlaps itself', async () => {
    const { logger, text } = bufferLogger();
    const telemetry = new Telemetry();
    let fail = true;
    const flaky = probe('flaky', '* * * * *', 'database', async () => {
      if (fail) throw new Error('the database went away');
    });
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const slow = probe('slow', '* * * * *', 'database', () => blocked);
    const scheduler = startScheduler({ db, logger, clock: manualClock(new Date('2026-11-23T10:00:00Z')), telemetry, messaging: null, sync: null, jobs: [flaky.job, slow.job] }, { timer: false });
    const first = scheduler.tick();
    await new Promise((r) => setTimeout(r, 20));
    fail = false;
    // The slow job's first run is still going: this tick runs the flaky job again, not the slow one.
    const second = scheduler.tick();
    await new Promise((r) => setTimeout(r, 20));
    release();
    await Promise.all([first, second]);
    await scheduler.stop();
    expect(flaky.runs).toHaveLength(2);
    expect(slow.runs).toHaveLength(1);
    expect(text()).toContain('job flaky failed; its next run retries');
    expect(text()).toContain('the database went away');
    expect(await counted(telemetry, 'pacer_job_runs_total', { job: 'flaky', outcome: 'failed' })).toBe(1);
    expect(await counted(telemetry, 'pacer_job_runs_total', { job: 'flaky', outcome: 'ok' })).toBe(1);
    expect(await counted(telemetry, 'pacer_job_runs_total', { job: 'slow', outcome: 'busy' })).toBe(1);
    expect(await counted(telemetry, 'pacer_job_runs_total', { job: 'slow', outcome: 'ok' })).toBe(1);
  });

  it('with the registry’s own jobs, a process without Slack or CRM sync runs the database jobs, for real', async () => {
    const { logger, text } = bufferLogger();
    const telemetry = new Telemetry();
    // A message whose process died inside the Slack call: settled as unknown by this tick.
    const workspace = await findOrCreateWorkspace(db, 'T0REGISTRY');
    await db.query(
      `INSERT INTO delivery (workspace_id, key, kind, recipient, status, claimed_by, lease_until, due_at, updated_at) VALUES ($1, 'rep_nudge:T0REGISTRY:1:2026-11-16', 'rep_nudge', '1', 'posting', 'dead:1:x', $2, $2, $2)`,
      [workspace.id, new Date('2026-11-23T10:00:00Z')],
    );
    const scheduler = startScheduler({ db, logger, clock: manualClock(new Date('2026-11-23T10:20:00Z')), telemetry, messaging: null, sync: null }, { timer: false });
    const databaseJobs = JOBS.filter((j) => j.needs === 'database').map((j) => j.id);
    expect(scheduler.jobs.map((j) => j.id)).toEqual(databaseJobs);
    expect(databaseJobs).toEqual(expect.arrayContaining(['settle-abandoned-posts', 'rollup-fold', 'forget-slack-receipts']));
    await scheduler.tick();
    await scheduler.stop();
    for (const job of databaseJobs) expect(await counted(telemetry, 'pacer_job_runs_total', { job, outcome: 'ok' }), job).toBe(1);
    expect(await counted(telemetry, 'pacer_deliveries_total', { kind: 'rep_nudge', status: 'unknown' })).toBe(1);
    expect(text()).toContain('recorded as unknown, not re-sent');
    expect(text()).not.toMatch(/job [\w-]+ failed/);
  });
});
