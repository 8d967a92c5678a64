import { loadEnv, type Env } from '../config/env.js';
import { openDatabase, type Database } from '../db/client.js';
import { migrate } from '../db/migrator.js';
import { PacerError } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';

export interface CliContext {
  env: Env;
  db: Database;
  logger: Logger;
  /** Migrations applied when the database was opened. */
  applied: string[];
}

/** Thrown by a command to end with a message and an exit code, without a stack trace. */
export class CliExit extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/**
 * Opens the database named by the environment (migrating it first), runs the command, closes.
 * CLI logs go to stderr so that stdout carries only the command's output.
 */
export async function withDatabase<T>(fn: (ctx: CliContext) => Promise<T>): Promise<T> {
  const env = loadEnv();
  const logger = createLogger({ level: env.logLevel === 'info' ? 'warn' : env.logLevel, destination: process.stderr });
  const db = await openDatabase({ databaseUrl: env.databaseUrl, dataDir: env.dataDir });
  try {
    const { applied } = await migrate(db);
    return await fn({ env, db, logger, applied });
  } finally {
    await db.close();
  }
}

/** Runs a CLI action: known errors print their message and set the exit code; others propagate. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      if (err instanceof CliExit || err instanceof PacerError) {
        process.stderr.write(`${err.message}\n`);
        process.exitCode = err instanceof CliExit ? err.exitCode : 1;
        return;
      }
      throw err;
    }
  };
}
