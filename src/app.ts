import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { Clock } from './clock.js';
import { registerCommands } from './commands/index.js';
import type { Env, SlackMode } from './config/env.js';
import type { Database } from './db/client.js';
import { databaseInstallationStore } from './db/slack-installations.js';
import { PacerError } from './errors.js';
import { guardSlackRequests } from './http/slack-request-guard.js';
import type { SlackHttpListener } from './http/slack-routes.js';
import type { Logger } from './logger.js';
import { DEFAULT_REPORT_CACHE, TeamReportCache } from './reports/report-cache.js';
import { BOT_SCOPES } from './slack/scopes.js';
import type { Telemetry } from './telemetry/telemetry.js';
import { registerActions } from './slack/listeners/actions/index.js';
import { registerEvents } from './slack/listeners/events/index.js';
import { boltLogger } from './slack/bolt-logger.js';
import type { SlackDeps } from './slack/deps.js';

/** Slash commands answer in the acknowledgement when they can within this much of Slack's 3 s. */
export const ANSWER_BUDGET_MS = 1500;

const SOCKET_CLOSE_WAIT_MS = 5000;

/** The Bolt app of one run mode, and how the process serves it. */
export interface SlackApp {
  mode: Exclude<SlackMode['kind'], 'none'>;
  bolt: App;
  /** HTTP and OAuth modes: Bolt's handler and the only requests it serves. */
  listener?: SlackHttpListener;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface SlackAppOptions {
  slack: Exclude<SlackMode, { kind: 'none' }>;
  slackApiUrl: Env['slackApiUrl'];
  db: Database;
  logger: Logger;
  clock: Clock;
  answerBudgetMs?: number;
  telemetry?: Telemetry;
}

/**
 * Interactive calls (answers, App Home, modals) retry briefly: a person is waiting, and a trigger
 * id expires in 3 s. Scheduled deliveries use their own client settings (the delivery path).
 */
function webClientOptions(slackApiUrl: string | undefined): WebClientOptions {
  return {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1000 },
    timeout: 10_000,
  };
}

/** Builds the Bolt app for the run mode and registers every listener (docs/architecture.md). */
export async function buildSlackApp(options: SlackAppOptions): Promise<SlackApp> {
  const { slack, db, logger, clock } = options;
  const { telemetry } = options;
  const deps: SlackDeps = {
    db,
    logger,
    clock,
    answerBudgetMs: options.answerBudgetMs ?? ANSWER_BUDGET_MS,
    reports: new TeamReportCache(db, DEFAULT_REPORT_CACHE, telemetry),
    ...(telemetry ? { telemetry } : {}),
  };
  const slackLogger = boltLogger(logger);
  const clientOptions = webClientOptions(options.slackApiUrl);
  let app: App;
  let listener: SlackHttpListener | undefined;
  let socket: SocketModeReceiver | undefined;

  switch (slack.kind) {
    case 'socket': {
      socket = new SocketModeReceiver({ appToken: slack.appToken, logger: slackLogger, installerOptions: { clientOptions } });
      app = new App({ token: slack.botToken, receiver: socket, logger: slackLogger, clientOptions, deferInitialization: true });
      break;
    }
    case 'http': {
      const receiver = new HTTPReceiver({ signingSecret: slack.signingSecret, endpoints: '/slack/events', logger: slackLogger });
      app = new App({ token: slack.botToken, receiver, logger: slackLogger, clientOptions, deferInitialization: true });
      listener = guardSlackRequests({ handle: receiver.requestListener, routes: [{ method: 'POST', path: '/slack/events' }] }, { db, logger, signingSecret: slack.signingSecret });
      break;
    }
    case 'oauth': {
      const receiver = new HTTPReceiver({
        signingSecret: slack.signingSecret,
        endpoints: '/slack/events',
        logger: slackLogger,
        clientId: slack.clientId,
        clientSecret: slack.clientSecret,
        stateSecret: slack.stateSecret,
        scopes: [...BOT_SCOPES],
        installationStore: databaseInstallationStore(db, slack.encryption),
        installerOptions: { installPath: '/slack/install', redirectUriPath: '/slack/oauth_redirect', directInstall: true, clientOptions },
      });
      app = new App({ receiver, logger: slackLogger, clientOptions, deferInitialization: true });
      listener = guardSlackRequests(
        {
          handle: receiver.requestListener,
          routes: [
            { method: 'POST', path: '/slack/events' },
            { method: 'GET', path: '/slack/install' },
            { method: 'GET', path: '/slack/oauth_redirect' },
          ],
        },
        { db, logger, signingSecret: slack.signingSecret },
      );
      break;
    }
  }

  try {
    // Checks the bot token with auth.test in the single-workspace modes.
    await app.init();
  } catch (err) {
    throw new PacerError(
      'slack_auth_failed',
      `Slack refused SLACK_BOT_TOKEN (${err instanceof Error ? err.message : String(err)}); check the token of the installed app${options.slackApiUrl ? ` and SLACK_API_URL (${options.slackApiUrl})` : ''}.`,
      { cause: err },
    );
  }
  app.error(async (error) => {
    logger.error({ err: error.original ?? error, code: error.code }, 'Slack listener failed');
  });
  registerCommands(app, deps);
  registerEvents(app, deps);
  registerActions(app, deps);

  return {
    mode: slack.kind,
    bolt: app,
    ...(listener ? { listener } : {}),
    // HTTP and OAuth: Pacer's own server carries the requests; only Socket Mode opens a connection.
    start: async () => {
      if (slack.kind === 'socket') await app.start();
    },
    stop: async () => {
      if (!socket) return;
      await app.stop();
      // Bolt's stop() does not wait for the socket to close; wait for it, within a bound.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([socket.client.disconnect(), new Promise((resolve) => (timer = setTimeout(resolve, SOCKET_CLOSE_WAIT_MS)))]).finally(() => clearTimeout(timer));
    },
  };
}
