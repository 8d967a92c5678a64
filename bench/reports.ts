/**
 * npm run bench:reports — report latency (docs/interfaces.md, "Benchmarks").
 *
 *  postgres: the generator's org (src/seed: 1,000 reps in 100 teams, ~5,000,000 events over 26
 *            weeks) seeded into PostgreSQL, then, in a separate report process:
 *            - the team-snapshots job, as a running Pacer has run it when the week turned (timed apart);
 *            - repReport p50/p99 over 500 reps picked deterministically;
 *            - teamReport p50/p99 over every team, or 50 picked deterministically when there are more;
 *            - the split of a team report into the steps teamReport takes (loadTeamInput,
 *              loadTeamFacts, data health, links, computeTeamReportFromFacts, record names, timed
 *              apart), with the sizes of the facts it computes from, for a few teams;
 *            in a third process, every team report of the workspace one after the other
 *            (seconds, and that process's peak RSS); then growth: a second org alike but with 52
 *            weeks of history, seeded into the same database, and in a fourth process the rep
 *            reports of both orgs taken in turn: growth.ratio = p99 at 52 weeks ÷ p99 at 26.
 *  embedded: the same but growth, on the embedded database (PGlite) with 100 reps (~500,000 events).
 *
 * Reports are computed as of the seed's end instant, so the figures do not move with the clock.
 * The report processes run as `pacer` does (`node --max-old-space-size=192 --import tsx`, flags
 * from package.json); their peak RSS is VmHWM from /proc. Progress goes to stderr; the last line
 * of stdout is the result as JSON.
 * Sizes: BENCH_REPS, BENCH_WEEKS, BENCH_EMBEDDED_REPS, BENCH_REP_SAMPLES, BENCH_TEAM_SAMPLES,
 * BENCH_SPLIT_TEAMS, BENCH_GROWTH_WEEKS (BENCH_GROWTH=0 skips growth); BENCH_PHASES=postgres,embedded
 * picks phases; BENCH_SEED, BENCH_END (ISO instant) change the org; BENCH_REPORT_NODE_FLAGS replaces
 * the report processes' node flags; BENCH_PG_CONFIG adds PostgreSQL settings. The reports are computed by calling repReport and teamReport,
 * without the Slack report cache (src/reports/report-cache.ts) and so without its snapshot memo,
 * as of a fixed instant.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../src/db/client.js';
import { migrate } from '../src/db/migrator.js';
import { seedDatabase, type SeedSummary } from '../src/seed/run.js';
import { startPostgres, type PostgresServer } from '../tests/helpers/postgres-server.js';
import { createDatabase, scalar, withClient } from './lib/pg.js';
import { benchNodeFlags, cleanUp, load, onCleanup, round } from './lib/run.js';
import { childEnv, log, spawnNode, watchPeakRss } from './lib/processes.js';
import type { ReportJob } from './lib/report-worker.js';

function sizeFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number, not "${raw}"`);
  return n;
}

const REPS = sizeFromEnv('BENCH_REPS', 1_000);
const WEEKS = sizeFromEnv('BENCH_WEEKS', 26);
const EMBEDDED_REPS = sizeFromEnv('BENCH_EMBEDDED_REPS', 100);
const REP_SAMPLES = sizeFromEnv('BENCH_REP_SAMPLES', 500);
const TEAM_SAMPLES = sizeFromEnv('BENCH_TEAM_SAMPLES', 50);
const SPLIT_TEAMS = sizeFromEnv('BENCH_SPLIT_TEAMS', 5);
const SEED = sizeFromEnv('BENCH_SEED', 1);
/** A fixed end instant (a Monday noon UTC): the same org and the same reports on every run. */
const END = new Date(process.env.BENCH_END ?? '2026-11-23T12:00:00Z');
if (Number.isNaN(END.getTime())) throw new Error(`BENCH_END must be an ISO instant, not "${process.env.BENCH_END}"`);
const WORKSPACE = 'T0BENCHREP';
/** Growth: a second org like the first but with GROWTH_WEEKS of history (BENCH_GROWTH=0 skips it). */
const GROWTH = !['0', 'off', 'false'].includes((process.env.BENCH_GROWTH ?? '').trim());
const GROWTH_WEEKS = sizeFromEnv('BENCH_GROWTH_WEEKS', 52);
const GROWTH_WORKSPACE = 'T0BENCHGROW';
const ALL_PHASES = ['postgres', 'embedded'];
const PHASES = new Set((process.env.BENCH_PHASES ?? ALL_PHASES.join(',')).split(',').map((s) => s.trim()));
for (const p of PHASES) if (!ALL_PHASES.includes(p)) throw new Error(`BENCH_PHASES: unknown phase "${p}" (${ALL_PHASES.join(', ')})`);
/** PostgreSQL settings for experiments (e.g. max_locks_per_transaction=1024), reported in the JSON. */
const PG_CONFIG = (process.env.BENCH_PG_CONFIG ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
/** Node flags of the report processes: by default those the `pacer` npm script passes (package.json). */
const REPORT_NODE_FLAGS = benchNodeFlags('BENCH_REPORT_NODE_FLAGS', 'pacer');

async function seed(label: string, db: Database, reps: number, weeks = WEEKS, workspace = WORKSPACE): Promise<SeedSummary> {
  await migrate(db);
  let last = 0;
  const summary = await seedDatabase(db, { reps, weeks, seed: SEED, end: END, workspace, verify: false }, (p) => {
    if (p.seconds - last < 10) return;
    last = p.seconds;
    log(`${label}: seeding ${p.repsDone}/${p.reps} reps, ${p.events} events, ${Math.round(p.events / p.seconds)} events/s`);
  });
  log(`${label}: seeded ${summary.teams} teams, ${summary.reps} reps, ${summary.events} events in ${round(summary.seconds, 1)} s`);
  return summary;
}

interface WorkerRun {
  result: Record<string, unknown>;
  /** VmHWM of the worker as polled from outside (the worker reports its own too). */
  polledPeakRssMb: number | null;
  seconds: number;
}

async function runWorker(label: string, job: ReportJob): Promise<WorkerRun> {
  const started = performance.now();
  const child = spawnNode(label, 'bench/lib/report-worker.ts', [], childEnv({ BENCH_REPORT_JOB: JSON.stringify(job), LOG_LEVEL: 'warn' }), REPORT_NODE_FLAGS);
  const kill = onCleanup(`stop ${label}`, () => child.stop(5_000));
  let stdout = '';
  child.child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  const rss = watchPeakRss(child.pid, 20);
  const { code, signal } = await child.exited;
  const polledPeakRssMb = rss.peakMb();
  rss.stop();
  await kill();
  const last = stdout.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !last.startsWith('{')) throw new Error(`${label} exited with ${code ?? signal}:\n${child.tail()}`);
  return { result: JSON.parse(last) as Record<string, unknown>, polledPeakRssMb, seconds: round((performance.now() - started) / 1000, 1) };
}

