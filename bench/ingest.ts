/**
 * npm run bench:ingest — ingestion throughput (docs/interfaces.md, "Benchmarks").
 *
 *  postgres: 1,000,000 events over HTTP in 1,000-event batches from 2 concurrent clients into
 *            PostgreSQL, against a plain COPY of the same rows into the same table (same
 *            indexes, same server, same run). Target ≥ 50,000 events/s and ≥ 50% of COPY.
 *            Between the two, the rollup backlog the HTTP run left in rollup_outbox is folded and
 *            timed: ratioToCopyWithFold counts the fold's seconds with the HTTP run's.
 *  embedded: the same into the embedded database (PGlite), with fewer events.
 *  import:   `pacer import` of a 1,000,000-row events CSV: rows/s and the process's peak RSS
 *            (target < 300 MB).
 *
 * The Pacer server and the importer run as child processes (`node --import tsx …`), as in
 * production. Progress goes to stderr; the last line of stdout is the result as JSON.
 * Sizes: BENCH_EVENTS, BENCH_EMBEDDED_EVENTS, BENCH_IMPORT_ROWS, BENCH_BATCH, BENCH_CLIENTS;
 * BENCH_PHASES=postgres,embedded,import picks phases; BENCH_CPU_PROF_DIR=<dir> runs the
 * PostgreSQL phase's server with --cpu-prof into that directory; the servers run with `npm start`'s
 * node flags (its heap cap), which BENCH_SERVER_NODE_FLAGS replaces (e.g. "--max-old-space-size=192
 * --max-semi-space-size=64"); BENCH_PG_CONFIG adds PostgreSQL
 * settings (e.g. shared_buffers=1GB,max_wal_size=4GB) — both for experiments, reported in the JSON;
 * BENCH_SERVER_SCHEDULER=on runs the servers' scheduled jobs (the rollup-fold job among them).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../src/db/client.js';
import { freePort, startPostgres, type PostgresServer } from '../tests/helpers/postgres-server.js';
import { serialisedBatches, writeEventsCsv } from './lib/generate.js';
import { sendBatches } from './lib/load.js';
import { copyEvents, createDatabase, exportEvents, scalar, withClient } from './lib/pg.js';
import { processCpuSeconds, treeCpuSeconds } from './lib/cpu-time.js';
import { benchNodeFlags, cleanUp, load, onCleanup, round } from './lib/run.js';
import { childEnv, log, REPO_ROOT, spawnNode, waitReady, watchPeakRss } from './lib/processes.js';
import { pendingRollups, rolledUpEvents, timeFold } from './lib/rollup-backlog.js';
import { seedWorkspace } from './lib/seed.js';

function sizeFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number, not "${raw}"`);
  return n;
}

const EVENTS = sizeFromEnv('BENCH_EVENTS', 1_000_000);
const EMBEDDED_EVENTS = sizeFromEnv('BENCH_EMBEDDED_EVENTS', 100_000);
const IMPORT_ROWS = sizeFromEnv('BENCH_IMPORT_ROWS', 1_000_000);
const BATCH = sizeFromEnv('BENCH_BATCH', 1_000);
const CLIENTS = sizeFromEnv('BENCH_CLIENTS', 2);
const ALL_PHASES = ['postgres', 'embedded', 'import'];
/** Node flags of the importer: by default those the `pacer` npm script passes (package.json). */
const IMPORT_NODE_FLAGS = benchNodeFlags('BENCH_IMPORT_NODE_FLAGS', 'pacer');

