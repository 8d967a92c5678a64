// npm run migration:new -- <name>
//
// Writes prisma/migrations/<UTC yyyyMMddHHmmss>_<name>/migration.sql with the SQL that takes the
// database our migrations build to what prisma/schema.prisma describes (the work of
// `prisma migrate dev --create-only`, which cannot run here; see scripts/schema-engine.ts).
// Review the file before committing it: the engine knows nothing of column collations
// (COLLATE "C" on ids) and says nothing about data a step would lose.
//
// --schema <file> and --migrations <dir> point it elsewhere (a copy, for trying it out).

import { readFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readMigrations } from '../src/db/migrator.js';
import { MIGRATIONS_DIR, SCHEMA_PATH, diffSchemaAgainstMigrations, isEmptyMigration } from './schema-engine.js';

/** Lower-case snake_case; the migrator only picks up directories named <14 digits>_<\w+>. */
const NAME_PATTERN = /^[a-z0-9]+(?:_[a-z0-9]+)*$/;
/** `_prisma_migrations.migration_name` is VARCHAR(255); stay well inside it. */
const MAX_NAME_LENGTH = 100;

class UsageError extends Error {}

/** UTC yyyyMMddHHmmss, the prefix Prisma gives migration directories. */
function migrationTimestamp(date: Date): string {
  return date.toISOString().replace(/\D/g, '').slice(0, 14);
}

function checkMigrationName(name: string | undefined): string {
  if (!name) throw new UsageError('Give the migration a name: npm run migration:new -- <name> (e.g. add_member_nickname)');
  if (name.length > MAX_NAME_LENGTH) throw new UsageError(`The migration name is longer than ${MAX_NAME_LENGTH} characters.`);
  if (!NAME_PATTERN.test(name)) {
    throw new UsageError(`Invalid migration name ${JSON.stringify(name)}: use lower-case letters, digits and single underscores ` + '(snake_case, e.g. add_member_nickname).');
  }
  return name;
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse();
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (args.positionals.length > 1) {
    throw new UsageError(`Expected one migration name, got ${args.positionals.length}: ${args.positionals.join(' ')}`);
  }
  const name = checkMigrationName(args.positionals[0]);
  const schemaPath = path.resolve(args.values.schema ?? SCHEMA_PATH);
  const migrationsDir = path.resolve(args.values.migrations ?? MIGRATIONS_DIR);

  const existing = await readMigrations(migrationsDir);
  const dirName = `${migrationTimestamp(new Date())}_${name}`;
  const last = existing.at(-1)?.name;
  // The migrator applies them in name order, so the new one must sort after every other.
  if (last && last.slice(0, 14) >= dirName.slice(0, 14)) {
    throw new UsageError(`The last migration, ${last}, is not older than now (${dirName.slice(0, 14)} UTC). ` + 'Check the clock, or wait a second if it was just created.');
  }

  const schema = await readFile(schemaPath, 'utf8');
  process.stdout.write(`Applying ${existing.length} migration(s) from ${display(migrationsDir)} to a scratch database and comparing with ${display(schemaPath)}…\n`);
  const sql = await diffSchemaAgainstMigrations(schema, migrationsDir);
  if (isEmptyMigration(sql)) {
    throw new UsageError(`Nothing to migrate: ${display(schemaPath)} already matches the migrations. No migration written.`);
  }

  const dir = path.join(migrationsDir, dirName);
  await mkdir(dir); // fails if it exists: never overwrite a migration
  const file = path.join(dir, 'migration.sql');
  await writeFile(file, sql.endsWith('\n') ? sql : `${sql}\n`, { flag: 'wx' });
  process.stdout.write(`Wrote ${display(file)}:\n\n${sql}\n` + 'Review it before committing: add COLLATE "C" to new id columns if they need it, and check for steps that lose data.\n');
}

/** A path relative to the working directory when it lies inside it. */
function display(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

function parse() {
  return parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    strict: true,
    options: { schema: { type: 'string' }, migrations: { type: 'string' } },
  });
}

main().catch((err: unknown) => {
  if (err instanceof UsageError) {
    console.error(`migration:new: ${err.message}`);
    process.exitCode = 2;
  } else {
    console.error('migration:new failed:', err);
    process.exitCode = 1;
  }
});
