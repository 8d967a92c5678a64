/**
 * A stored source (crm_source) as a Source for the runner: credentials read from the
 * environment now, the CRM's own module by kind.
 */
import { assertNever } from '../errors.js';
import type { SourceRow } from '../db/sync-repo.js';
import { readCredential } from './credentials.js';
import { SyncError } from './errors.js';
import { createHubSpotSource, type HubSpotSourceOptions } from './hubspot/source.js';
import type { SourceFactory, SourceFactoryOptions } from './runner.js';
import type { Source } from './types.js';

/** Knobs for the local CRM servers scaled down in tests and benchmarks (window lengths, backoff). */
export type SourceTuning = Pick<HubSpotSourceOptions, 'windows' | 'pages' | 'timer' | 'backoffMs'>;

export function sourceFactory(tuning: SourceTuning = {}): SourceFactory {
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
          ...tuning,
        });
      case 'salesforce':
        throw new SyncError('config', 'Salesforce sources are not synced by this version of Pacer yet');
      default:
        return assertNever(config, 'source kind');
    }
  };
}
