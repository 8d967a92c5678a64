/**
 * The report side of `npm run bench:reports`, run as its own process (`node --import tsx`, with
 * the `pacer` script's node flags) so that its peak RSS is the report work's alone, not the
 * seeder's. Reads its job as JSON from BENCH_REPORT_JOB, prints progress on stderr and its
 * figures as one JSON object on the last line of stdout.
 *
 *  mode "samples":  the team-snapshots job (timed apart), one untimed warm-up team report, then `repSamples` rep reports (reps picked
 *                   deterministically), `teamSamples` team reports, and the split of a team
 *                   report into its steps (loadTeamInput, loadReportFacts, data health, links,
 *                   computeTeamReportFromFacts, record names, timed apart) for `splitTeams` teams.
 *  mode "allTeams": every team report of the workspace, one after the other.
 *  mode "growth":   rep reports of two orgs alike but for their history (workspaceId and
 *                   growthWorkspaceId), the same `repSamples` reps of each, taken in turn so that
 *                   both see the same machine load, after an untimed warm-up team report of each;
 *                   with the facts' sizes of `splitTeams` teams of each.
 */
import { readFileSync } from 'node:fs';
import { openDatabase, type Database } from '../../src/db/client.js';
import { runTeamSnapshots } from '../../src/jobs/team-snapshots.js';
import { createLogger } from '../../src/logger.js';
import { recordInfos } from '../../src/db/record-names.js';
import { loadTeamInput, loadWorkspaceTeams, repReport, teamReport } from '../../src/reports/build-report.js';
import { computeTeamReportFromFacts, type TeamFacts } from '../../src/reports/compute.js';
import { teamDataHealth } from '../../src/reports/data-health.js';
import { keptTeamLinks } from '../../src/reports/links.js';
import { nameReportRecords, reportRecordRefs } from '../../src/reports/records.js';
import { loadReportFacts } from '../../src/reports/snapshot.js';
import { loadTeamFacts } from '../../src/reports/team-facts.js';
import { createRng } from '../../src/seed/rng.js';

