/**
 * The seed's I/O: write the org's coaching config (YAML), apply it, stream the events through
 * ingestion (which validates every one) in batches of 5,000, then verify the planted
 * behaviours by computing the team reports as of the end instant.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { applyConfig } from '../config/apply.js';
import { parseCoachingConfig } from '../config/coaching.js';
import type { Database } from '../db/client.js';
import { PacerError } from '../errors.js';
import { foldRollups } from '../db/rollups-write.js';
import { ingestEvents, MAX_EVENTS_PER_BATCH } from '../ingest/ingest-events.js';
import type { AlertRule } from '../metrics/rules.js';
import { teamReport } from '../reports/build-report.js';
import { orgEvents } from './events.js';
import { buildOrg, seedConfigDocument } from './org.js';
import { plantSubject } from './plant.js';
import { PLANT_RULES, type SeedEvent, type SeedOptions, type SeedOrg } from './types.js';

export interface SeedRunOptions extends SeedOptions {
  /** Where to write the coaching config (YAML); not written when absent. */
  configOut?: string;
  /** Compute the team reports as of the end and check the planted alerts (default true). */
  verify?: boolean;
  /** Batches in flight at once (default: 2 on PostgreSQL, 1 on the embedded database, which has one connection). */
  concurrency?: number;
  /**
   * When the events are received, by Pacer's clock (`pacer seed` passes its now); by default the
   * end instant, as if the history had arrived as it happened up to then.
   */
  receivedAt?: Date;
}

export interface SeedProgress {
  events: number;
  repsDone: number;
  reps: number;
  seconds: number;
}

export type RuleCounts = Record<AlertRule, number>;

export interface SeedVerification {
  /** Alerts of each rule in the team reports as of the end (planted and natural). */
  found: RuleCounts;
  /** Planted behaviours found, by rule (each one is looked up by rep and subject). */
  plantedFound: RuleCounts;
  /** What is missing: teams without an alert of a rule, planted behaviours not found. */
  problems: string[];
  seconds: number;
}

export interface SeedSummary {
  workspace: string;
  /** The workspace's row id (what ingestion and the reports take). */
  workspaceId: number;
  seed: number;
  weeks: number;
  /** The end instant: every event is before it; the alerts are as of it. */
  end: Date;
  teams: number;
  reps: number;
  managers: number;
  configFile: string | null;
  events: number;
  /** Events already stored with the same content (a seed run again). */
  duplicates: number;
  /** Generating and ingesting the events. */
  seconds: number;
  eventsPerSecond: number;
  planted: RuleCounts;
  verification: SeedVerification | null;
}

