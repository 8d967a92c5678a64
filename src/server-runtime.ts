import type { FastifyInstance } from 'fastify';
import { buildSlackApp, type SlackApp } from './app.js';
import { processClock, type Clock } from './clock.js';
import { applyConfigFromPath, type ConfigState } from './config/apply-at-start.js';
import type { Env } from './config/env.js';
import { openDatabase, type Database } from './db/client.js';
import { onReachableDatabase } from './db/connect-errors.js';
import { listenFailure } from './errors.js';
import { migrate } from './db/migrator.js';
import { buildHttpServer } from './http/server.js';
import { startScheduler, type Scheduler } from './jobs/scheduler.js';
import { jobContext, newProcessId } from './jobs/setup.js';
import { tellAdminsWhenFailing } from './jobs/source-failing.js';
import { listSources } from './db/sync-repo.js';
import { secureStoredSecrets } from './secrets/at-start.js';
import { sourceFactory } from './sync/sources.js';
import { sourceSyncStates } from './sync/status.js';
import { deliveryClients } from './slack/delivery/clients.js';
import type { Logger } from './logger.js';
import { Telemetry } from './telemetry/telemetry.js';

/** A running Pacer process: what main starts and what tests start in-process. */
export interface Runtime {
  db: Database;
  http: FastifyInstance;
  clock: Clock;
  /** The address the HTTP server listens on, e.g. http://127.0.0.1:3000 */
  url: string;
  config: ConfigState;
  /** The Bolt app, when Slack variables are set. */
  slack: SlackApp | undefined;
  /** The registry's jobs (src/jobs/registry.ts) this process can run, when PACER_SCHEDULER is not off: the messaging ones only with Slack. */
  scheduler: Scheduler | undefined;
  /** What GET /metrics serves. */
  telemetry: Telemetry;
  /** Re-reads and applies the coaching config (SIGHUP); an invalid config is logged and changes nothing. */
  reloadConfig(): Promise<void>;
  /** Stops taking work, finishes in-flight requests, closes the database. Safe to call twice. */
  stop(): Promise<void>;
}

export async function startRuntime(env: Env, logger: Logger): Promise<Runtime> {
  const clock = processClock(env.now);
  const db = await openDatabase({ databaseUrl: env.databaseUrl, dataDir: env.dataDir, profile: 'request' });
  const telemetry = new Telemetry();
  telemetry.watchPool(() => db.poolUsage());
  telemetry.watchSources(async () => sourceSyncStates(await listSources(db), clock.now()));
  let http: FastifyInstance | undefined;
  let slack: SlackApp | undefined;
  try {
    const { applied } = await onReachableDatabase(db.describe, () => migrate(db));
    logger.info({ database: db.describe, applied }, applied.length ? 'database migrated' : 'database schema up to date');
    await secureStoredSecrets(db, env.encryption, logger);
    const config = await applyConfigFromPath(db, env.configPath, env.configPathExplicit, logger);
    if (env.slack.kind !== 'none') {
      slack = await buildSlackApp({ slack: env.slack, slackApiUrl: env.slackApiUrl, db, logger, clock, telemetry });
    }
    http = buildHttpServer({ db, logger, clock, telemetry, metricsToken: env.metricsToken, ...(slack?.listener ? { slackListener: slack.listener } : {}) });
    const url = await http.listen({ port: env.port, host: env.host }).catch((err: unknown) => {
      throw listenFailure(err, env.host, env.port);
    });
    await slack?.start();
    const runningSlack = slack;
    const processId = newProcessId();
    const messaging = env.slack.kind !== 'none' ? jobContext({ db, logger, clock, processId, telemetry, clients: deliveryClients(env.slack, env.slackApiUrl, db, logger) }) : null;
    const onFailing = tellAdminsWhenFailing({ db, logger, clock, env: process.env, slack: messaging ? { clients: messaging.clients, post: messaging.post } : null });
    const scheduler = env.scheduler
      ? startScheduler({ db, logger, clock, telemetry, messaging, sync: { db, logger, clock, env: process.env, processId, createSource: sourceFactory(), onFailing, telemetry } })
      : undefined;
    let stopping: Promise<void> | undefined;
    const runningHttp = http;
    return {
      db,
      http: runningHttp,
      clock,
      url,
      config,
      slack: runningSlack,
      scheduler,
      telemetry,
      reloadConfig: async () => {
        try {
          await applyConfigFromPath(db, env.configPath, env.configPathExplicit, logger);
        } catch (err) {
          logger.error({ err }, 'coaching config not applied; the previous one stays in force');
        }
      },
      stop: () =>
        (stopping ??= (async () => {
          await scheduler?.stop();
          await runningSlack?.stop();
          await runningHttp.close();
          await db.close();
        })()),
    };
  } catch (err) {
    await slack?.stop().catch(() => undefined);
    await http?.close().catch(() => undefined);
    await db.close();
    throw err;
  }
}
