/**
 * Every job Pacer runs on a schedule, each declared once: its id, what it does, when it runs,
 * how processes sharing one database keep from doing its work twice, and its handler. The
 * scheduler runs what is declared here, `pacer run-job` runs the jobs that have an explicit run,
 * `pacer status` lists them all, and /metrics counts runs under these ids.
 */
import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { SyncDeps } from '../sync/runner.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import type { JobContext, JobSummary } from './context.js';
import type { JobResult } from './job-run.js';
import type { WeeklyKind } from './plan.js';

// Handlers import what they run when they run: `pacer --help` and `pacer status` read this
// module without loading the jobs' code.

/** When a job runs: a cron expression read in UTC (six fields when it counts seconds), and the same in words. */
export interface JobSchedule {
  cron: string;
  says: string;
}

/** How the processes on one database keep a job's work from being done twice; `ms` is the lease the handler takes, if any. */
export interface JobLease {
  ms: number | null;
  says: string;
}

/** What each kind of job needs from its process. */
export interface JobNeeds {
  /** The database alone: every process with the scheduler on runs these. */
  database: { db: Database; logger: Logger; clock: Clock; telemetry?: Telemetry | undefined };
  /** Slack's delivery path: only processes connected to Slack run these. */
  messaging: JobContext;
  /** CRM sync: processes that sync (the server, not the sandbox). */
  sync: SyncDeps;
}

export interface JobRun {
  now: Date;
  lease: JobLease;
}

export interface JobDefinition<Id extends string = string, N extends keyof JobNeeds = keyof JobNeeds> {
  id: Id;
  description: string;
  schedule: JobSchedule;
  lease: JobLease;
  needs: N;
  /** One scheduled run. */
  run(ctx: JobNeeds[N], run: JobRun): Promise<JobResult>;
}

/** A job `pacer run-job` can run now, for the last complete week whatever its grace window. */
export interface ExplicitJob<Id extends string = string> extends JobDefinition<Id, 'messaging'> {
  explicit(ctx: JobContext, run: JobRun): Promise<JobSummary>;
}

const EVERY_MINUTE = '* * * * *';
const TEN_MINUTES = '*/10 * * * *';
/** Rollup changes fold this often: a report arriving meanwhile folds the rest itself. */
const FOLD_EVERY_SECONDS = 5;
/** Events API receipts older than this cannot be retries any more (Slack retries within minutes). */
const RECEIPT_TTL_MS = 24 * 60 * 60 * 1000;
/** A CRM source's lease, renewed after every page (src/sync/runner.ts takes it; `pacer sync` too). */
export const SOURCE_LEASE_MS = 10 * 60 * 1000;

/** A ledger claim covers computing a team's messages and waiting for its turn to post. */
const MESSAGE_LEASE: JobLease = {
  ms: 10 * 60 * 1000,
  says: 'each message claimed in the delivery ledger (10-minute lease; a dead process’s claim is taken over when it expires; a post cut off mid-call is never re-sent)',
};

const summaryResult = (summary: JobSummary): JobResult => ({ summary: { ...summary }, notable: summary.due > 0 || summary.skipped > 0 });

function weeklyJob<Id extends string>(id: Id, kind: WeeklyKind, description: string): ExplicitJob<Id> {
  const kinds = new Set([kind]);
  return {
    id,
    description,
    needs: 'messaging',
    schedule: { cron: EVERY_MINUTE, says: 'every minute: each message at its recipient’s local send time after the week ends, within the grace window' },
    lease: MESSAGE_LEASE,
    run: async (ctx, { now, lease }) => summaryResult(await (await import('./weekly.js')).runWeekly(ctx, kinds, { now, claimLeaseMs: lease.ms! })),
    explicit: async (ctx, { now, lease }) => (await import('./weekly.js')).runWeekly(ctx, kinds, { now, immediately: true, claimLeaseMs: lease.ms! }),
  };
}

const alertScan: ExplicitJob<'alert-scan'> = {
  id: 'alert-scan',
  description: 'behaviour alerts to reps (untouched leads, stalled deals, missed follow-ups, activity drops)',
  needs: 'messaging',
  schedule: { cron: TEN_MINUTES, says: 'every 10 minutes, within each rep’s working hours' },
  lease: MESSAGE_LEASE,
  run: async (ctx, { now, lease }) => summaryResult(await (await import('./alert-scan.js')).runAlertScan(ctx, { now, claimLeaseMs: lease.ms! })),
  // Run by hand, alerts ignore working hours; the daily cap and the ledger still hold.
  explicit: async (ctx, { now, lease }) => (await import('./alert-scan.js')).runAlertScan(ctx, { now, ignoreWorkingHours: true, claimLeaseMs: lease.ms! }),
};

/** The jobs `pacer run-job` names (docs/interfaces.md: these names are fixed). */
export const EXPLICIT_JOBS = [
  weeklyJob('rep-nudges', 'rep_nudge', 'weekly nudge to each rep'),
  weeklyJob('manager-digests', 'manager_digest', 'weekly coaching digest to each manager'),
  weeklyJob('team-recaps', 'team_recap', 'weekly leading-vs-lagging recap in each team channel'),
  alertScan,
] as const;

