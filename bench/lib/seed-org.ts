import type { Database } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrator.js';
import { seedDatabase, type SeedSummary } from '../../src/seed/run.js';
import { log } from './processes.js';
import { round } from './run.js';

/** The Slack team id of the generator's org in the benchmarks (the same as bench/reports.ts). */
export const BENCH_ORG_WORKSPACE = 'T0BENCHREP';

export interface BenchOrgOptions {
  reps: number;
  weeks: number;
  seed: number;
  /** Every event is before it; reports are computed as of it. */
  end: Date;
}

/**
 * Migrates the database and seeds the generator's org (src/seed, as `pacer seed`) without
 * verification, logging progress every 10 s.
 */
export async function seedBenchOrg(label: string, db: Database, options: BenchOrgOptions): Promise<SeedSummary> {
  await migrate(db);
  let last = 0;
  const summary = await seedDatabase(db, { ...options, workspace: BENCH_ORG_WORKSPACE, verify: false }, (p) => {
    if (p.seconds - last < 10) return;
    last = p.seconds;
    log(`${label}: seeding ${p.repsDone}/${p.reps} reps, ${p.events} events, ${Math.round(p.events / p.seconds)} events/s`);
  });
  log(`${label}: seeded ${summary.teams} teams, ${summary.reps} reps, ${summary.events} events in ${round(summary.seconds, 1)} s`);
  return summary;
}
