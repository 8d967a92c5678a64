import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Database, type DatabaseKind } from '../../src/db/client.js';

export const DATABASE_KINDS: DatabaseKind[] = ['embedded', 'postgres'];

/** A fresh PostgreSQL database on the test server, empty or `migrated` (a copy of the run's
 * template); returns its URL. */
export async function createPostgresDatabase(options: { migrated?: boolean } = {}): Promise<string> {
  const admin = new URL(inject('postgresAdminUrl'));
  const name = `pacer_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(options.migrated ? `CREATE DATABASE ${name} TEMPLATE ${inject('postgresTemplate')}` : `CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  admin.pathname = `/${name}`;
  return admin.toString();
}

let embeddedImage: Promise<Blob> | undefined;

/** The run's migrated embedded database image, read once per test file. */
function migratedEmbeddedImage(): Promise<Blob> {
  embeddedImage ??= readFile(inject('embeddedImage')).then((bytes) => new Blob([bytes]));
  return embeddedImage;
}

/** A database of the given kind, private to the caller: migrated (copied from the run's
 * templates), or empty with `migrate: false`. */
export async function createTestDatabase(kind: DatabaseKind, options: { migrate?: boolean } = {}): Promise<Database> {
  const migrated = options.migrate !== false;
  if (kind === 'postgres') return openDatabase({ databaseUrl: await createPostgresDatabase({ migrated }), maxConnections: 4 });
  return openDatabase({ dataDir: 'memory://', ...(migrated ? { initialData: await migratedEmbeddedImage() } : {}) });
}
