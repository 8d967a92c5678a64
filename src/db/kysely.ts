import { Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type CompiledQuery, type DatabaseConnection, type Dialect, type Driver, type QueryResult } from 'kysely';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import pg from 'pg';
import type { DB } from './tables.js';

/**
 * Kysely over the connections Pacer already holds: the pg pool (the one Prisma's adapter uses),
 * a transaction's own pg client, the PGlite instance or a PGlite transaction. One small driver
 * serves them all, so a Kysely bound to a transactionScript runner runs on that transaction.
 *
 * Why not Kysely's PostgresDialect: it releases a pooled connection whose query failed back to
 * the pool, where pool.query (and so Pacer's raw SQL) drops it; after a statement timeout the
 * next query would wait behind the one still running on it. And Kysely's own transactions would
 * bypass transactionScript (its connection choice, its drop-instead-of-rollback on failure), so
 * they are refused here: run the work in Database.transactionScript and use the runner's kysely.
 * Why not a published PGlite dialect: kysely-pglite-dialect 1.3 declares PGlite ≤ 0.4 (this
 * project runs 0.5), runs BEGIN on the shared instance outside PGlite's transaction lock (so
 * Prisma's queries could land inside it), and closes the instance on destroy; kysely-pglite
 * bundles a code generator with a CLI's dependencies.
 */

/** What a statement returned, as both drivers report it. */
export interface Executed {
  rows: unknown[];
  /** Rows inserted, updated or deleted, where the driver says. */
  affectedRows: number | undefined;
}

/** Runs one statement on the connection (or pool, or transaction) a Kysely is bound to. */
export type Execute = (sql: string, params: unknown[]) => Promise<Executed>;

export class KyselyTransactionError extends Error {
  constructor() {
    super('Kysely transactions are not used in Pacer: run the work in Database.transactionScript and query through the runner it passes (runner.kysely).');
  }
}

const { INT8, DATE } = pg.types.builtins;
const asText = (value: string) => value;

/**
 * pg's parsers for Kysely's queries: bigint as text (pg's default, kept explicit) and date as
 * YYYY-MM-DD rather than pg's local-midnight Date, so both drivers return what src/db/tables.ts says.
 */
const PG_TYPES: pg.CustomTypesConfig = {
  getTypeParser: (oid, format): unknown => (oid === INT8 || oid === DATE ? asText : pg.types.getTypeParser(oid, format)),
};

/** The same for PGlite, which reads bigint as a number and date as a UTC-midnight Date. */
const PGLITE_PARSERS = { [INT8]: asText, [DATE]: asText };

/** One statement on a pg pool or client, with Kysely's parsers. */
export function pgExecute(target: pg.Pool | pg.ClientBase): Execute {
  return async (text, values) => {
    const result = await target.query({ text, values, types: PG_TYPES });
    return { rows: result.rows, affectedRows: result.rowCount ?? undefined };
  };
}

/** One statement on PGlite or one of its transactions, with Kysely's parsers. */
export function pgliteExecute(target: PGlite | Transaction): Execute {
  return async (sql, params) => {
    const result = await target.query(sql, params, { parsers: PGLITE_PARSERS });
    return { rows: result.rows, affectedRows: result.affectedRows };
  };
}

class RunnerConnection implements DatabaseConnection {
  constructor(private readonly execute: Execute) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const { rows, affectedRows } = await this.execute(query.sql, [...query.parameters]);
    return { rows: rows as R[], ...(affectedRows === undefined ? {} : { numAffectedRows: BigInt(affectedRows) }) };
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    // Neither target streams here: the whole result is one chunk.
    yield await this.executeQuery<R>(query);
  }
}

/**
 * Every query shares one connection object: the pool and PGlite queue concurrent statements
 * themselves, and so does a pg client inside a transaction.
 */
class RunnerDriver implements Driver {
  private readonly connection: RunnerConnection;

  constructor(execute: Execute) {
    this.connection = new RunnerConnection(execute);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return this.connection;
  }

  async beginTransaction(): Promise<void> {
    throw new KyselyTransactionError();
  }

  async commitTransaction(): Promise<void> {
    throw new KyselyTransactionError();
  }

  async rollbackTransaction(): Promise<void> {
    throw new KyselyTransactionError();
  }

  async releaseConnection(): Promise<void> {}

  /** The connection belongs to its Database: closing it is Database.close's job. */
  async destroy(): Promise<void> {}
}

class RunnerDialect implements Dialect {
  constructor(private readonly execute: Execute) {}

  createDriver(): Driver {
    return new RunnerDriver(this.execute);
  }

  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }

  createAdapter() {
    return new PostgresAdapter();
  }

  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
}

/** A typed query builder over `execute` (PostgreSQL's SQL dialect for both databases). */
export function createKysely(execute: Execute): Kysely<DB> {
  return new Kysely<DB>({ dialect: new RunnerDialect(execute) });
}