export type JobName = (typeof EXPLICIT_JOBS)[number]['id'];

const settleAbandonedPostsJob: JobDefinition<'settle-abandoned-posts', 'database'> = {
  id: 'settle-abandoned-posts',
  description: 'messages whose process died inside the Slack call are recorded as unknown (never re-sent)',
  needs: 'database',
  schedule: { cron: EVERY_MINUTE, says: 'every minute' },
  lease: { ms: null, says: 'none needed: one UPDATE of rows whose posting lease expired' },
  run: async (ctx) => {
    const { settleAbandonedPosts } = await import('../db/delivery-ledger.js');
    const abandoned = await settleAbandonedPosts(ctx.db, ctx.clock.now());
    for (const { key, kind } of abandoned) {
      ctx.logger.warn({ delivery: key }, 'a process stopped while posting this message; recorded as unknown, not re-sent');
      ctx.telemetry?.deliveriesSettled(kind, 'unknown');
    }
    return { summary: { unknown: abandoned.length }, notable: abandoned.length > 0 };
  },
};

const crmSync: JobDefinition<'crm-sync', 'sync'> = {
  id: 'crm-sync',
  description: 'each active CRM source synced once its everyMinutes have passed since its last attempt, one at a time',
  needs: 'sync',
  schedule: { cron: EVERY_MINUTE, says: 'every minute: the sources that are due' },
  lease: { ms: SOURCE_LEASE_MS, says: 'a lease per source on crm_source (10 minutes, renewed after every page; a dead process on this host is taken over at once)' },
  run: async (ctx) => {
    const results = await (await import('./crm-sync.js')).runDueSyncs(ctx);
    for (const r of results) {
      if (r.status === 'ok') ctx.logger.info({ source: r.source, workspace: r.workspace, requests: r.requests, seconds: Math.round(r.seconds * 10) / 10 }, 'source synced');
    }
    const count = (status: string) => results.filter((r) => r.status === status).length;
    return { summary: { sources: results.length, ok: count('ok'), failed: count('failed'), busy: count('busy') }, notable: results.length > 0 };
  },
};

const rollupFold: JobDefinition<'rollup-fold', 'database'> = {
  id: 'rollup-fold',
  description: 'folds the rollup changes event writes left, so a report rarely has any to fold before it reads',
  needs: 'database',
  schedule: { cron: `*/${FOLD_EVERY_SECONDS} * * * * *`, says: `every ${FOLD_EVERY_SECONDS} seconds` },
  lease: { ms: null, says: 'outbox rows claimed FOR UPDATE SKIP LOCKED under a shared workspace lock: processes share the work' },
  run: async (ctx) => {
    const events = await (await import('../db/rollups-write.js')).foldRollups(ctx.db, null, 'skip');
    return { summary: { events }, notable: false };
  },
};

const teamSnapshots: JobDefinition<'team-snapshots', 'database'> = {
  id: 'team-snapshots',
  description:
    'builds each team’s snapshot, and the week’s links, when its week turns or a late event makes it stale, so reports rarely build them; keeps the paces of a week earlier where none were kept',
  needs: 'database',
  schedule: { cron: EVERY_MINUTE, says: 'every minute' },
  lease: { ms: null, says: 'none: a kept current snapshot is not rebuilt; processes start from a random team, and of two building one team at once the later row stays' },
  run: async (ctx, { now }) => {
    const summary = await (await import('./team-snapshots.js')).runTeamSnapshots(ctx.db, ctx.logger, now);
    return { summary: { ...summary }, notable: summary.built > 0 || summary.pacesKept > 0 || summary.failed > 0 };
  },
};

const forgetReceipts: JobDefinition<'forget-slack-receipts', 'database'> = {
  id: 'forget-slack-receipts',
  description: 'forgets Events API receipts older than a day (Slack retries within minutes)',
  needs: 'database',
  schedule: { cron: TEN_MINUTES, says: 'every 10 minutes' },
  lease: { ms: null, says: 'none needed: one DELETE of old rows' },
  run: async (ctx, { now }) => {
    await (await import('../db/slack-event-receipts.js')).forgetReceiptsBefore(ctx.db, new Date(now.getTime() - RECEIPT_TTL_MS));
    return { summary: {}, notable: false };
  },
};

/** Every job, in the order `pacer status` lists them. */
export const JOBS: readonly JobDefinition[] = [settleAbandonedPostsJob, ...EXPLICIT_JOBS, crmSync, rollupFold, teamSnapshots, forgetReceipts];

export const isJobName = (name: string): name is JobName => EXPLICIT_JOBS.some((job) => job.id === name);

export function explicitJob(name: JobName): ExplicitJob {
  return EXPLICIT_JOBS.find((job) => job.id === name)!;
}

/**
 * Runs a job now, as run-job does: every weekly message of the last complete week is due at
 * once (not at each recipient's local time), alerts ignore working hours; the ledger still makes
 * each message go out once.
 */
export async function runJobNow(ctx: JobContext, name: JobName, now: Date): Promise<JobSummary> {
  const job = explicitJob(name);
  const { runJob } = await import('./job-run.js');
  return runJob(job, ctx, ctx.post.telemetry, (c) => job.explicit(c, { now, lease: job.lease }), summaryResult);
}
