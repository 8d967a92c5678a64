import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';
import { createKysely, pgExecute, pgliteExecute, type Execute } from './kysely.js';
import { lockDataDir } from './lock.js';
import type { DB } from './tables.js';

export type DatabaseKind = 'postgres' | 'embedded';

/** SQL on the driver: typed through Kysely, or plain where a statement is only text. */
export interface SqlRunner {
  query<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Typed queries (src/db/tables.ts) on the same pool, connection or transaction as `query`. */
  readonly kysely: Kysely<DB>;
}

/** Runs SQL on one connection inside one transaction (transactionScript). */
export interface ScriptRunner extends SqlRunner {
  /** Runs a script of several statements (no parameters). */
  exec(sql: string): Promise<void>;
}

export interface TransactionOptions {
  /**
   * Work that may take long (migrations): on a database opened with the 'request' profile it
   * runs on a connection of its own, without the request timeouts.
   */
  longRunning?: boolean;
}

/** The database's connections now, for /metrics. */
export interface PoolUsage {
  max: number;
  total: number;
  /** Unknown (null) for the embedded database, which queues queries inside itself. */
  idle: number | null;
  waiting: number | null;
}

export interface Database extends SqlRunner {
  kind: DatabaseKind;
  prisma: PrismaClient;
  /** Where the data lives, for messages (no credentials). */
  describe: string;
  /** Runs fn in one transaction on one connection. */
  transactionScript<T>(fn: (runner: ScriptRunner) => Promise<T>, options?: TransactionOptions): Promise<T>;
  poolUsage(): PoolUsage;
  close(): Promise<void>;
}

/**
 * How long callers may wait on PostgreSQL. 'request' is for the HTTP APIs, Slack handlers and
 * scheduled sends: they must answer (503) rather than hang while the database is down or does not
 * answer. 'long-running' sets no timeouts, for import, migrate, purge, seed and rebuilds, which
 * may take long. The embedded database runs in the process and has no network to wait on.
 */
export type DatabaseProfile = 'request' | 'long-running';

/** The 'request' profile's limits, in milliseconds. */
export const REQUEST_TIMEOUTS = {
  /** Opening a connection, or waiting for a free one in the pool. */
  connect: 5_000,
  /** A statement, enforced by the server. */
  statement: 10_000,
  /** A query's answer, enforced here: a server that does not answer at all cannot time itself out. */
  query: 12_000,
  /** A transaction left open by a client that went away (its row locks with it). */
  idleInTransaction: 15_000,
} as const;

export interface OpenOptions {
  databaseUrl?: string | undefined;
  /** Directory of the embedded database; `memory://` keeps it in memory (tests). */
  dataDir?: string;
  /** An in-memory embedded database's starting contents (a PGlite data directory dump): tests
   * start from one migrated image instead of running initdb and the migrations each time. */
  initialData?: Blob;
  /** Pool size for PostgreSQL. */
  maxConnections?: number;
  /** Default 'long-running'; servers open theirs with 'request'. */
  profile?: DatabaseProfile;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.maxConnections ?? 10, options.profile ?? 'long-running');
  return openEmbedded(options.dataDir ?? './.data', options.initialData);
}

function requestLimits(): pg.PoolConfig {
  return {
    connectionTimeoutMillis: REQUEST_TIMEOUTS.connect,
    statement_timeout: REQUEST_TIMEOUTS.statement,
    query_timeout: REQUEST_TIMEOUTS.query,
    idle_in_transaction_session_timeout: REQUEST_TIMEOUTS.idleInTransaction,
  };
}

/** A transaction's runner; its Kysely is made on first use (most scripts never ask for it). */
function scriptRunner(plain: Omit<ScriptRunner, 'kysely'>, execute: Execute): ScriptRunner {
  let kysely: Kysely<DB> | undefined;
  return {
    ...plain,
    get kysely() {
      return (kysely ??= createKysely(execute));
    },
  };
}

async function openPostgres(url: string, max: number, profile: DatabaseProfile): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max, ...(profile === 'request' ? requestLimits() : {}) });
  // An idle connection the server ends (shutdown, restart) is dropped by the pool, which then
  // emits 'error': unheard, that would end the process. The next query meets the outage itself.
  pool.on('error', () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const parsed = new URL(url);
  /** A pooled connection, or one of its own without the request limits; `done(err)` drops it. */
  const connect = async (unlimited: boolean): Promise<{ client: pg.ClientBase; done: (err?: Error) => void }> => {
    if (!unlimited) {
      const client = await pool.connect();
      return { client, done: (err) => client.release(err) };
    }
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return { client, done: () => void client.end().catch(() => undefined) };
  };
  return {
    kind: 'postgres',
    prisma,
    query: async <T>(sql: string, params: readonly unknown[] = []) => (await pool.query(sql, [...params])).rows as T[],
    kysely: createKysely(pgExecute(pool)),
    describe: `PostgreSQL at ${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`,
    poolUsage: () => ({ max, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async transactionScript(fn, options = {}) {
      const { client, done } = await connect(options.longRunning === true && profile === 'request');
      try {
        await client.query('BEGIN');
        const result = await fn(
          scriptRunner(
            {
              exec: async (sql) => {
                await client.query(sql);
              },
              query: async <T>(sql: string, params: readonly unknown[] = []) => (await client.query(sql, [...params])).rows as T[],
            },
            pgExecute(client),
          ),
        );
        await client.query('COMMIT');
        done();
        return result;
      } catch (err) {
        // The connection is dropped, not rolled back: the server rolls the transaction back as it
        // closes, and a ROLLBACK after a timeout would wait as long again.
        done(err instanceof Error ? err : new Error(String(err)));
        throw err;
      }
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

async function openEmbedded(dataDir: string, initialData: Blob | undefined): Promise<Database> {
  // Loaded only here: PGlite and its adapter cost ~50 MB that PostgreSQL deployments never need.
  const [{ PGlite }, { PrismaPGlite }] = await Promise.all([import('@electric-sql/pglite'), import('pglite-prisma-adapter')]);
  const inMemory = dataDir.startsWith('memory://');
  const dbDir = inMemory ? dataDir : path.join(dataDir, 'pglite');
  const release = inMemory ? async () => undefined : await lockDataDir(path.resolve(dataDir));
  let pglite: InstanceType<typeof PGlite>;
  try {
    pglite = await PGlite.create(dbDir, inMemory && initialData ? { loadDataDir: initialData } : {});
  } catch (err) {
    await release();
    throw err;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    kind: 'embedded',
    prisma,
    query: async <T>(sql: string, params: readonly unknown[] = []) => (await pglite.query<T>(sql, [...params])).rows,
    kysely: createKysely(pgliteExecute(pglite)),
    describe: inMemory ? 'embedded database in memory' : `embedded database in ${path.resolve(dbDir)}`,
    // One connection, in the process: it is always open.
    poolUsage: () => ({ max: 1, total: 1, idle: null, waiting: null }),
    transactionScript: (fn) =>
      pglite.transaction((tx) =>
        fn(
          scriptRunner(
            {
              exec: async (sql) => {
                await tx.exec(sql);
              },
              query: async <T>(sql: string, params: readonly unknown[] = []) => (await tx.query<T>(sql, [...params])).rows,
            },
            pgliteExecute(tx),
          ),
        ),
      ),
    async close() {
      await prisma.$disconnect();
      await pglite.close();
      await release();
    },
  };
}