/** The seed ran but its check failed: carries the summary so the counts can still be shown. */
export class SeedCheckError extends PacerError {
  constructor(readonly summary: SeedSummary) {
    super('seed_check_failed', `the seeded data does not hold the planted behaviours:\n${summary.verification!.problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const zeroCounts = (): RuleCounts => ({ untouched_lead: 0, stalled_deal: 0, missed_follow_up: 0, activity_drop: 0 });

/** The coaching config of an org as YAML, with a header saying where it came from. */
export function seedConfigYaml(org: SeedOrg): string {
  const o = org.options;
  const header =
    `# Written by \`pacer seed --reps ${o.reps} --weeks ${o.weeks} --seed ${o.seed} --end ${o.end.toISOString()} --workspace ${o.workspace}\`.\n` +
    '# Synthetic org: the same options give the same file and the same events.\n';
  return header + stringify(seedConfigDocument(org), { lineWidth: 0 });
}

/**
 * Keeps at most `limit` batches in flight, so the next batch is generated while the database
 * stores the previous one; the first failure is rethrown by the next add or by drain.
 */
class BatchPool {
  private readonly running = new Set<Promise<void>>();
  private failure: Error | null = null;
  constructor(private readonly limit: number) {}

  async add(work: () => Promise<void>): Promise<void> {
    this.check();
    const p = work().catch((err: unknown) => {
      this.failure ??= err instanceof Error ? err : new Error(String(err));
    });
    const tracked = p.finally(() => this.running.delete(tracked));
    this.running.add(tracked);
    if (this.running.size >= this.limit) await Promise.race(this.running);
    this.check();
  }

  async drain(): Promise<void> {
    await Promise.all(this.running);
    this.check();
  }

  private check(): void {
    if (this.failure !== null) throw this.failure;
  }
}

/**
 * Applies the org's config and ingests its events, one rep at a time, in batches of 5,000;
 * returns what was stored. Throws on any rejected event: the generator must only make valid ones.
 */
async function ingestOrg(db: Database, workspaceId: number, org: SeedOrg, concurrency: number, receivedAt: Date, onProgress?: (p: SeedProgress) => void) {
  const started = performance.now();
  const reps = org.teams.reduce((n, t) => n + t.reps.length, 0);
  const pool = new BatchPool(concurrency);
  let accepted = 0;
  let duplicates = 0;
  let repsDone = 0;
  let buffer: SeedEvent[] = [];
  const send = async (batch: SeedEvent[]) => {
    await pool.add(async () => {
      const outcome = await ingestEvents(db, workspaceId, batch, { receivedAt });
      if (outcome.rejected.length > 0) {
        const shown = outcome.rejected.slice(0, 3).map((r) => `${r.id ?? `#${r.index}`}: ${r.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
        throw new Error(`ingestion rejected ${outcome.rejected.length} seeded events (a generator bug): ${shown.join(' | ')}`);
      }
      accepted += outcome.accepted;
      duplicates += outcome.duplicates;
      onProgress?.({ events: accepted + duplicates, repsDone, reps, seconds: (performance.now() - started) / 1000 });
    });
  };
  for (const { events } of orgEvents(org)) {
    buffer.push(...events);
    repsDone += 1;
    while (buffer.length >= MAX_EVENTS_PER_BATCH) {
      const batch = buffer.slice(0, MAX_EVENTS_PER_BATCH);
      buffer = buffer.slice(MAX_EVENTS_PER_BATCH);
      await send(batch);
    }
  }
  if (buffer.length > 0) await send(buffer);
  await pool.drain();
  // The seeded org's reports come next: fold its rollups now rather than in the first report.
  await foldRollups(db, workspaceId, 'wait');
  return { accepted, duplicates, seconds: (performance.now() - started) / 1000 };
}

/**
 * Computes every team's report as of the end (two at a time on PostgreSQL) and checks that each
 * team has at least one alert of each rule and that every planted behaviour is among them.
 */
export async function verifySeed(db: Database, workspaceId: number, org: SeedOrg, concurrency = 1): Promise<SeedVerification> {
  const started = performance.now();
  const found = zeroCounts();
  const plantedFound = zeroCounts();
  const problems: string[] = [];
  const queue = [...org.teams];
  const worker = async () => {
    for (let team = queue.shift(); team; team = queue.shift()) {
      const report = await teamReport(db, workspaceId, team.name, org.options.end);
      const alerts = report.members.flatMap((m) => m.alerts.map((a) => ({ rep: m.rep.email, rule: a.rule, subject: a.subject })));
      for (const rule of PLANT_RULES) {
        const n = alerts.filter((a) => a.rule === rule).length;
        found[rule] += n;
        if (n === 0) problems.push(`team ${team.name} has no ${rule} alert as of ${org.options.end.toISOString()}`);
      }
      for (const plant of team.plants) {
        const subject = plantSubject(plant);
        if (alerts.some((a) => a.rule === plant.rule && a.rep === plant.rep && a.subject === subject)) plantedFound[plant.rule] += 1;
        else problems.push(`team ${team.name}: the planted ${plant.rule} of ${plant.rep} (${subject}) was not found`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return { found, plantedFound, problems, seconds: (performance.now() - started) / 1000 };
}

/**
 * Seeds a database with a synthetic org (the same options give the same data): writes the
 * coaching config to `configOut` when given, applies it, ingests the events and verifies the
 * planted behaviours. Throws SeedCheckError (carrying the summary) when the check fails.
 */
export async function seedDatabase(db: Database, options: SeedRunOptions, onProgress?: (p: SeedProgress) => void): Promise<SeedSummary> {
  const org = buildOrg(options);
  const document = seedConfigDocument(org);
  const parsed = parseCoachingConfig(document);
  if (!parsed.ok) throw new Error(`the seeded config is invalid (a generator bug): ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  if (options.configOut !== undefined) {
    await mkdir(path.dirname(path.resolve(options.configOut)), { recursive: true });
    await writeFile(options.configOut, seedConfigYaml(org), 'utf8');
  }
  const applied = await applyConfig(db, parsed.config);
  const workspaceId = applied.workspace.id;
  const concurrency = options.concurrency ?? (db.kind === 'postgres' ? 2 : 1);
  const ingested = await ingestOrg(db, workspaceId, org, concurrency, options.receivedAt ?? options.end, onProgress);

  const planted = zeroCounts();
  for (const team of org.teams) for (const plant of team.plants) planted[plant.rule] += 1;
  const verification = options.verify === false ? null : await verifySeed(db, workspaceId, org, concurrency);
  const events = ingested.accepted + ingested.duplicates;
  const summary: SeedSummary = {
    workspace: options.workspace,
    workspaceId,
    seed: options.seed,
    weeks: options.weeks,
    end: options.end,
    teams: org.teams.length,
    reps: org.teams.reduce((n, t) => n + t.reps.length, 0),
    managers: org.managers,
    configFile: options.configOut ?? null,
    events,
    duplicates: ingested.duplicates,
    seconds: ingested.seconds,
    eventsPerSecond: ingested.seconds > 0 ? events / ingested.seconds : 0,
    planted,
    verification,
  };
  if (verification && verification.problems.length > 0) throw new SeedCheckError(summary);
  return summary;
}
