import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MIGRATIONS_DIR, SCHEMA_PATH, migrationStatements, openMigratedDatabase, type MigratedDatabase } from '../../scripts/schema-engine.js';

// prisma/schema.prisma describes the tables the application queries; prisma/migrations build
// them. They must agree, or the generated client queries columns the database lacks (or the
// other way round). The database is built by our own migrator, then Prisma's schema engine
// diffs it against the schema (see scripts/schema-engine.ts).

const HINT =
  'prisma/schema.prisma and prisma/migrations disagree. If the schema is right, run ' +
  '`npm run migration:new -- <name>` and review the migration it writes. The SQL that would make ' +
  'the migrations match the schema';

/** `schema` with `before` (which must occur exactly once) replaced by `after`. */
function mutate(schema: string, before: string, after: string): string {
  const at = schema.indexOf(before);
  if (at < 0 || schema.indexOf(before, at + 1) >= 0) {
    throw new Error(`Expected exactly one ${JSON.stringify(before)} in prisma/schema.prisma; update this test`);
  }
  return schema.slice(0, at) + after + schema.slice(at + before.length);
}

let schema: string;
let db: MigratedDatabase;

beforeAll(async () => {
  schema = await readFile(SCHEMA_PATH, 'utf8');
  db = await openMigratedDatabase();
});

afterAll(async () => {
  await db?.close();
});

describe('prisma/schema.prisma against the database the migrations build', () => {
  it('agree: the migrations build exactly what the schema describes', async () => {
    expect(db.migrations.length).toBeGreaterThan(0);
    expect(migrationStatements(await db.diffTo(schema)), HINT).toBe('');
  });

  // Each case changes the schema in memory only, and names the SQL the check must then ask for.
  const schemaOnlyChanges: { change: string; before: string; after: string; expected: RegExp }[] = [
    {
      change: 'a column in the schema only',
      before: '  name        String\n',
      after: '  name        String\n  nickname    String?\n',
      expected: /ALTER TABLE "member" ADD COLUMN\s+"nickname" TEXT;/,
    },
    {
      change: "a column's nullability",
      before: '  name        String\n',
      after: '  name        String?\n',
      expected: /ALTER TABLE "member" ALTER COLUMN "name" DROP NOT NULL;/,
    },
    {
      change: "a column's type",
      before: '  weekStartsOn      Int ',
      after: '  weekStartsOn      BigInt ',
      expected: /ALTER TABLE "team" ALTER COLUMN "week_starts_on" SET DATA TYPE BIGINT;/,
    },
    {
      change: "a column's type precision",
      before: '@db.Decimal(19, 4)\n  stage',
      after: '@db.Decimal(12, 2)\n  stage',
      expected: /ALTER TABLE "activity_event" ALTER COLUMN "amount" SET DATA TYPE DECIMAL\(12,2\);/,
    },
    {
      change: 'an index removed from the schema',
      before: '  @@index([workspaceId, leadId, occurredAt])\n',
      after: '',
      expected: /DROP INDEX "activity_event_workspace_id_lead_id_occurred_at_idx";/,
    },
    {
      change: 'a unique constraint in the schema only',
      before: '  prefix      String\n',
      after: '  prefix      String      @unique\n',
      expected: /CREATE UNIQUE INDEX "api_key_prefix_key" ON "api_key"\("prefix"\);/,
    },
    {
      change: 'a unique constraint removed from the schema',
      before: '  hash        String      @unique\n',
      after: '  hash        String\n',
      expected: /DROP INDEX "api_key_hash_key";/,
    },
    {
      change: 'a table in the schema only',
      before: '/// A target for a team',
      after: 'model Note {\n  id   Int    @id @default(autoincrement())\n  body String\n\n  @@map("note")\n}\n\n/// A target for a team',
      expected: /CREATE TABLE "note" \(/,
    },
  ];

  it.each(schemaOnlyChanges)('notices $change', async ({ before, after, expected }) => {
    const sql = await db.diffTo(mutate(schema, before, after));
    expect(migrationStatements(sql)).toMatch(expected);
  });

  it('does not see column collations, which Prisma does not model: the COLLATE "C" columns must be pinned here', async () => {
    // The initial migration gives external ids the "C" collation (byte order: fast, and right
    // for ids). Prisma's engine does not read collations, so the empty diff above says nothing
    // about them; a later migration changing a column's type (ALTER COLUMN ... SET DATA TYPE
    // resets the collation) would drop them unnoticed. This list is the guard instead.
    const collated = await db.query<{ column: string; collation: string }>(
      `SELECT table_name || '.' || column_name AS column, collation_name AS collation
         FROM information_schema.columns
        WHERE table_schema = 'public' AND collation_name IS NOT NULL AND collation_name <> 'default'
        ORDER BY 1`,
    );
    expect(collated).toEqual(
      ['activity_event.deal_id', 'activity_event.external_id', 'activity_event.lead_id', 'activity_event.type', 'identity.value', 'slack_request_signature.signature_hash'].map((column) => ({
        column,
        collation: 'C',
      })),
    );
  });
});

// Runs after the cases above (a file's tests run in order): it adds a migration to `db`.
describe('a migration the schema does not describe', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pacer-drift-'));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    await mkdir(path.join(dir, '29991231000000_stray_table'));
    await writeFile(path.join(dir, '29991231000000_stray_table', 'migration.sql'), 'CREATE TABLE "stray" ("id" INTEGER NOT NULL, CONSTRAINT "stray_pkey" PRIMARY KEY ("id"));\n');
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('notices a table present only in a migration', async () => {
    // Applied on top of the up-to-date database, as `pacer migrate` would on upgrade (quicker
    // than building a second database; the result is the same).
    expect(await db.migrate(dir)).toEqual(['29991231000000_stray_table']);
    const sql = await db.diffTo(schema);
    expect(migrationStatements(sql)).toMatch(/DROP TABLE "stray";/);
  });
});