export interface ReportJob {
  mode: 'samples' | 'allTeams' | 'growth';
  databaseUrl?: string;
  dataDir?: string;
  workspaceId: number;
  /** Mode "growth": the workspace of the org with the longer history, compared with workspaceId's. */
  growthWorkspaceId?: number;
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

/** How many facts of each kind a team report computes from (src/reports/compute.ts TeamFacts). */
function factSizes(facts: TeamFacts) {
  return {
    counted: facts.counted.length,
    dealEvents: facts.dealEvents.length,
    leadEvents: facts.leadEvents.length,
    followUpEvents: facts.followUpEvents.length,
    ...(facts.settled ? { settledLeads: facts.settled.leads.length, settledDeals: facts.settled.deals.length } : {}),
  };
}

/**
 * Where a team report's time goes: the steps teamReport takes (src/reports/build-report.ts; keep
 * them in step with it), timed apart and one after the other (teamReport reads the facts and the
 * data health at once), with how many facts the report computed from.
 */
async function splitOf(db: Database, workspaceId: number, teamNames: readonly string[], asOf: Date) {
  const steps = ['loadTeamInput', 'loadTeamFacts', 'dataHealth', 'links', 'compute', 'recordNames'] as const;
  const rows: ({ team: string; reps: number; facts: ReturnType<typeof factSizes>; loadTeamFactsNodeCpuMs: number } & Record<`${(typeof steps)[number]}Ms`, number>)[] = [];
  for (const name of teamNames) {
    const input = await timed(() => loadTeamInput(db, workspaceId, name));
    const team = input.value;
    const facts = await timed(() => loadReportFacts(db, workspaceId, team, asOf));
    const health = await timed(() => teamDataHealth(db, workspaceId, team.input, asOf, asOf));
    const links = await timed(() => keptTeamLinks(db, workspaceId, team, asOf, () => loadWorkspaceTeams(db, workspaceId)));
    const compute = await timed(async () => computeTeamReportFromFacts(team.input, facts.value, asOf, links.value, health.value));
    const names = await timed(async () => nameReportRecords(compute.value, await recordInfos(db, workspaceId, reportRecordRefs(compute.value), asOf)));
    const row = {
      team: name,
      reps: team.input.reps.length,
      facts: factSizes(facts.value),
      loadTeamInputMs: round(input.ms),
      loadTeamFactsMs: round(facts.ms),
      // Node's own CPU while reading the facts (decoding rows, building facts); the rest is the database's work and the wire.
      loadTeamFactsNodeCpuMs: round(facts.cpuMs),
      dataHealthMs: round(health.ms),
      linksMs: round(links.ms),
      computeMs: round(compute.ms),
      recordNamesMs: round(names.ms),
    };
    rows.push(row);
    log(
      `split ${name}: ${row.reps} reps, facts ${JSON.stringify(row.facts)}; input ${row.loadTeamInputMs} ms, facts ${row.loadTeamFactsMs} ms ` +
        `(node CPU ${row.loadTeamFactsNodeCpuMs} ms), data health ${row.dataHealthMs} ms, links ${row.linksMs} ms, compute ${row.computeMs} ms, names ${row.recordNamesMs} ms`,
    );
  }
  const sum = (step: (typeof steps)[number]) => rows.reduce((n, r) => n + r[`${step}Ms`], 0);
  const total = steps.reduce((n, step) => n + sum(step), 0);
  return {
    teams: rows,
    /** Each step's share of the steps' summed time over these teams. */
    share: Object.fromEntries(steps.map((step) => [step, total > 0 ? round(sum(step) / total, 3) : null])),
  };
}

/** The emails of the workspace's active reps of active teams, sorted. */
async function repsOf(db: Database, workspaceId: number): Promise<string[]> {
  const rows = await db.prisma.teamMembership.findMany({
    where: { role: 'rep', team: { workspaceId, active: true }, member: { active: true } },
    select: { member: { select: { email: true } } },
  });
  return rows.map((m) => m.member.email).sort();
}

/**
 * The team-snapshots job as of `asOf`, as a running Pacer has done within a minute of each team's
 * week turning (docs/rollups.md "Team snapshots"): untimed in the report figures, its own time
 * reported (`seconds` ÷ `built` is what the first report of a team's week paid without it).
 */
async function snapshotsJob(db: Database, asOf: Date) {
  const run = await timed(() => runTeamSnapshots(db, createLogger({ level: 'warn' }), asOf));
  if (run.value.failed > 0) throw new Error(`the team-snapshots job failed for ${run.value.failed} teams`);
  log(`team-snapshots job: ${run.value.built} of ${run.value.teams} teams built in ${round(run.ms / 1000, 2)} s`);
  return { ...run.value, seconds: round(run.ms / 1000, 2), perBuiltTeamMs: run.value.built > 0 ? round(run.ms / run.value.built) : null };
}

async function samplesMode(db: Database, job: ReportJob, asOf: Date) {
  const teams = await teamsOf(db, job.workspaceId);
  const reps = await repsOf(db, job.workspaceId);
  if (teams.length === 0 || reps.length === 0) throw new Error(`workspace ${job.workspaceId} has ${teams.length} teams and ${reps.length} reps`);
  const snapshots = await snapshotsJob(db, asOf);

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

  const split = await splitOf(db, job.workspaceId, pick(teams, job.splitTeams, job.seed + 2), asOf);
  return {
    teams: teams.length,
    reps: reps.length,
    warmUpMs: round(warm.ms),
    snapshotsJob: snapshots,
    repReport: rep,
    teamReport: team,
    split,
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

async function growthMode(db: Database, job: ReportJob, asOf: Date) {
  if (job.growthWorkspaceId === undefined) throw new Error('mode "growth" needs growthWorkspaceId');
  const loadOrg = async (workspaceId: number) => {
    const [teams, reps] = [await teamsOf(db, workspaceId), await repsOf(db, workspaceId)];
    if (teams.length === 0 || reps.length === 0) throw new Error(`workspace ${workspaceId} has ${teams.length} teams and ${reps.length} reps`);
    return { workspaceId, teams, picks: pick(reps, job.repSamples, job.seed), ms: [] as number[] };
  };
  const base = await loadOrg(job.workspaceId);
  const grown = await loadOrg(job.growthWorkspaceId);
  // Both workspaces' teams (the job takes every workspace).
  const snapshots = await snapshotsJob(db, asOf);
  for (const org of [base, grown]) {
    // Also computes and keeps every team's links of the workspace (the first report of a workspace does).
    const warm = await timed(() => teamReport(db, org.workspaceId, org.teams[0]!, asOf));
    log(`growth: warm-up team report of workspace ${org.workspaceId}: ${round(warm.ms)} ms`);
  }
  const samples = Math.min(base.picks.length, grown.picks.length);
  for (let i = 0; i < samples; i += 1) {
    // Alternating which goes first, so neither is always the one after the other's cache misses.
    for (const org of i % 2 === 0 ? [base, grown] : [grown, base]) {
      org.ms.push((await timed(() => repReport(db, org.workspaceId, org.picks[i]!, asOf))).ms);
    }
    if ((i + 1) % 50 === 0) log(`growth: rep reports ${i + 1}/${samples} of each`);
  }
  const facts = async (org: typeof base) => {
    const sizes = [];
    for (const name of pick(org.teams, job.splitTeams, job.seed + 2)) {
      const { input } = await loadTeamInput(db, org.workspaceId, name);
      sizes.push({ team: name, ...factSizes(await loadTeamFacts(db, org.workspaceId, input, asOf)) });
    }
    return sizes;
  };
  const [baseRep, grownRep] = [summarise(base.ms), summarise(grown.ms)];
  log(`growth: rep report p99 ${baseRep.p99Ms} ms (workspace ${base.workspaceId}) and ${grownRep.p99Ms} ms (workspace ${grown.workspaceId}) over ${samples} each`);
  return {
    base: { repReport: baseRep, facts: await facts(base) },
    grown: { repReport: grownRep, facts: await facts(grown) },
    // The seed makes the same reps in both orgs: the same picks then compare rep with rep.
    sameReps: base.picks.slice(0, samples).every((email, i) => email === grown.picks[i]),
    snapshotsJob: snapshots,
    peakRssMb: selfPeakRssMb(),
  };
}

const raw = process.env.BENCH_REPORT_JOB;
if (!raw) throw new Error('BENCH_REPORT_JOB is not set (this script is started by bench/reports.ts)');
const job = JSON.parse(raw) as ReportJob;
const asOf = new Date(job.asOf);
const opened = await timed(() => openDatabase(job.databaseUrl ? { databaseUrl: job.databaseUrl, maxConnections: 2 } : { dataDir: job.dataDir! }));
const db = opened.value;
try {
  const modes = { samples: samplesMode, allTeams: allTeamsMode, growth: growthMode };
  const result = await modes[job.mode](db, job, asOf);
  process.stdout.write(`${JSON.stringify({ openMs: round(opened.ms), ...result })}\n`);
} finally {
  await db.close();
}
