/**
 * The report side of `npm run bench:reports`, run as its own process (`node --import tsx`, with
 * the `pacer` script's node flags) so that its peak RSS is the report work's alone, not the
 * seeder's. Reads its job as JSON from BENCH_REPORT_JOB, prints progress on stderr and its
 * figures as one JSON object on the last line of stdout.
 *
 *  mode "samples":  one untimed warm-up team report, then `repSamples` rep reports (reps picked
 *                   deterministically), `teamSamples` team reports, and the load/compute split
 *                   (loadTeamInput, loadMetricEvents and computeTeamReport timed apart) for
 *                   `splitTeams` teams.
 *  mode "allTeams": every team report of the workspace, one after the other.
 */
import { readFileSync } from 'node:fs';
import { openDatabase, type Database } from '../../src/db/client.js';
import { loadMetricEvents } from '../../src/db/metrics-repo.js';
import { loadTeamInput, repReport, teamReport } from '../../src/reports/build-report.js';
import { bareTouchBuckets, computeTeamReport, eventsFrom } from '../../src/reports/compute.js';
import { teamDataHealth } from '../../src/reports/data-health.js';
import { createRng } from '../../src/seed/rng.js';

export interface ReportJob {
  mode: 'samples' | 'allTeams';
  databaseUrl?: string;
  dataDir?: string;
  workspaceId: number;
  /** ISO instant the reports are computed as of (the seed's end). */
  asOf: string;
  repSamples: number;
  teamSamples: number;
  splitTeams: number;
  /** Seed of the deterministic choice of reps and teams. */
  seed: number;
}

const log = (message: string): void => {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
};
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

function summarise(ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  const total = ms.reduce((a, b) => a + b, 0);
  return {
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    minMs: round(sorted[0] ?? 0),
    maxMs: round(sorted.at(-1) ?? 0),
    meanMs: round(ms.length ? total / ms.length : 0),
    samples: ms.length,
  };
}

/** `n` distinct items of `items` (all of them, shuffled, when n ≥ its length), the same every run. */
function pick<T>(items: readonly T[], n: number, seed: number): T[] {
  return createRng(seed).shuffle(items).slice(0, Math.min(n, items.length));
}

function selfPeakRssMb(): number | null {
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? round(Number(m[1]) / 1024) : null;
}

/** Wall time of fn, and this process's CPU time meanwhile (wall minus CPU ≈ waiting on the database). */
async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; cpuMs: number; value: T }> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const value = await fn();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000, value };
}

async function teamsOf(db: Database, workspaceId: number): Promise<string[]> {
  const teams = await db.prisma.team.findMany({ where: { workspaceId, active: true }, select: { name: true }, orderBy: { name: 'asc' } });
  return teams.map((t) => t.name);
}

