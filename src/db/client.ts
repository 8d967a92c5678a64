import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';
import { lockDataDir } from './lock.js';

export type DatabaseKind = 'postgres' | 'embedded';

/** Runs SQL on one connection inside one transaction (used by the migrator). */
export interface ScriptRunner {
  /** Runs a script of several statements (no parameters). */
  exec(sql: string): Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** Plain SQL on the driver, for hot paths where Prisma's parameter round trip costs too much. */
export interface SqlRunner {
  query<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

export interface Database extends SqlRunner {
  kind: DatabaseKind;
  prisma: PrismaClient;
  /** Where the data lives, for messages (no credentials). */
  describe: string;
  /** Runs fn in one transaction on one connection. */
  transactionScript<T>(fn: (runner: ScriptRunner) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string | undefined;
  /** Directory of the embedded database; `memory://` keeps it in memory (tests). */
  dataDir?: string;
  /** Pool size for PostgreSQL. */
  maxConnections?: number;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.maxConnections ?? 10);
  return openEmbedded(options.dataDir ?? './.data');
}

async function openPostgres(url: string, max: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const parsed = new URL(url);
  return {
    kind: 'postgres',
    prisma,
    query: async <T>(sql: string, params: readonly unknown[] = []) => (await pool.query(sql, [...params])).rows as T[],
    describe: `PostgreSQL at ${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`,
    async transactionScript(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          exec: async (sql) => {
            await client.query(sql);
          },
          query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
        });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

async function openEmbedded(dataDir: string): Promise<Database> {
  // Loaded only here: PGlite and its adapter cost ~50 MB that PostgreSQL deployments never need.
  const [{ PGlite }, { PrismaPGlite }] = await Promise.all([import('@electric-sql/pglite'), import('pglite-prisma-adapter')]);
  const inMemory = dataDir.startsWith('memory://');
  const dbDir = inMemory ? dataDir : path.join(dataDir, 'pglite');
  const release = inMemory ? async () => undefined : await lockDataDir(path.resolve(dataDir));
  let pglite: InstanceType<typeof PGlite>;
  try {
    pglite = await PGlite.create(dbDir);
  } catch (err) {
    await release();
    throw err;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    kind: 'embedded',
    prisma,
    query: async <T>(sql: string, params: readonly unknown[] = []) => (await pglite.query<T>(sql, [...params])).rows,
    describe: inMemory ? 'embedded database in memory' : `embedded database in ${path.resolve(dbDir)}`,
    transactionScript: (fn) =>
      pglite.transaction((tx) =>
        fn({
          exec: async (sql) => {
            await tx.exec(sql);
          },
          query: async <T>(sql: string, params?: unknown[]) => (await tx.query<T>(sql, params)).rows,
        }),
      ),
    async close() {
      await prisma.$disconnect();
      await pglite.close();
      await release();
    },
  };
}
