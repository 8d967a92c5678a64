import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { openDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrator.js';

/** The migrated databases tests start from, made once per run: initdb and the migrations cost
 * seconds per embedded database, copying an image a fraction of that. */
export interface DatabaseTemplates {
  /** A PostgreSQL database on the test server to `CREATE DATABASE … TEMPLATE` from. */
  postgresTemplate: string;
  /** A file holding a migrated embedded database's data directory (PGlite dump, uncompressed). */
  embeddedImage: string;
  remove(): Promise<void>;
}

export const POSTGRES_TEMPLATE = 'pacer_test_template';

async function migratedPostgresTemplate(adminUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${POSTGRES_TEMPLATE}`);
    await admin.query(`CREATE DATABASE ${POSTGRES_TEMPLATE}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${POSTGRES_TEMPLATE}`;
  const db = await openDatabase({ databaseUrl: url.toString(), maxConnections: 1 });
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
}

/** Migrates an embedded database on disk, then dumps its data directory. */
async function migratedEmbeddedImage(dir: string): Promise<string> {
  const dataDir = path.join(dir, 'data');
  const db = await openDatabase({ dataDir });
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
  const pglite = await PGlite.create(path.join(dataDir, 'pglite'));
  try {
    const image = path.join(dir, 'migrated.tar');
    await writeFile(image, Buffer.from(await (await pglite.dumpDataDir('none')).arrayBuffer()));
    return image;
  } finally {
    await pglite.close();
  }
}

export async function makeDatabaseTemplates(adminUrl: string): Promise<DatabaseTemplates> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pacer-test-templates-'));
  const [embeddedImage] = await Promise.all([migratedEmbeddedImage(dir), migratedPostgresTemplate(adminUrl)]);
  return { postgresTemplate: POSTGRES_TEMPLATE, embeddedImage, remove: () => rm(dir, { recursive: true, force: true }) };
}
