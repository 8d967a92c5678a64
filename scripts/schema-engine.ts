// Prisma's schema engine, run offline from its WebAssembly build, to compare prisma/schema.prisma
// with what our migrations build (tests/integration/schema-drift.test.ts) and to write the next
// migration (scripts/migration-new.ts). The Prisma CLI cannot do either here: it needs a native
// schema engine it would have to download.
//
// How the comparison works: the migrations are applied by our own migrator (src/db/migrator.ts)
// through openDatabase (src/db/client.ts) to a fresh embedded database, and the engine diffs that
// live database, read through the PGlite driver adapter, against the schema. So the check sees
// exactly what `pacer migrate` builds, not what Prisma's own shadow-database replay would build.
//
// Why a temporary directory and not `memory://`: `Database` does not expose its PGlite instance,
// and an in-memory PGlite cannot be reached from a second handle, so the engine's adapter could
// not see it. An on-disk database (the same path Pacer takes in production without
// DATABASE_URL) is migrated and closed, then reopened with a PGlite of our own for the engine.
//
// What the engine compares: tables, columns, types (with precision), nullability, defaults,
// primary keys, unique constraints, indexes, foreign keys, enums. It ignores `_prisma_migrations`.
// It does NOT read column collations (Prisma does not model them), so the COLLATE "C" of the
// initial migration is invisible to it: no normalisation is needed, and no collation change is
// ever reported (tests/integration/schema-drift.test.ts pins the collated columns separately).

import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as engineModule from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { DiffTarget, SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm/schema_engine_bg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { openDatabase } from '../src/db/client.js';
import { MIGRATIONS_DIR, migrate, readMigrations } from '../src/db/migrator.js';

export { MIGRATIONS_DIR };
export const SCHEMA_PATH = fileURLToPath(new URL('../prisma/schema.prisma', import.meta.url));

/** Name the engine uses for the schema in its messages. */
const SCHEMA_FILE_NAME = 'prisma/schema.prisma';
const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

let loaded: Promise<typeof engineModule> | undefined;

/** The WebAssembly global, which our compiler settings (lib ES2023, types node) only know as a namespace. */
const wasm = (
  globalThis as unknown as {
    WebAssembly: { instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: object } }> };
  }
).WebAssembly;

/**
 * Instantiates the engine's WebAssembly once per process. The package is a wasm-bindgen
 * "bundler" build whose entry point imports the .wasm file as a module, which Node cannot do;
 * so we instantiate the .wasm ourselves and hand it to the JS glue, as the entry point would.
 */
function loadEngineModule(): Promise<typeof engineModule> {
  loaded ??= (async () => {
    const glue = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = readFileSync(path.join(path.dirname(glue), 'schema_engine_bg.wasm'));
    const { instance } = await wasm.instantiate(bytes, { './schema_engine_bg.js': engineModule });
    engineModule.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start(): void }).__wbindgen_start();
    return engineModule;
  })();
  return loaded;
}

/** The script without comments and blank lines: '' when the engine found nothing to change. */
export function migrationStatements(sql: string): string {
  return sql
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('\n')
    .map((line) => line.replace(/--.*$/, '').trimEnd())
    .filter((line) => line.trim() !== '')
    .join('\n');
}

/** True when the script has no statement (the engine writes "-- This is an empty migration."). */
export function isEmptyMigration(sql: string): boolean {
  return migrationStatements(sql) === '';
}

/** A database built by our migrator from a migrations directory, open for the schema engine. */
export interface MigratedDatabase {
  /** Names of the migrations applied to it, in order. */
  readonly migrations: readonly string[];
  /** The SQL that takes this database to what `schemaText` describes (see isEmptyMigration). */
  diffTo(schemaText: string): Promise<string>;
  /**
   * Applies the migrations of `migrationsDir` it does not have yet, with src/db/migrator.ts, as
   * `pacer migrate` does when upgrading; returns their names.
   */
  migrate(migrationsDir: string): Promise<string[]>;
  /** Runs a read-only query on the database (for tests). */
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Closes the database and deletes its directory. */
  close(): Promise<void>;
}

