/**
 * The scheduler side of `npm run bench:jobs`, run as its own process (`node --import tsx`) so its
 * peak RSS is the job's alone. It does what a Pacer process's scheduler does for the weekly
 * messages (src/server-runtime.ts, src/jobs/scheduler.ts): a job context with the production
 * delivery clients (HTTP mode, one bot token, Web API at the local Slack), the throttle's default
 * limits and a clock started at the seed's end, then one `runWeekly` of all three kinds with
 * `immediately` (every message due now, as `pacer run-job` does).
 *
 * runWeekly posts while it computes (src/jobs/posting-queue.ts), so the two overlap: the time spent
 * computing is the run's own `summary.computeMs`; from outside, the Web API client that
 * `clientFor` returns is wrapped (a Proxy that notes and times every Web API call), so the first
 * chat.postMessage is seen, splitting the run into before and after it; the last one's answer
 * ends the delivery.
 *
 * Reads its job as JSON from BENCH_JOBS_JOB; progress and Pacer's logs (LOG_LEVEL, default warn)
 * go to stderr; its figures are one JSON object on the last line of stdout.
 */
import { readFileSync } from 'node:fs';
import { WebAPIRateLimitedError, type WebClient } from '@slack/web-api';
import { processClock } from '../../src/clock.js';
import { openDatabase } from '../../src/db/client.js';
import type { JobSummary } from '../../src/jobs/context.js';
import type { WeeklyKind } from '../../src/jobs/plan.js';
import { explicitJob } from '../../src/jobs/registry.js';
import { jobContext } from '../../src/jobs/setup.js';
import { runTeamSnapshots } from '../../src/jobs/team-snapshots.js';
import { runWeekly } from '../../src/jobs/weekly.js';
import { createLogger } from '../../src/logger.js';
import { deliveryClients, type DeliveryClients } from '../../src/slack/delivery/clients.js';

export interface JobsWorkerJob {
  databaseUrl: string;
  /** The local Slack's Web API URL (SLACK_API_URL). */
  slackApiUrl: string;
  botToken: string;
  /** ISO instant: the job runs as of it and the process clock starts there (PACER_NOW). */
  asOf: string;
  kinds: WeeklyKind[];
}

/** Web API calls of one method in one phase: how many, and their summed wall time. */
export interface CallStats {
  calls: number;
  seconds: number;
}

/** What the worker prints: times in seconds from the start of runWeekly. */
export interface JobsWorkerResult {
  /** Time the run spent computing messages (its summary's computeMs), overlapping the posting. */
  computeSeconds: number;
  /** The first chat.postMessage's start. */
  firstPostAt: number | null;
  lastPostDoneAt: number | null;
  runSeconds: number;
  summary: JobSummary;
  /** Calls made through the delivery client, started before and after the first post (auth.test inside clientFor is not seen). */
  apiCalls: { beforeFirstPost: Record<string, CallStats>; afterFirstPost: Record<string, CallStats> };
  posts: { ok: number; rateLimited: number; otherErrors: number };
  cpuSeconds: { beforeFirstPost: number; afterFirstPost: number };
  /** VmHWM at the first post and at the end. */
  peakRssMbAtFirstPost: number | null;
  peakRssMb: number | null;
  openDatabaseMs: number;
  /** The team-snapshots job run before runWeekly (not in the run's figures): its summary, seconds and the worker's VmHWM after it. */
  snapshotsJob: { teams: number; built: number; pacesKept: number; failed: number; seconds: number; peakRssMb: number | null };
}

const log = (message: string): void => {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
};
const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;
const roundStats = (byMethod: Record<string, CallStats>) => Object.fromEntries(Object.entries(byMethod).map(([m, s]) => [m, { calls: s.calls, seconds: round(s.seconds, 2) }]));

function selfPeakRssMb(): number | null {
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? round(Number(m[1]) / 1024, 1) : null;
}

type Hook = { before: (method: string, startedAt: number) => void; after: (method: string, error: unknown, startedAt: number) => void };

/**
 * The client with every Web API method (`client.chat.postMessage`, `client.users.lookupByEmail`…)
 * reported to `hook` before the call and when it settles. Everything else passes through.
 */
function observed<T extends object>(target: T, hook: Hook, path = ''): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(t, prop, receiver) {
      const value: unknown = Reflect.get(t, prop, receiver);
      if (typeof prop !== 'string' || prop === 'then') return value;
      if (wrapped.has(prop)) return wrapped.get(prop);
      const method = path ? `${path}.${prop}` : prop;
      let out: unknown;
      if (path && typeof value === 'function') {
        const fn = value as (...args: unknown[]) => unknown;
        out = (...args: unknown[]) => {
          const startedAt = performance.now();
          hook.before(method, startedAt);
          const result = fn.apply(t, args);
          if (result instanceof Promise) {
            return result.then(
              (v: unknown) => {
                hook.after(method, null, startedAt);
                return v;
              },
              (err: unknown) => {
                hook.after(method, err, startedAt);
                throw err;
              },
            );
          }
          hook.after(method, null, startedAt);
          return result;
        };
      } else if (!path && prop !== 'logger' && typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
        // A method namespace (chat, users, …: plain objects of bound methods): its functions are reported.
        out = observed(value, hook, method);
      } else {
        return value;
      }
      wrapped.set(prop, out);
      return out;
    },
  });
}

