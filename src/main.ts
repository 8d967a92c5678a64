import { loadEnv } from './config/env.js';
import { PacerError } from './errors.js';
import { createLogger } from './logger.js';
import { startRuntime, type Runtime } from './server-runtime.js';

const SHUTDOWN_TIMEOUT_MS = 15_000;

async function main(): Promise<void> {
  let env;
  try {
    env = loadEnv();
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
  const logger = createLogger({ level: env.logLevel });

  let runtime: Runtime;
  try {
    runtime = await startRuntime(env, logger);
  } catch (err) {
    if (err instanceof PacerError) {
      logger.fatal({ code: err.code }, err.message);
      process.exit(1);
    }
    throw err;
  }
  logger.info({ url: runtime.url, database: runtime.db.kind, now: runtime.clock.now().toISOString() }, 'Pacer is running');
  if (env.slack.kind === 'none') {
    logger.info('Slack is not configured: serving the ingestion API and health checks only (see README, "Connect Slack")');
  } else {
    logger.info({ mode: env.slack.kind, slackApiUrl: env.slackApiUrl }, 'Slack connected');
  }

  // One guarded shutdown path with a hard timeout, whatever signal or error starts it.
  const shutdown = (reason: string, code: number) => {
    logger.info({ reason }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    runtime.stop().then(
      () => process.exit(code),
      (err: unknown) => {
        logger.error({ err }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGHUP', () => {
    logger.info('SIGHUP: re-applying the coaching config');
    void runtime.reloadConfig();
  });
  process.once('SIGINT', () => shutdown('SIGINT', 0));
  process.once('SIGTERM', () => shutdown('SIGTERM', 0));
}

await main();
