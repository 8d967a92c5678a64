import type { Database } from '../db/client.js';
import { PacerError } from '../errors.js';
import type { Logger } from '../logger.js';
import { applyConfig } from './apply.js';
import { loadCoachingConfig } from './load.js';

export type ConfigState = 'missing' | 'applied';

/**
 * Applies the coaching config at PACER_CONFIG (a file, or a directory of one file per
 * workspace). A missing default file is fine: Pacer starts with an empty workspace and says how
 * to add one; a missing file that PACER_CONFIG names explicitly, or an invalid one, throws.
 */
export async function applyConfigFromPath(db: Database, path: string, explicit: boolean, logger: Logger): Promise<ConfigState> {
  const loaded = await loadCoachingConfig(path);
  if (loaded.kind === 'missing') {
    if (explicit) throw new PacerError('config_missing', `PACER_CONFIG names ${path}, which does not exist.`);
    logger.info(`No coaching config at ${path}: running with an empty workspace (ingestion works). Copy pacer.config.example.yaml to ${path}, edit it, and restart or send SIGHUP.`);
    return 'missing';
  }
  for (const { file, config } of loaded.configs) {
    const summary = await applyConfig(db, config);
    logger.info({ file, workspace: config.workspace.id, teams: summary.teams, members: summary.members, targets: summary.targets, identities: summary.identities }, 'coaching config applied');
  }
  return 'applied';
}
