/**
 * A stored source (crm_source) as a Source for the runner: credentials read from the
 * environment now, the CRM's own module by kind.
 */
import { ENV_REFERENCE } from '../config/sources-schema.js';
import type { SalesforceSourceConfig } from '../config/sources-rules.js';
import { assertNever } from '../errors.js';
import type { SourceRow } from '../db/sync-repo.js';
import { readCredential } from './credentials.js';
import { createHubSpotSource, type HubSpotSourceOptions } from './hubspot/source.js';
import type { SourceFactory, SourceFactoryOptions } from './runner.js';
import { TokenCache, variableNames, type SalesforceCredentials } from './salesforce/auth.js';
import { createSalesforceSource, type SalesforceTuning } from './salesforce/source.js';
import type { Source } from './types.js';

/** Knobs for the local CRM servers scaled down in tests and benchmarks (window lengths, backoff, clocks). */
export type SourceTuning = Pick<HubSpotSourceOptions, 'windows' | 'pages' | 'timer' | 'backoffMs'> & { salesforce?: SalesforceTuning };

function salesforceCredentials(auth: SalesforceSourceConfig['auth'], env: NodeJS.ProcessEnv): SalesforceCredentials {
  const optional = (ref: string | null, what: string) => (ref === null ? null : readCredential(ref, env, what));
  return {
    clientId: readCredential(auth.clientId, env, "Salesforce connected app's consumer key"),
    clientSecret: optional(auth.clientSecret, "Salesforce connected app's consumer secret"),
    // The user may be written plainly: a user name is not a secret.
    username: auth.username !== null && ENV_REFERENCE.test(auth.username) ? readCredential(auth.username, env, 'Salesforce integration user') : auth.username,
    privateKey: optional(auth.privateKey, "Salesforce connected app's private key"),
    refreshToken: optional(auth.refreshToken, 'Salesforce refresh token'),
  };
}

export function sourceFactory(tuning: SourceTuning = {}): SourceFactory {
  const { salesforce, ...hubspot } = tuning;
  // Salesforce access tokens, kept for the life of this process only.
  const tokens = new TokenCache();
  return (row: SourceRow, options: SourceFactoryOptions): Source => {
    const config = row.settings.source;
    switch (config.kind) {
      case 'hubspot':
        return createHubSpotSource({
          config,
          token: readCredential(config.token, options.env, 'HubSpot private app token'),
          logger: options.logger,
          start: options.start,
          teamStages: options.teamStages,
          ...hubspot,
        });
      case 'salesforce':
        return createSalesforceSource({
          config,
          credentials: salesforceCredentials(config.auth, options.env),
          variables: variableNames(config.auth),
          logger: options.logger,
          start: options.start,
          teamStages: options.teamStages,
          tokens,
          ...(tuning.timer ? { timer: tuning.timer } : {}),
          ...(tuning.backoffMs === undefined ? {} : { backoffMs: tuning.backoffMs }),
          ...salesforce,
        });
      default:
        return assertNever(config, 'source kind');
    }
  };
}
