/**
 * Where the HTTP ingestion path spends its time (a companion to bench/ingest.ts, not a
 * benchmark): `npx tsx bench/profile-ingest.ts`.
 *
 * Runs the PostgreSQL phase of bench:ingest on a smaller scale (PROFILE_EVENTS, default 200,000)
 * with the server under `--cpu-prof` and PostgreSQL with pg_stat_statements and auto_explain, then
 * reports: the CPU seconds of the server, PostgreSQL and the load generator over the timed run;
 * the server's top self-time functions and areas (samples of the timed run only); per-statement
 * database time (pg_stat_statements); and the EXPLAIN ANALYZE (buffers, FK triggers) of every
 * statement of a 1,000-event batch sent once the table is filled, first with the statistics
 * autovacuum left, then after ANALYZE.
 * Progress and the plans go to stderr; the last line of stdout is the summary as JSON.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/db/client.js';
import { freePort } from '../tests/helpers/postgres-server.js';
import { summariseCpuProfile } from './lib/cpu-profile.js';
import { processCpuSeconds, treeCpuSeconds } from './lib/cpu-time.js';
import { serialisedBatches } from './lib/generate.js';
import { sendBatches } from './lib/load.js';
import { startPostgres } from '../tests/helpers/postgres-server.js';
import { createDatabase, scalar, withClient } from './lib/pg.js';
import { childEnv, log, spawnNode, waitReady } from './lib/processes.js';
import { seedWorkspace } from './lib/seed.js';

const EVENTS = Number(process.env.PROFILE_EVENTS ?? 200_000);
const BATCH = 1_000;
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 2);
const WARMUP_BATCHES = 10;
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

const workDir = await mkdtemp(path.join(tmpdir(), 'pacer-profile-'));
const profDir = path.join(workDir, 'cpuprof');
const pgServer = await startPostgres({
  keepLog: true,
  settings: [
    ...['shared_preload_libraries=pg_stat_statements,auto_explain', 'pg_stat_statements.track=all', 'track_io_timing=on'],
    ...['auto_explain.log_analyze=on', 'auto_explain.log_buffers=on', 'auto_explain.log_timing=on', 'auto_explain.log_triggers=on'],
  ],
});
let server: ReturnType<typeof spawnNode> | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.allSettled([server?.stop(), pgServer.stop(), rm(workDir, { recursive: true, force: true })]).finally(() => process.exit(130));
  });
}
try {
  const url = await createDatabase(pgServer.adminUrl, 'pacer_profile');
  const db = await openDatabase({ databaseUrl: url, maxConnections: 2 });
  const seeded = await seedWorkspace(db, { ingestKey: true }).finally(() => db.close());
  const bodies = serialisedBatches(EVENTS + 2 * BATCH, BATCH, { prefix: 'prof' });
  const explainBodies = bodies.splice(-2);

  const port = await freePort();
  server = spawnNode('server', 'src/main.ts', [], childEnv({ DATABASE_URL: url, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', PACER_SCHEDULER: 'off' }), [
    '--cpu-prof',
    `--cpu-prof-dir=${profDir}`,
  ]);
  const base = `http://127.0.0.1:${port}`;
  await waitReady(server, `${base}/readyz`);

  const result = await withClient(url, async (client) => {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const postmasterPid = Number((await scalar<string>(client, `SELECT pg_read_file('postmaster.pid') AS v`)).split('\n')[0]);
    const expected = (n: number) => Array<number>(n).fill(BATCH);

    log(`warm-up: ${WARMUP_BATCHES} batches`);
    await sendBatches(base, seeded.ingestKey!, bodies.slice(0, WARMUP_BATCHES), expected(WARMUP_BATCHES), CLIENTS);
    await client.query('SELECT pg_stat_statements_reset()');
    const before = { server: processCpuSeconds(server!.pid), postgres: treeCpuSeconds(postmasterPid), bench: process.cpuUsage() };
    const timedBodies = bodies.slice(WARMUP_BATCHES);
    log(
      `timed run: ${timedBodies.length} batches (load ${loadavg()
        .map((l) => round(l))
        .join(' ')})`,
    );
    const windowStart = Number(process.hrtime.bigint() / 1000n);
    const run = await sendBatches(base, seeded.ingestKey!, timedBodies, expected(timedBodies.length), CLIENTS);
    const windowUs: [number, number] = [windowStart, Number(process.hrtime.bigint() / 1000n)];
    const benchCpu = process.cpuUsage(before.bench);
    const cpu = {
      wallSeconds: run.seconds,
      serverCpuSeconds: round(processCpuSeconds(server!.pid) - before.server),
      postgresCpuSeconds: round(treeCpuSeconds(postmasterPid) - before.postgres),
      loadGeneratorCpuSeconds: round((benchCpu.user + benchCpu.system) / 1e6),
    };
    log(`timed run: ${run.eventsPerSecond} events/s; CPU ${JSON.stringify(cpu)}`);

    const statements = (
      await client.query<{ query: string; calls: string; total_ms: number; mean_ms: number; rows: string; shared_blks_read: string; shared_blks_written: string }>(
        `SELECT regexp_replace(query, '\\s+', ' ', 'g') AS query, calls, total_exec_time AS total_ms, mean_exec_time AS mean_ms, rows,
                shared_blks_read, shared_blks_written
           FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          ORDER BY total_exec_time DESC LIMIT 15`,
      )
    ).rows.map((r) => ({
      query: r.query.slice(0, 160),
      calls: Number(r.calls),
      totalMs: Math.round(r.total_ms),
      meanMs: round(r.mean_ms),
      pctOfWall: round((r.total_ms / 1000 / run.seconds) * 100, 1),
      rows: Number(r.rows),
      blocksRead: Number(r.shared_blks_read),
      blocksWritten: Number(r.shared_blks_written),
    }));

    // Batches with every statement explained (ANALYZE, BUFFERS, triggers) into the server log:
    // first with the statistics autovacuum left (as in production during a bulk load), then
    // after an explicit ANALYZE of activity_event.
    const explainBatch = async (body: Buffer, label: string) => {
      const logStart = pgServer.log().length;
      await client.query('ALTER SYSTEM SET auto_explain.log_min_duration = 0');
      await client.query('SELECT pg_reload_conf()');
      await new Promise((r) => setTimeout(r, 500));
      const explained = await sendBatches(base, seeded.ingestKey!, [body], [BATCH], 1);
      await client.query('ALTER SYSTEM RESET auto_explain.log_min_duration');
      await client.query('SELECT pg_reload_conf()');
      await new Promise((r) => setTimeout(r, 500));
      const plans = pgServer
        .log()
        .slice(logStart)
        .split(/\n(?=\S+ \S+ \S+ \[\d+\] LOG:)/)
        .filter((entry) => entry.includes('duration:') && entry.includes('Query Text:') && !/ALTER SYSTEM|pg_reload_conf/.test(entry));
      process.stderr.write(`\n===== auto_explain of one ${BATCH}-event batch, ${label} (${explained.latencyMs.max} ms end to end) =====\n${plans.join('\n')}\n\n`);
      return {
        endToEndMs: explained.latencyMs.max,
        statements: plans.map((p) => ({
          ms: Number(/duration: ([\d.]+) ms/.exec(p)?.[1] ?? NaN),
          query: (/Query Text: (.*)/.exec(p)?.[1] ?? '').trim().slice(0, 100),
          plan: (/Query Parameters: .*\n\s*(.*)/.exec(p)?.[1] ?? '').trim().slice(0, 160),
          triggers: [...p.matchAll(/Trigger for constraint (\S+): time=([\d.]+) calls=(\d+)/g)].map((m) => ({ constraint: m[1], ms: Number(m[2]), calls: Number(m[3]) })),
        })),
      };
    };
    const tableStats = async () =>
      (
        await client.query<{ n_live_tup: string; last_autoanalyze: Date | null; last_analyze: Date | null; autoanalyze_count: string }>(
          `SELECT n_live_tup, last_autoanalyze, last_analyze, autoanalyze_count FROM pg_stat_user_tables WHERE relname = 'activity_event'`,
        )
      ).rows[0];
    const statsBefore = await tableStats();
    const staleStats = await explainBatch(explainBodies[0]!, 'statistics as autovacuum left them');
    await client.query('ANALYZE activity_event');
    const analyzed = await explainBatch(explainBodies[1]!, 'after ANALYZE activity_event');
    const oneBatch = { tableStatsBefore: statsBefore, withAutovacuumStatistics: staleStats, afterAnalyze: analyzed };
    return { windowUs, run, cpu, statements, oneBatch };
  });

  log('stopping the server (writes the CPU profile)');
  await server.stop();
  const [profFile] = (await readdir(profDir)).filter((f) => f.endsWith('.cpuprofile'));
  if (!profFile) throw new Error('the server wrote no CPU profile');
  const { windowUs, ...measured } = result;
  const profile = await summariseCpuProfile(path.join(profDir, profFile), {
    top: 30,
    windowUs,
    inclusiveOf:
      /^(ingestEvents|ingestEventsDetailed|validateEvent|contentHash|parseInstant|resolveIdentities|insertNewEvents|storedVersions|workspaceTouchTypes|workspaceStages|authenticate|verifyApiKey|safeParse|parse|stringify|_transaction|\$transaction|transaction|performIO|queryRaw|executeRaw|serializeRawParameters|JSONParse|runInTransaction)$/,
  });
  process.stdout.write(`${JSON.stringify({ ...measured, profile })}\n`);
} finally {
  await server?.stop();
  await pgServer.stop();
  await rm(workDir, { recursive: true, force: true });
}
