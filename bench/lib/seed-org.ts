import { openDatabase, type Database } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrator.js';
import { seedDatabase, type SeedSummary } from '../../src/seed/run.js';
import { startPostgres } from '../../tests/helpers/postgres-server.js';
import { createDatabase, withClient } from './pg.js';
import { log } from './processes.js';
import { onCleanup, round } from './run.js';

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

/**
 * A database holding the org: BENCH_DATABASE_URL as it is (`reusedUrl`), or a throwaway
 * PostgreSQL seeded now, vacuumed and analysed (stopped by the cleanup registry).
 */
export async function benchOrgDatabase(databaseName: string, reusedUrl: string | undefined, options: BenchOrgOptions): Promise<{ url: string; seed: Record<string, unknown> }> {
  if (reusedUrl) {
    log('reusing the database of BENCH_DATABASE_URL');
    return { url: reusedUrl, seed: { reused: true, note: 'BENCH_DATABASE_URL: the org as found there (BENCH_REPS, BENCH_WEEKS and BENCH_SEED do not apply)' } };
  }
  log('starting PostgreSQL');
  const pgServer = await startPostgres();
  onCleanup('stop PostgreSQL', () => pgServer.stop());
  const url = await createDatabase(pgServer.adminUrl, databaseName);
  log(`seeding ${options.reps} reps over ${options.weeks} weeks (seed ${options.seed}, ending ${options.end.toISOString()})`);
  const db = await openDatabase({ databaseUrl: url, maxConnections: 3 });
  const summary = await seedBenchOrg('seed', db, options).finally(() => db.close());
  await withClient(url, async (c) => {
    await c.query('VACUUM ANALYZE');
    await c.query('CHECKPOINT');
  });
  log('vacuumed and analysed');
  return { url, seed: { seconds: round(summary.seconds, 1), eventsPerSecond: Math.round(summary.eventsPerSecond) } };
}
