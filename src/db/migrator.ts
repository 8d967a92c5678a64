import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PacerError } from '../errors.js';
import type { Database, ScriptRunner } from './client.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

/** Prisma's own advisory lock key, so `prisma migrate deploy` and Pacer exclude each other too. */
const MIGRATION_LOCK_KEY = 72707369;

/** The table `prisma migrate` keeps, created exactly as Prisma does so its CLI agrees with us. */
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);`;

export interface MigrationFile {
  name: string;
  sql: string;
  /** sha256 hex of the file, as Prisma computes it. */
  checksum: string;
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory() && /^\d{14}_\w+$/.test(e.name))
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

async function appliedMigrations(runner: ScriptRunner): Promise<AppliedRow[]> {
  return runner.query<AppliedRow>('SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at');
}

function checkHistory(files: MigrationFile[], applied: AppliedRow[]): MigrationFile[] {
  const byName = new Map(files.map((f) => [f.name, f]));
  const done = new Set<string>();
  for (const row of applied) {
    if (row.rolled_back_at) continue;
    if (!row.finished_at) {
      throw new PacerError('migration_failed', `Migration ${row.migration_name} started but never finished. Inspect the database, then mark it with \`prisma migrate resolve\`.`);
    }
    const file = byName.get(row.migration_name);
    if (!file) {
      throw new PacerError('migration_unknown', `The database has migration ${row.migration_name}, which this version of Pacer does not know. Is an older Pacer running against a newer database?`);
    }
    if (file.checksum !== row.checksum) {
      throw new PacerError('migration_modified', `Migration ${row.migration_name} was changed after it was applied.`);
    }
    done.add(row.migration_name);
  }
  return files.filter((f) => !done.has(f.name));
}

/**
 * Applies pending migrations in one transaction under an advisory lock, so processes starting
 * together apply each migration once, and a failed migration leaves nothing half-applied.
 * A migration may take long, so it runs without the request timeouts even in a server.
 */
export async function migrate(db: Database, dir = MIGRATIONS_DIR): Promise<{ applied: string[] }> {
  const files = await readMigrations(dir);
  return db.transactionScript(
    async (runner) => {
      await runner.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await runner.exec(CREATE_MIGRATIONS_TABLE);
      const pending = checkHistory(files, await appliedMigrations(runner));
      for (const file of pending) {
        await runner.exec(file.sql);
        await runner.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
         VALUES ($1, $2, now(), $3, 1)`,
          [randomUUID(), file.checksum, file.name],
        );
      }
      return { applied: pending.map((f) => f.name) };
    },
    { longRunning: true },
  );
}

/** Names of migrations not applied yet (for /readyz and `status`). */
export async function pendingMigrations(db: Database, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = await readMigrations(dir);
  return db.transactionScript(async (runner) => {
    const exists = await runner.query<{ present: boolean }>(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`);
    if (!exists[0]?.present) return files.map((f) => f.name);
    return checkHistory(files, await appliedMigrations(runner)).map((f) => f.name);
  });
}