async function samplesMode(db: Database, job: ReportJob, asOf: Date) {
  const teams = await teamsOf(db, job.workspaceId);
  const reps = (
    await db.prisma.teamMembership.findMany({
      where: { role: 'rep', team: { workspaceId: job.workspaceId, active: true }, member: { active: true } },
      select: { member: { select: { email: true } } },
    })
  )
    .map((m) => m.member.email)
    .sort();
  if (teams.length === 0 || reps.length === 0) throw new Error(`workspace ${job.workspaceId} has ${teams.length} teams and ${reps.length} reps`);

  // Warm-up (JIT, Prisma's query plans, the database's caches): untimed in the figures below.
  const warm = await timed(() => teamReport(db, job.workspaceId, teams[0]!, asOf));
  log(`warm-up team report of ${teams[0]}: ${round(warm.ms)} ms`);

  const repPicks = pick(reps, job.repSamples, job.seed);
  const repMs: number[] = [];
  for (const [i, email] of repPicks.entries()) {
    repMs.push((await timed(() => repReport(db, job.workspaceId, email, asOf))).ms);
    if ((i + 1) % 50 === 0) log(`rep reports: ${i + 1}/${repPicks.length}`);
  }
  const rep = summarise(repMs);
  log(`rep reports: p50 ${rep.p50Ms} ms, p99 ${rep.p99Ms} ms over ${rep.samples}`);

  const teamPicks = pick(teams, job.teamSamples, job.seed + 1);
  const teamMs: number[] = [];
  for (const name of teamPicks) teamMs.push((await timed(() => teamReport(db, job.workspaceId, name, asOf))).ms);
  const team = summarise(teamMs);
  log(`team reports: p50 ${team.p50Ms} ms, p99 ${team.p99Ms} ms over ${team.samples}`);

  // Where a team report's time goes: the same three steps teamReport takes (src/reports/build-report.ts;
  // keep them in step with it), timed apart.
  const split: {
    team: string;
    reps: number;
    events: number;
    loadTeamInputMs: number;
    loadMetricEventsMs: number;
    /** Node's own CPU during loadMetricEvents (decoding the rows); the rest is the database's work and the wire. */
    loadMetricEventsNodeCpuMs: number;
    computeTeamReportMs: number;
    dataHealthMs: number;
  }[] = [];
  for (const name of pick(teams, job.splitTeams, job.seed + 2)) {
    const input = await timed(() => loadTeamInput(db, job.workspaceId, name));
    const reps = input.value.input.reps;
    const events = await timed(() => loadMetricEvents(db, job.workspaceId, reps.map((r) => r.id), eventsFrom(input.value.input, asOf), asOf, bareTouchBuckets(input.value.input, asOf)));
    // Data health runs beside loadMetricEvents in teamReport; timed here on its own.
    const health = await timed(() => teamDataHealth(db, job.workspaceId, input.value.input, asOf, asOf));
    const compute = await timed(async () => computeTeamReport(input.value.input, events.value, asOf, undefined, health.value));
    split.push({
      team: name,
      reps: reps.length,
      events: events.value.length,
      loadTeamInputMs: round(input.ms),
      loadMetricEventsMs: round(events.ms),
      loadMetricEventsNodeCpuMs: round(events.cpuMs),
      computeTeamReportMs: round(compute.ms),
      dataHealthMs: round(health.ms),
    });
    log(`split ${name}: ${reps.length} reps, ${events.value.length} events; input ${round(input.ms)} ms, events ${round(events.ms)} ms (node CPU ${round(events.cpuMs)} ms), compute ${round(compute.ms)} ms, data health ${round(health.ms)} ms`);
  }
  const sum = (k: 'loadTeamInputMs' | 'loadMetricEventsMs' | 'computeTeamReportMs') => split.reduce((n, s) => n + s[k], 0);
  const total = sum('loadTeamInputMs') + sum('loadMetricEventsMs') + sum('computeTeamReportMs');
  const share = (n: number) => (total > 0 ? round(n / total, 3) : null);
  return {
    teams: teams.length,
    reps: reps.length,
    warmUpMs: round(warm.ms),
    repReport: rep,
    teamReport: team,
    split: {
      teams: split,
      share: {
        loadTeamInput: share(sum('loadTeamInputMs')),
        loadMetricEvents: share(sum('loadMetricEventsMs')),
        computeTeamReport: share(sum('computeTeamReportMs')),
      },
    },
    peakRssMb: selfPeakRssMb(),
  };
}

async function allTeamsMode(db: Database, job: ReportJob, asOf: Date) {
  const teams = await teamsOf(db, job.workspaceId);
  const ms: number[] = [];
  const started = performance.now();
  for (const [i, name] of teams.entries()) {
    ms.push((await timed(() => teamReport(db, job.workspaceId, name, asOf))).ms);
    if ((i + 1) % 10 === 0) log(`all teams: ${i + 1}/${teams.length}`);
  }
  const seconds = (performance.now() - started) / 1000;
  log(`all teams: ${teams.length} reports in ${round(seconds, 2)} s`);
  return { teams: teams.length, seconds: round(seconds, 3), perTeam: summarise(ms), peakRssMb: selfPeakRssMb() };
}

const raw = process.env.BENCH_REPORT_JOB;
if (!raw) throw new Error('BENCH_REPORT_JOB is not set (this script is started by bench/reports.ts)');
const job = JSON.parse(raw) as ReportJob;
const asOf = new Date(job.asOf);
const opened = await timed(() => openDatabase(job.databaseUrl ? { databaseUrl: job.databaseUrl, maxConnections: 2 } : { dataDir: job.dataDir! }));
const db = opened.value;
try {
  const result = job.mode === 'samples' ? await samplesMode(db, job, asOf) : await allTeamsMode(db, job, asOf);
  process.stdout.write(`${JSON.stringify({ openMs: round(opened.ms), ...result })}\n`);
} finally {
  await db.close();
}
