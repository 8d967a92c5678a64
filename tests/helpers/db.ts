import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Database, type DatabaseKind } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrator.js';

export const DATABASE_KINDS: DatabaseKind[] = ['embedded', 'postgres'];

/** A fresh, empty PostgreSQL database on the test server; returns its URL. */
export async function createPostgresDatabase(): Promise<string> {
  const admin = new URL(inject('postgresAdminUrl'));
  const name = `pacer_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  admin.pathname = `/${name}`;
  return admin.toString();
}

/** A migrated database of the given kind, private to the caller. */
export async function createTestDatabase(kind: DatabaseKind, options: { migrate?: boolean } = {}): Promise<Database> {
  const db =
    kind === 'postgres'
      ? await openDatabase({ databaseUrl: await createPostgresDatabase(), maxConnections: 4 })
      : await openDatabase({ dataDir: 'memory://' });
  if (options.migrate !== false) await migrate(db);
  return db;
}
