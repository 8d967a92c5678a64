import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../../src/db/client.js';
import { MIGRATIONS_DIR, migrate, pendingMigrations, readMigrations } from '../../src/db/migrator.js';
import { createPostgresDatabase, createTestDatabase, DATABASE_KINDS } from '../helpers/db.js';

const opened: Database[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

async function copyOfMigrations(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pacer-migrations-'));
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

describe.each(DATABASE_KINDS)('migrator on %s', (kind) => {
  it('applies every migration once and records it where prisma migrate looks', async () => {
    const db = await createTestDatabase(kind, { migrate: false });
    opened.push(db);
    const files = await readMigrations();
    expect(await pendingMigrations(db)).toEqual(files.map((f) => f.name));
    expect((await migrate(db)).applied).toEqual(files.map((f) => f.name));
    expect((await migrate(db)).applied).toEqual([]);
    expect(await pendingMigrations(db)).toEqual([]);
    const rows = await db.prisma.$queryRawUnsafe<{ migration_name: string; checksum: string; finished_at: Date | null }[]>('SELECT migration_name, checksum, finished_at FROM "_prisma_migrations"');
    expect(rows.map((r) => [r.migration_name, r.checksum])).toEqual(files.map((f) => [f.name, f.checksum]));
    expect(rows.every((r) => r.finished_at instanceof Date)).toBe(true);
  });

  it('rolls a failing migration back whole and says which one failed', async () => {
    const dir = await copyOfMigrations();
    await mkdir(path.join(dir, '29991231000000_broken'));
    await writeFile(path.join(dir, '29991231000000_broken', 'migration.sql'), 'CREATE TABLE half_written (id int);\nSELECT no_such_function();\n');
    const db = await createTestDatabase(kind, { migrate: false });
    opened.push(db);
    await expect(migrate(db, dir)).rejects.toThrow(/no_such_function/);
    // Nothing of the batch stayed: not the earlier migrations, not the half of the broken one.
    const tables = await db.prisma.$queryRawUnsafe<{ t: string | null }[]>(`SELECT to_regclass('half_written')::text AS t UNION ALL SELECT to_regclass('activity_event')::text`);
    expect(tables.map((r) => r.t)).toEqual([null, null]);
  });

  it('refuses a migration edited after it was applied', async () => {
    const dir = await copyOfMigrations();
    const db = await createTestDatabase(kind, { migrate: false });
    opened.push(db);
    await migrate(db, dir);
    const [first] = await readMigrations(dir);
    await writeFile(path.join(dir, first!.name, 'migration.sql'), `${first!.sql}\n-- edited\n`);
    await expect(migrate(db, dir)).rejects.toThrow(`Migration ${first!.name} was changed after it was applied`);
  });
});

describe('migrator on postgres, concurrently', () => {
  it('applies each migration once when several processes start together', async () => {
    const url = await createPostgresDatabase();
    const dbs = await Promise.all([1, 2, 3, 4].map(() => openDatabase({ databaseUrl: url, maxConnections: 2 })));
    opened.push(...dbs);
    const results = await Promise.all(dbs.map((db) => migrate(db)));
    const files = await readMigrations();
    expect(results.flatMap((r) => r.applied).sort()).toEqual(files.map((f) => f.name).sort());
    const rows = await dbs[0]!.prisma.$queryRawUnsafe<{ n: bigint }[]>('SELECT count(*) AS n FROM "_prisma_migrations"');
    expect(Number(rows[0]!.n)).toBe(files.length);
  });
});
