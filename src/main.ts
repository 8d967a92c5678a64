import { existsSync } from 'node:fs';
import { loadEnv, type Env } from './config/env.js';
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
  if (isSandbox(env)) {
    await runSandbox(env);
    return;
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

  process.on('SIGHUP', () => {
    logger.info('SIGHUP: re-applying the coaching config');
    void runtime.reloadConfig();
  });
  onShutdown(logger, () => runtime.stop());
}

/** docs/interfaces.md: no Slack variables, no DATABASE_URL and no config file → the local sandbox. */
function isSandbox(env: Env): boolean {
  return env.slack.kind === 'none' && !env.databaseUrl && !env.configPathExplicit && !existsSync(env.configPath);
}

async function runSandbox(env: Env): Promise<void> {
  const logger = createLogger({ level: env.logLevelExplicit ? env.logLevel : 'warn' });
  const firstRun = !existsSync(`${env.dataDir}/sandbox.json`);
  if (firstRun) process.stderr.write(`Pacer sandbox: generating a demo org in ${env.dataDir} (first run only, about 10 seconds)…\n`);
  try {
    // Only here: the sandbox brings the local Slack, the local CRM pages and the generator with it.
    const { startSandbox } = await import('./sandbox/runtime.js');
    const sandbox = await startSandbox({ dataDir: env.dataDir, port: env.port, host: '127.0.0.1', logger, encryption: env.encryption });
    process.stdout.write(`Pacer sandbox: ${sandbox.url}/\n`);
    onShutdown(logger, () => sandbox.stop());
  } catch (err) {
    if (err instanceof PacerError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/** One guarded shutdown path with a hard timeout, whatever signal starts it. */
function onShutdown(logger: ReturnType<typeof createLogger>, stop: () => Promise<void>): void {
  const shutdown = (reason: string) => {
    logger.info({ reason }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

await main();
