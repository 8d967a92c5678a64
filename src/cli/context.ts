import { processClock, type Clock } from '../clock.js';
import type { Env } from '../config/env.js';
import type { Database } from '../db/client.js';
import { PacerError } from '../errors.js';
import type { Logger } from '../logger.js';

// Every command module imports this one, and `pacer --help` loads them all: what a command needs
// to run (the database client above all) is imported when it runs, not at start.

export interface CliContext {
  env: Env;
  db: Database;
  logger: Logger;
  /** Migrations applied when the database was opened. */
  applied: string[];
  /** The process clock (honours PACER_NOW). */
  clock: Clock;
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
  const { loadEnv } = await import('../config/env.js');
  const { createLogger } = await import('../logger.js');
  const { openDatabase } = await import('../db/client.js');
  const { onReachableDatabase } = await import('../db/connect-errors.js');
  const { migrate } = await import('../db/migrator.js');
  const env = loadEnv();
  const logger = createLogger({ level: env.logLevel === 'info' ? 'warn' : env.logLevel, destination: process.stderr });
  const db = await openDatabase({ databaseUrl: env.databaseUrl, dataDir: env.dataDir });
  try {
    const { applied } = await onReachableDatabase(db.describe, () => migrate(db));
    const clock = processClock(env.now);
    return await fn({ env, db, logger, applied, clock });
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

/**
 * The workspace a command reads (docs/interfaces.md: `--workspace ID` when the database holds more
 * than one): the one named, or the only one there is.
 */
export async function chooseWorkspace(db: Database, slackTeamId: string | undefined): Promise<{ id: number; slackTeamId: string }> {
  const { listWorkspaces } = await import('../db/workspace-repo.js');
  const all = await listWorkspaces(db);
  const listed = all.map((w) => (w.name ? `${w.slackTeamId} (${w.name})` : w.slackTeamId)).join(', ');
  if (slackTeamId !== undefined) {
    const chosen = all.find((w) => w.slackTeamId === slackTeamId);
    if (!chosen) throw new CliExit(`${db.describe} has no workspace ${slackTeamId}; ${all.length ? `it holds ${listed}` : 'it holds none yet'}`);
    return chosen;
  }
  const [only, ...others] = all;
  if (!only) {
    throw new CliExit(
      `${db.describe} holds no workspace yet: apply a coaching config (npm run pacer -- config apply) ` + 'or create an API key (npm run pacer -- api-key create --workspace T…) first',
    );
  }
  if (others.length > 0) throw new CliExit(`${db.describe} holds ${all.length} workspaces; choose one with --workspace: ${listed}`);
  return only;
}