const PHASES = new Set((process.env.BENCH_PHASES ?? ALL_PHASES.join(',')).split(',').map((s) => s.trim()));
for (const p of PHASES) if (!ALL_PHASES.includes(p)) throw new Error(`BENCH_PHASES: unknown phase "${p}" (${ALL_PHASES.join(', ')})`);
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF_DIR ? path.resolve(process.env.BENCH_CPU_PROF_DIR) : undefined;
const SERVER_NODE_FLAGS = benchNodeFlags('BENCH_SERVER_NODE_FLAGS', 'start');
const SERVER_NODE_FLAGS_CHANGED = process.env.BENCH_SERVER_NODE_FLAGS !== undefined;
const PG_CONFIG = (process.env.BENCH_PG_CONFIG ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
/**
 * PACER_SCHEDULER of the servers: off by default, so no rollup-fold job runs beside the HTTP
 * writes and the fold after them is timed alone; BENCH_SERVER_SCHEDULER=on runs the job in the
 * server (every 5 s), as `npm start` does.
 */
const SERVER_SCHEDULER = process.env.BENCH_SERVER_SCHEDULER === 'on' ? 'on' : 'off';

const TARGET_EVENTS_PER_SECOND = 50_000;
const TARGET_RATIO_TO_COPY = 0.5;
const TARGET_IMPORT_RSS_MB = 300;

function startServer(label: string, vars: Record<string, string>, nodeFlags: string[] = []) {
  const env = childEnv({ ...vars, HOST: '127.0.0.1', LOG_LEVEL: 'warn', PACER_SCHEDULER: SERVER_SCHEDULER });
  const server = spawnNode(label, 'src/main.ts', [], env, [...SERVER_NODE_FLAGS, ...nodeFlags]);
  const stop = onCleanup(`stop ${label}`, () => server.stop());
  return { server, stop };
}

/**
 * After an HTTP run: what it left in rollup_outbox, then the fold of that backlog timed (the
 * server's rollup-fold job, when it runs, folds beside it), checked to leave nothing pending and
 * every event in the week rollups. `cpu` reads the CPU seconds of the processes to account.
 */
async function foldBacklog(label: string, db: Database, workspaceId: number, events: number, cpu: () => Record<string, number>) {
  const pending = await pendingRollups(db, workspaceId);
  log(`${label}: ${pending.events} events pending in ${pending.rows} outbox rows (${events - pending.events} folded by the server's job); folding`);
  const cpuBefore = cpu();
  const benchBefore = process.cpuUsage();
  const fold = await timeFold(db, workspaceId);
  const benchCpu = process.cpuUsage(benchBefore);
  const cpuAfter = cpu();
  const left = await pendingRollups(db, workspaceId);
  const rolledUp = await rolledUpEvents(db, workspaceId);
  if (left.rows !== 0) throw new Error(`${label}: ${left.rows} outbox rows still pending after the fold`);
  if (rolledUp !== events) throw new Error(`${label}: the week rollups count ${rolledUp} events after the fold, not ${events}`);
  const eventsPerSecond = fold.seconds > 0 ? Math.round(pending.events / fold.seconds) : null;
  log(`${label}: folded ${pending.events} events in ${fold.seconds} s (${eventsPerSecond ?? '-'} events/s)`);
  return {
    seconds: fold.seconds,
    eventsPerSecond,
    folderInServer: SERVER_SCHEDULER === 'on',
    pendingAtHttpEnd: pending,
    foldedByServerDuringHttp: events - pending.events,
    // The server's job may go on folding beside the bench's fold: this is the bench's share.
    foldedByBench: fold.foldedHere,
    rolledUpEvents: rolledUp,
    cpuSeconds: {
      ...Object.fromEntries(Object.entries(cpuAfter).map(([k, v]) => [k, round(v - (cpuBefore[k] ?? 0), 1)])),
      folder: round((benchCpu.user + benchCpu.system) / 1e6, 1),
    },
  };
}

async function postgresPhase(pgServer: PostgresServer, workDir: string) {
  log(`postgres: ${EVENTS} events in batches of ${BATCH}, ${CLIENTS} clients`);
  const url = await createDatabase(pgServer.adminUrl, 'pacer_bench_http');
  const db = await openDatabase({ databaseUrl: url, maxConnections: 2 });
  const seeded = await seedWorkspace(db, { ingestKey: true }).finally(() => db.close());

  let t = performance.now();
  const bodies = serialisedBatches(EVENTS, BATCH);
  const bodyBytes = bodies.reduce((n, b) => n + b.length, 0);
  log(`postgres: ${bodies.length} bodies serialised (${round(bodyBytes / 2 ** 20, 1)} MB) in ${round((performance.now() - t) / 1000, 1)} s`);
  const expected = bodies.map((_, i) => Math.min(BATCH, EVENTS - i * BATCH));

  const port = await freePort();
  const flags = CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`] : [];
  const { server, stop } = startServer('server/postgres', { DATABASE_URL: url, PORT: String(port) }, flags);
  const rss = watchPeakRss(server.pid);
  await waitReady(server, `http://127.0.0.1:${port}/readyz`);

  return withClient(url, async (client) => {
    const version = await scalar<string>(client, `SELECT current_setting('server_version') AS v`);
    const settings = Object.fromEntries(
      (
        await client.query<{ name: string; setting: string; unit: string | null }>(
          `SELECT name, setting, unit FROM pg_settings
          WHERE name IN ('shared_buffers', 'max_wal_size', 'synchronous_commit', 'wal_level', 'fsync', 'checkpoint_timeout')`,
        )
      ).rows.map((r) => [r.name, r.unit ? `${r.setting} ${r.unit}` : r.setting]),
    );
    const postmasterPid = Number((await scalar<string>(client, `SELECT pg_read_file('postmaster.pid') AS v`)).split('\n')[0]);
    await client.query('CHECKPOINT');
    const loadBefore = load();
    log(`postgres: sending (PostgreSQL ${version}, load ${loadBefore.join(' ')})`);
    const cpuBefore = { server: processCpuSeconds(server.pid), postgres: treeCpuSeconds(postmasterPid), bench: process.cpuUsage() };
    const http = await sendBatches(`http://127.0.0.1:${port}`, seeded.ingestKey!, bodies, expected, CLIENTS);
    const benchCpu = process.cpuUsage(cpuBefore.bench);
    const httpCpu = {
      server: round(processCpuSeconds(server.pid) - cpuBefore.server, 1),
      postgres: round(treeCpuSeconds(postmasterPid) - cpuBefore.postgres, 1),
      loadGenerator: round((benchCpu.user + benchCpu.system) / 1e6, 1),
    };
    const loadAfter = load();
    const serverPeakRssMb = rss.peakMb();
    rss.stop();
    bodies.length = 0;
    log(`postgres: ${http.eventsPerSecond} events/s over ${http.seconds} s`);

    // The rollup backlog the HTTP run left, folded as the rollup-fold job or a report would.
    const foldDb = await openDatabase({ databaseUrl: url, maxConnections: 2 });
    const fold = await foldBacklog('postgres', foldDb, seeded.workspaceId, EVENTS, () => ({
      server: processCpuSeconds(server.pid),
      postgres: treeCpuSeconds(postmasterPid),
    })).finally(() => foldDb.close());
    log('postgres: stopping the server');
    await stop();

    const stored = Number(await scalar<string>(client, 'SELECT count(*) AS v FROM activity_event WHERE workspace_id = $1', [seeded.workspaceId]));
    if (stored !== EVENTS) throw new Error(`postgres: the table holds ${stored} events after the HTTP run, not ${EVENTS}`);
    const tableMb = round(Number(await scalar<string>(client, `SELECT pg_total_relation_size('activity_event') AS v`)) / 2 ** 20, 1);

    // The COPY baseline: the very rows the HTTP path stored (same identity ids, hashes and
    // columns), into the emptied table with its indexes, in one COPY.
    const dump = path.join(workDir, 'activity_event.copy');
    t = performance.now();
    const exported = await exportEvents(client, dump);
    log(`postgres: exported ${exported} rows (${round((await stat(dump)).size / 2 ** 20, 1)} MB) in ${round((performance.now() - t) / 1000, 1)} s; TRUNCATE and COPY`);
    await client.query('TRUNCATE activity_event');
    await client.query('CHECKPOINT');
    const copyLoadBefore = load();
    const copyCpuBefore = treeCpuSeconds(postmasterPid);
    t = performance.now();
    const copied = await copyEvents(client, dump);
    const copySeconds = (performance.now() - t) / 1000;
    const copyPostgresCpu = round(treeCpuSeconds(postmasterPid) - copyCpuBefore, 1);
    await rm(dump, { force: true });
    const afterCopy = Number(await scalar<string>(client, 'SELECT count(*) AS v FROM activity_event'));
    if (copied !== EVENTS || afterCopy !== EVENTS) throw new Error(`postgres: COPY stored ${afterCopy} rows (reported ${copied}), not ${EVENTS}`);
    const copyEventsPerSecond = Math.round(EVENTS / copySeconds);
    log(`postgres: COPY ${copyEventsPerSecond} rows/s over ${round(copySeconds)} s`);

    const eventsPerSecondWithFold = Math.round(EVENTS / (http.seconds + fold.seconds));
    return {
      eventsPerSecond: http.eventsPerSecond,
      copyEventsPerSecond,
      ratioToCopy: round(http.eventsPerSecond / copyEventsPerSecond),
      // Storing the events with their rollups: the HTTP run and then folding what it left pending.
      ratioToCopyWithFold: round(eventsPerSecondWithFold / copyEventsPerSecond),
      eventsPerSecondWithFold,
      foldSeconds: fold.seconds,
      foldEventsPerSecond: fold.eventsPerSecond,
      fold,
      events: EVENTS,
      batchSize: BATCH,
      batches: http.batches,
      clients: CLIENTS,
      seconds: http.seconds,
      copySeconds: round(copySeconds),
      latencyMs: http.latencyMs,
      // CPU seconds used during each timed run (the machine is shared: CPU time per event is
      // less sensitive to other load than wall time).
      cpuSeconds: { http: httpCpu, copy: { postgres: copyPostgresCpu } },
      cpuMicrosecondsPerEvent: {
        http: { server: Math.round((httpCpu.server / EVENTS) * 1e6), postgres: Math.round((httpCpu.postgres / EVENTS) * 1e6) },
        copy: { postgres: Math.round((copyPostgresCpu / EVENTS) * 1e6) },
        // The fold's CPU over the events it had to fold (the server's only when its job runs).
        fold: Object.fromEntries(Object.entries(fold.cpuSeconds).map(([k, v]) => [k, fold.pendingAtHttpEnd.events > 0 ? Math.round((v / fold.pendingAtHttpEnd.events) * 1e6) : null])),
      },
      requestBodyMb: round(bodyBytes / 2 ** 20, 1),
      tableWithIndexesMb: tableMb,
      serverPeakRssMb,
      postgresVersion: version,
      postgresSettings: settings,
      loadAverage: { beforeHttp: loadBefore, afterHttp: loadAfter, beforeCopy: copyLoadBefore, afterCopy: load() },
      targets: {
        eventsPerSecond: TARGET_EVENTS_PER_SECOND,
        ratioToCopy: TARGET_RATIO_TO_COPY,
        met: http.eventsPerSecond >= TARGET_EVENTS_PER_SECOND && http.eventsPerSecond / copyEventsPerSecond >= TARGET_RATIO_TO_COPY,
      },
    };
  });
}

async function embeddedPhase(workDir: string) {
  log(`embedded: ${EMBEDDED_EVENTS} events in batches of ${BATCH}, ${CLIENTS} clients`);
  const dataDir = path.join(workDir, 'embedded');
  // Only one process may open the embedded database: set it up, close it, then start the server.
  let db = await openDatabase({ dataDir });
  const seeded = await seedWorkspace(db, { ingestKey: true }).finally(() => db.close());

  const bodies = serialisedBatches(EMBEDDED_EVENTS, BATCH, { prefix: 'emb' });
  const expected = bodies.map((_, i) => Math.min(BATCH, EMBEDDED_EVENTS - i * BATCH));
  const port = await freePort();
  // An explicit, empty config directory: without any config and Slack, `npm start` on a data
  // directory is the sandbox (it generates its demo org); the workspace is written above instead.
  const noConfig = path.join(workDir, 'no-config');
  await mkdir(noConfig, { recursive: true });
  const { server, stop } = startServer('server/embedded', { PACER_DATA_DIR: dataDir, PACER_CONFIG: noConfig, PORT: String(port) });
  const rss = watchPeakRss(server.pid);
  await waitReady(server, `http://127.0.0.1:${port}/readyz`);
  const loadBefore = load();
  const http = await sendBatches(`http://127.0.0.1:${port}`, seeded.ingestKey!, bodies, expected, CLIENTS);
  const loadAfter = load();
  const serverPeakRssMb = rss.peakMb();
  rss.stop();
  log(`embedded: ${http.eventsPerSecond} events/s over ${http.seconds} s; stopping the server`);
  await stop();

  // The embedded database has one process: the server is stopped, so the backlog is folded here, in process.
  db = await openDatabase({ dataDir });
  const checked = async (opened: Database) => {
    const stored = await opened.prisma.activityEvent.count({ where: { workspaceId: seeded.workspaceId } });
    if (stored !== EMBEDDED_EVENTS) throw new Error(`embedded: the database holds ${stored} events after the run, not ${EMBEDDED_EVENTS}`);
    return foldBacklog('embedded', opened, seeded.workspaceId, EMBEDDED_EVENTS, () => ({}));
  };
  const fold = await checked(db).finally(() => db.close());
  return {
    eventsPerSecond: http.eventsPerSecond,
    eventsPerSecondWithFold: Math.round(EMBEDDED_EVENTS / (http.seconds + fold.seconds)),
    foldSeconds: fold.seconds,
    foldEventsPerSecond: fold.eventsPerSecond,
    fold,
    events: EMBEDDED_EVENTS,
    note: `PGlite: ${EMBEDDED_EVENTS.toLocaleString('en-US')} events (not ${EVENTS.toLocaleString('en-US')}), same batches and clients`,
    batchSize: BATCH,
    batches: http.batches,
    clients: CLIENTS,
    seconds: http.seconds,
    latencyMs: http.latencyMs,
    serverPeakRssMb,
    loadAverage: { before: loadBefore, after: loadAfter },
  };
}

/** Whether `pacer import` exists yet (another issue builds it): null when it does, else why not. */
async function importUnavailable(): Promise<string | null> {
  if (!existsSync(path.join(REPO_ROOT, 'src/cli/import.ts'))) return 'src/cli/import.ts does not exist yet';
  const probe = spawnNode('import --help', 'src/cli/index.ts', ['import', '--help'], childEnv({ LOG_LEVEL: 'warn' }));
  const { code } = await probe.exited;
  return code === 0 ? null : `\`pacer import --help\` exited with ${code}: the import command is not registered yet`;
}

async function importPhase(pgServer: PostgresServer, workDir: string) {
  const unavailable = await importUnavailable();
  if (unavailable) {
    log(`import: SKIPPED — ${unavailable}`);
    return { rowsPerSecond: null, peakRssMb: null, rows: IMPORT_ROWS, skipped: unavailable };
  }
  log(`import: ${IMPORT_ROWS} rows`);
  const url = await createDatabase(pgServer.adminUrl, 'pacer_bench_import');
  const db = await openDatabase({ databaseUrl: url, maxConnections: 2 });
  const seeded = await seedWorkspace(db, { ingestKey: false }).finally(() => db.close());

  const file = path.join(workDir, 'events.csv');
  let t = performance.now();
  const bytes = await writeEventsCsv(file, IMPORT_ROWS, { prefix: 'csv' });
  log(`import: wrote ${file} (${round(bytes / 2 ** 20, 1)} MB) in ${round((performance.now() - t) / 1000, 1)} s`);

  const loadBefore = load();
  t = performance.now();
  const child = spawnNode('import', 'src/cli/index.ts', ['import', file, '--kind', 'events', '--workspace', seeded.slackTeamId], childEnv({ DATABASE_URL: url, LOG_LEVEL: 'warn' }), IMPORT_NODE_FLAGS);
  const kill = onCleanup('stop import', () => child.stop(5_000));
  const rss = watchPeakRss(child.pid, 20);
  const { code, signal } = await child.exited;
  const seconds = (performance.now() - t) / 1000;
  const peakRssMb = rss.peakMb();
  rss.stop();
  await kill();

  const stored = await withClient(url, async (c) => Number(await scalar<string>(c, 'SELECT count(*) AS v FROM activity_event WHERE workspace_id = $1', [seeded.workspaceId])));
  const rejectedFile = path.join(workDir, 'events.rejected.csv');
  const rejectedRows = existsSync(rejectedFile) ? Math.max(0, (await readFile(rejectedFile, 'utf8')).split('\n').filter(Boolean).length - 1) : 0;
  const problems: string[] = [];
  if (code !== 0) problems.push(`the import exited with ${code ?? signal}`);
  if (stored !== IMPORT_ROWS) problems.push(`the table holds ${stored} events, not ${IMPORT_ROWS} (${rejectedRows} rows rejected)`);
  const rowsPerSecond = Math.round(IMPORT_ROWS / seconds);
  log(`import: ${rowsPerSecond} rows/s over ${round(seconds)} s, peak RSS ${peakRssMb} MB${problems.length ? ` — FAILED: ${problems.join('; ')}` : ''}`);
  return {
    rowsPerSecond,
    peakRssMb,
    rows: IMPORT_ROWS,
    rowsStored: stored,
    rowsRejected: rejectedRows,
    csvMb: round(bytes / 2 ** 20, 1),
    seconds: round(seconds),
    loadAverage: { before: loadBefore, after: load() },
    targets: { peakRssMb: TARGET_IMPORT_RSS_MB, met: peakRssMb !== null && peakRssMb < TARGET_IMPORT_RSS_MB && problems.length === 0 },
    ...(problems.length ? { failed: problems.join('; '), output: child.tail().split('\n').slice(-5) } : {}),
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadAtStart = load();
  log(`start: ${cpus().length} CPUs, load ${loadAtStart.join(' ')}, node ${process.version}`);
  const workDir = await mkdtemp(path.join(tmpdir(), 'pacer-bench-'));
  onCleanup('remove work dir', () => rm(workDir, { recursive: true, force: true }));
  log('starting PostgreSQL');
  const pgServer = await startPostgres({ settings: PG_CONFIG });
  onCleanup('stop PostgreSQL', () => pgServer.stop());

  const result: Record<string, unknown> = {};
  if (PHASES.has('postgres')) result.postgres = await postgresPhase(pgServer, workDir);
  if (PHASES.has('embedded')) result.embedded = await embeddedPhase(workDir);
  if (PHASES.has('import')) result.import = await importPhase(pgServer, workDir);
  if (SERVER_NODE_FLAGS_CHANGED || PG_CONFIG.length > 0 || SERVER_SCHEDULER === 'on') {
    result.experiment = { serverNodeFlags: SERVER_NODE_FLAGS, postgresConfig: PG_CONFIG, serverScheduler: SERVER_SCHEDULER };
  }
  result.machine = { cpus: cpus().length, node: process.version, serverNodeFlags: SERVER_NODE_FLAGS, loadAverageAtStart: loadAtStart, loadAverageAtEnd: load() };
  result.totalSeconds = round((performance.now() - started) / 1000, 1);

  await cleanUp();
  const imp = result.import;
  if (imp && typeof imp === 'object' && 'failed' in imp) process.exitCode = 1;
  process.stdout.write(`${JSON.stringify(result)}\n`);
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