class EmbeddedMigratedDatabase implements MigratedDatabase {
  migrations: string[] = [];
  private pglite: PGlite | undefined;
  private engine: SchemaEngine | undefined;

  constructor(private readonly dataDir: string) {}

  async migrate(migrationsDir: string): Promise<string[]> {
    const [engineApi, files] = await Promise.all([loadEngineModule(), readMigrations(migrationsDir)]);
    await this.detach();
    const db = await openDatabase({ dataDir: this.dataDir });
    let applied: string[];
    try {
      applied = (await migrate(db, migrationsDir)).applied;
    } finally {
      await db.close();
    }

    // openDatabase keeps an embedded database in <dataDir>/pglite (see openEmbedded).
    const pgDir = path.join(this.dataDir, 'pglite');
    const entries = await readdir(pgDir).catch(() => []);
    if (entries.length === 0) {
      throw new Error(`Expected the migrated embedded database in ${pgDir}; did openDatabase change where it keeps it?`);
    }
    this.pglite = await PGlite.create(pgDir);
    const recorded = (await this.pglite.query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations" WHERE rolled_back_at IS NULL ORDER BY migration_name')).rows.map(
      (r) => r.migration_name,
    );
    const expected = files.map((f) => f.name);
    if (recorded.join('\n') !== expected.join('\n')) {
      throw new Error(`The reopened database has migrations [${recorded.join(', ')}], expected [${expected.join(', ')}]`);
    }
    this.migrations = recorded;
    const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(this.pglite));
    this.engine = await engineApi.SchemaEngine.new({ datamodels: undefined }, () => undefined, adapter);
    return applied;
  }

  async diffTo(schemaText: string): Promise<string> {
    const files = [{ path: SCHEMA_FILE_NAME, content: schemaText }];
    // With the wasm engine the live database is whatever the adapter connects to; the schema
    // here only tells the engine the provider.
    const from: DiffTarget = { tag: 'schemaDatasource', files, configDir: path.dirname(SCHEMA_PATH) };
    const to: DiffTarget = { tag: 'schemaDatamodel', files };
    const result = await this.open().engine.diff({ from, to, script: true, exitCode: true, filters: NO_FILTERS });
    const sql = result.stdout ?? '';
    // exitCode 2 means "there are steps": keep the two signals honest with each other.
    if ((result.exitCode === 2) === isEmptyMigration(sql)) {
      throw new Error(`The schema engine returned exit code ${result.exitCode} with this script:\n${sql}`);
    }
    return sql;
  }

  async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
    return (await this.open().pglite.query<T>(sql, params)).rows;
  }

  async close(): Promise<void> {
    try {
      await this.detach();
    } finally {
      await rm(this.dataDir, { recursive: true, force: true });
    }
  }

  private open(): { engine: SchemaEngine; pglite: PGlite } {
    if (!this.engine || !this.pglite) throw new Error('The migrated database is closed');
    return { engine: this.engine, pglite: this.pglite };
  }

  private async detach(): Promise<void> {
    this.engine?.free();
    this.engine = undefined;
    const pglite = this.pglite;
    this.pglite = undefined;
    await pglite?.close();
  }
}

/**
 * Applies every migration in `migrationsDir` with src/db/migrator.ts to a new embedded database
 * in a temporary directory, and opens the schema engine on it. Close it to delete the directory.
 */
export async function openMigratedDatabase(migrationsDir = MIGRATIONS_DIR): Promise<MigratedDatabase> {
  const db = new EmbeddedMigratedDatabase(await mkdtemp(path.join(tmpdir(), 'pacer-schema-engine-')));
  try {
    await db.migrate(migrationsDir);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

/**
 * The SQL that takes the database our migrator builds from `migrationsDir` to what `schemaText`
 * describes: '' or only comments when the two agree.
 */
export async function diffSchemaAgainstMigrations(schemaText: string, migrationsDir = MIGRATIONS_DIR): Promise<string> {
  const db = await openMigratedDatabase(migrationsDir);
  try {
    return await db.diffTo(schemaText);
  } finally {
    await db.close();
  }
}