/** Runs the two report processes against a seeded database and shapes their figures. */
async function measure(label: string, target: { databaseUrl: string } | { dataDir: string }, summary: SeedSummary, repSamples: number) {
  const base = { ...target, workspaceId: summary.workspaceId, asOf: summary.end.toISOString(), repSamples, teamSamples: TEAM_SAMPLES, splitTeams: SPLIT_TEAMS, seed: SEED };
  const loadBefore = load();
  log(`${label}: rep and team reports (load ${loadBefore.join(' ')})`);
  const samples = await runWorker(`${label}/samples`, { ...base, mode: 'samples' });
  const loadMid = load();
  log(`${label}: all team reports (load ${loadMid.join(' ')})`);
  const all = await runWorker(`${label}/allTeams`, { ...base, mode: 'allTeams' });
  const s = samples.result as { repReport: object; teamReport: object; split: object; warmUpMs: number; openMs: number; snapshotsJob: object; peakRssMb: number | null };
  const a = all.result as { seconds: number; teams: number; perTeam: object; peakRssMb: number | null };
  return {
    repReport: s.repReport,
    teamReport: s.teamReport,
    allTeams: { seconds: a.seconds, peakRssMb: a.peakRssMb ?? all.polledPeakRssMb, teams: a.teams, perTeam: a.perTeam, polledPeakRssMb: all.polledPeakRssMb },
    split: s.split,
    snapshotsJob: s.snapshotsJob,
    samplesProcess: { peakRssMb: s.peakRssMb ?? samples.polledPeakRssMb, warmUpMs: s.warmUpMs, openMs: s.openMs, seconds: samples.seconds },
    sizes: { reps: summary.reps, teams: summary.teams, managers: summary.managers, weeks: summary.weeks, events: summary.events, asOf: summary.end.toISOString(), seed: SEED },
    seed: { seconds: round(summary.seconds, 1), eventsPerSecond: Math.round(summary.eventsPerSecond) },
    loadAverage: { beforeSamples: loadBefore, beforeAllTeams: loadMid, after: load() },
  };
}

async function postgresPhase(pgServer: PostgresServer) {
  log(`postgres: seeding ${REPS} reps over ${WEEKS} weeks`);
  const url = await createDatabase(pgServer.adminUrl, 'pacer_bench_reports');
  const db = await openDatabase({ databaseUrl: url, maxConnections: 3 });
  const summary = await seed('postgres', db, REPS).finally(() => db.close());
  const info = await withClient(url, async (c) => {
    await c.query('VACUUM ANALYZE');
    await c.query('CHECKPOINT');
    return {
      version: await scalar<string>(c, `SELECT current_setting('server_version') AS v`),
      tableWithIndexesMb: round(Number(await scalar<string>(c, `SELECT pg_total_relation_size('activity_event') AS v`)) / 2 ** 20, 1),
    };
  });
  log(`postgres: activity_event ${info.tableWithIndexesMb} MB with indexes (PostgreSQL ${info.version}), vacuumed and analysed`);
  const measured = await measure('postgres', { databaseUrl: url }, summary, Math.min(REP_SAMPLES, summary.reps));
  const growth = GROWTH ? await growthPhase(url, summary) : { skipped: 'BENCH_GROWTH=0' };
  return { ...measured, growth, postgres: info };
}