const raw = process.env.BENCH_JOBS_JOB;
if (!raw) throw new Error('BENCH_JOBS_JOB is not set (this script is started by bench/jobs.ts)');
const job = JSON.parse(raw) as JobsWorkerJob;
const asOf = new Date(job.asOf);
const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', destination: process.stderr });

const openedAt = performance.now();
// As in production: the default pool (src/db/client.ts).
const db = await openDatabase({ databaseUrl: job.databaseUrl });
const openDatabaseMs = performance.now() - openedAt;
try {
  const clock = processClock(asOf);
  let started = 0;
  let firstPostAt: number | null = null;
  let cpuAtFirstPost: NodeJS.CpuUsage | null = null;
  let peakRssMbAtFirstPost: number | null = null;
  let lastPostDoneAt: number | null = null;
  const apiCalls: JobsWorkerResult['apiCalls'] = { beforeFirstPost: {}, afterFirstPost: {} };
  const posts = { ok: 0, rateLimited: 0, otherErrors: 0 };
  const hook: Hook = {
    before(method, startedAt) {
      if (method !== 'chat.postMessage' || firstPostAt !== null) return;
      firstPostAt = startedAt;
      cpuAtFirstPost = process.cpuUsage();
      peakRssMbAtFirstPost = selfPeakRssMb();
      log(`first post ${round((firstPostAt - started) / 1000, 1)} s after the start`);
    },
    after(method, error, startedAt) {
      const phase = firstPostAt === null || startedAt < firstPostAt ? apiCalls.beforeFirstPost : apiCalls.afterFirstPost;
      const stats = (phase[method] ??= { calls: 0, seconds: 0 });
      stats.calls++;
      stats.seconds += (performance.now() - startedAt) / 1000;
      if (method !== 'chat.postMessage') return;
      if (error === null) {
        posts.ok++;
        lastPostDoneAt = performance.now();
      } else if (error instanceof WebAPIRateLimitedError) {
        posts.rateLimited++;
      } else {
        posts.otherErrors++;
      }
    },
  };

  const production = deliveryClients({ kind: 'http', botToken: job.botToken, signingSecret: 'unused-by-delivery' }, job.slackApiUrl, db, logger);
  const clients: DeliveryClients = {
    async clientFor(slackTeamId) {
      const client = await production.clientFor(slackTeamId);
      return client ? observed<WebClient>(client, hook) : null;
    },
  };
  const ctx = jobContext({ db, logger, clock, clients });

  const progress = setInterval(() => {
    const s = round((performance.now() - started) / 1000, 0);
    if (firstPostAt === null) log(`${s} s: computing`);
    else log(`${s} s: ${posts.ok} posted, ${posts.rateLimited} answered 429`);
  }, 10_000);
  // The team-snapshots job as of the run's instant, as a running Pacer has run it within a minute
  // of each team's week turning, hours before the weekly messages are due (docs/rollups.md).
  const snapshotsStarted = performance.now();
  const snapshotsSummary = await runTeamSnapshots(db, logger, asOf);
  const snapshotsJob = { ...snapshotsSummary, seconds: round((performance.now() - snapshotsStarted) / 1000), peakRssMb: selfPeakRssMb() };
  log(`team-snapshots job: ${snapshotsJob.built} of ${snapshotsJob.teams} teams built, ${snapshotsJob.pacesKept} teams' paces of a week earlier kept, links computed, in ${snapshotsJob.seconds} s`);
  log(`runWeekly(${job.kinds.join(', ')}) as of ${asOf.toISOString()}, immediately`);
  const cpuStart = process.cpuUsage();
  started = performance.now();
  let summary;
  try {
    // The weekly jobs' lease, as the registry declares it (all three share it).
    summary = await runWeekly(ctx, new Set(job.kinds), { now: asOf, immediately: true, claimLeaseMs: explicitJob('rep-nudges').lease.ms! });
  } finally {
    clearInterval(progress);
  }
  const ended = performance.now();
  const cpuEnd = process.cpuUsage();
  const cpuSeconds = (from: NodeJS.CpuUsage, to: NodeJS.CpuUsage) => round((to.user - from.user + to.system - from.system) / 1e6, 2);
  const sinceStart = (t: number | null) => (t === null ? null : round((t - started) / 1000));
  const result: JobsWorkerResult = {
    computeSeconds: round(summary.computeMs / 1000),
    firstPostAt: sinceStart(firstPostAt),
    lastPostDoneAt: sinceStart(lastPostDoneAt),
    runSeconds: round((ended - started) / 1000),
    summary: { ...summary },
    apiCalls: { beforeFirstPost: roundStats(apiCalls.beforeFirstPost), afterFirstPost: roundStats(apiCalls.afterFirstPost) },
    posts,
    cpuSeconds: { beforeFirstPost: cpuSeconds(cpuStart, cpuAtFirstPost ?? cpuEnd), afterFirstPost: cpuAtFirstPost ? cpuSeconds(cpuAtFirstPost, cpuEnd) : 0 },
    peakRssMbAtFirstPost,
    peakRssMb: selfPeakRssMb(),
    openDatabaseMs: round(openDatabaseMs, 1),
    snapshotsJob,
  };
  log(`done in ${result.runSeconds} s: ${JSON.stringify(summary)}`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await db.close();
}
