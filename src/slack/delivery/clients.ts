import { WebClient } from '@slack/web-api';
import type { SlackMode } from '../../config/env.js';
import type { Database } from '../../db/client.js';
import { databaseInstallationStore } from '../../db/slack-installations.js';
import type { Logger } from '../../logger.js';
import { SecretsError } from '../../secrets/keys.js';
import { boltLogger } from '../bolt-logger.js';

/** The Web API client to deliver to a workspace with, or null when Pacer has no token for it. */
export interface DeliveryClients {
  clientFor(slackTeamId: string): Promise<WebClient | null>;
}

/**
 * Delivery clients never retry by themselves: the delivery path waits out 429s and backs off on
 * transient failures through the ledger (a WebClient's default retries run ~30 minutes and pause
 * its whole queue).
 */
export function deliveryClient(token: string, slackApiUrl: string | undefined, logger: Logger): WebClient {
  return new WebClient(token, {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 15_000,
    logger: boltLogger(logger),
  });
}

/**
 * One token (Socket Mode, HTTP mode): the workspace auth.test names. OAuth: each workspace's
 * stored installation. One whose tokens this process cannot decrypt (a key missing after a
 * rotation) is logged with the fix each time and skipped, so the other workspaces still get theirs.
 */
export function deliveryClients(slack: Exclude<SlackMode, { kind: 'none' }>, slackApiUrl: string | undefined, db: Database, logger: Logger): DeliveryClients {
  if (slack.kind === 'oauth') {
    const store = databaseInstallationStore(db, slack.encryption);
    return {
      async clientFor(slackTeamId) {
        const installation = await store.fetchInstallation({ teamId: slackTeamId, enterpriseId: undefined, isEnterpriseInstall: false }).catch((err: unknown) => {
          if (err instanceof SecretsError) logger.error({ workspace: slackTeamId, code: err.code }, err.message);
          return null;
        });
        const token = installation?.bot?.token;
        return token ? deliveryClient(token, slackApiUrl, logger) : null;
      },
    };
  }
  const client = deliveryClient(slack.botToken, slackApiUrl, logger);
  let team: Promise<string | null> | undefined;
  return {
    async clientFor(slackTeamId) {
      team ??= client.auth.test().then(
        (r) => r.team_id ?? null,
        (err: unknown) => {
          team = undefined;
          throw err;
        },
      );
      return (await team) === slackTeamId ? client : null;
    },
  };
}