/**
 * Growth: seeds a second org into the same database, alike but for its history (GROWTH_WEEKS
 * instead of WEEKS, same reps, seed and end instant), after the figures above are measured, and
 * compares the rep reports of the two orgs in one fresh report process.
 */
async function growthPhase(url: string, base: SeedSummary) {
  log(`growth: seeding ${REPS} reps over ${GROWTH_WEEKS} weeks into workspace ${GROWTH_WORKSPACE}`);
  const db = await openDatabase({ databaseUrl: url, maxConnections: 3 });
  const grown = await seed('growth', db, REPS, GROWTH_WEEKS, GROWTH_WORKSPACE).finally(() => db.close());
  await withClient(url, async (c) => {
    await c.query('VACUUM ANALYZE');
    await c.query('CHECKPOINT');
  });
  const repSamples = Math.min(REP_SAMPLES, base.reps, grown.reps);
  const loadBefore = load();
  log(`growth: rep reports of both orgs (load ${loadBefore.join(' ')})`);
  const run = await runWorker('postgres/growth', {
    mode: 'growth',
    databaseUrl: url,
    workspaceId: base.workspaceId,
    growthWorkspaceId: grown.workspaceId,
    asOf: END.toISOString(),
    repSamples,
    teamSamples: TEAM_SAMPLES,
    splitTeams: SPLIT_TEAMS,
    seed: SEED,
  });
  const r = run.result as { base: { repReport: { p99Ms: number } }; grown: { repReport: { p99Ms: number } }; sameReps: boolean; snapshotsJob: object; peakRssMb: number | null };
  const ratio = r.base.repReport.p99Ms > 0 ? round(r.grown.repReport.p99Ms / r.base.repReport.p99Ms, 3) : null;
  log(`growth: ratio ${ratio} (p99 ${r.grown.repReport.p99Ms} ms at ${GROWTH_WEEKS} weeks, ${r.base.repReport.p99Ms} ms at ${WEEKS})`);
  return {
    ratio,
    // Rep report p99 of the org with GROWTH_WEEKS of history (grown) and with WEEKS (base).
    grownP99Ms: r.grown.repReport.p99Ms,
    baseP99Ms: r.base.repReport.p99Ms,
    weeks: { base: WEEKS, grown: GROWTH_WEEKS },
    repSamples,
    sameReps: r.sameReps,
    snapshotsJob: r.snapshotsJob,
    base: { ...r.base, workspace: WORKSPACE, events: base.events },
    grown: { ...r.grown, workspace: GROWTH_WORKSPACE, events: grown.events },
    seed: { seconds: round(grown.seconds, 1), eventsPerSecond: Math.round(grown.eventsPerSecond) },
    process: { peakRssMb: r.peakRssMb ?? run.polledPeakRssMb, seconds: run.seconds },
    loadAverage: { before: loadBefore, after: load() },
  };
}

async function embeddedPhase(workDir: string) {
  log(`embedded: seeding ${EMBEDDED_REPS} reps over ${WEEKS} weeks`);
  const dataDir = path.join(workDir, 'embedded');
  // Only one process may open the embedded database: seed, close, then start the report processes.
  const db = await openDatabase({ dataDir });
  const summary = await seed('embedded', db, EMBEDDED_REPS).finally(() => db.close());
  return measure('embedded', { dataDir }, summary, Math.min(REP_SAMPLES, summary.reps));
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadAtStart = load();
  log(`start: ${cpus().length} CPUs, load ${loadAtStart.join(' ')}, node ${process.version}, report node flags "${REPORT_NODE_FLAGS.join(' ')}"`);
  const workDir = await mkdtemp(path.join(tmpdir(), 'pacer-bench-reports-'));
  onCleanup('remove work dir', () => rm(workDir, { recursive: true, force: true }));

  const result: Record<string, unknown> = {};
  if (PHASES.has('postgres')) {
    log('starting PostgreSQL');
    const pgServer = await startPostgres({ settings: PG_CONFIG });
    const stop = onCleanup('stop PostgreSQL', () => pgServer.stop());
    const pgResult = await postgresPhase(pgServer);
    await stop();
    // The interface's top-level keys are the PostgreSQL figures; the rest is context.
    Object.assign(result, pgResult);
  }
  if (PHASES.has('embedded')) {
    const e = await embeddedPhase(workDir);
    result.embedded = { ...e, note: `PGlite: ${e.sizes.reps} reps, ${e.sizes.events.toLocaleString('en-US')} events` };
  }
  result.settings = { repSamples: REP_SAMPLES, teamSamples: TEAM_SAMPLES, splitTeams: SPLIT_TEAMS, reportNodeFlags: REPORT_NODE_FLAGS, postgresConfig: PG_CONFIG };
  result.machine = { cpus: cpus().length, node: process.version, loadAverageAtStart: loadAtStart, loadAverageAtEnd: load() };
  result.totalSeconds = round((performance.now() - started) / 1000, 1);

  await cleanUp();
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
