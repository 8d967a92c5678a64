import type { Database } from '../db/client.js';
import { forgetGrantedScopes, recordMissingScope } from '../db/slack-scopes-repo.js';
import type { Logger } from '../logger.js';
import { missingScopesLine, type ScopeWatch } from './scopes.js';

/**
 * The workspace's scope notes in the database: a missing scope is recorded and logged once per
 * workspace (whatever the number of processes), and forgotten once a reinstall grants it.
 */
export function scopeWatch(db: Database, logger: Logger, slackTeamId: string): ScopeWatch {
  return {
    async missing(scope) {
      if (await recordMissingScope(db, slackTeamId, scope)) logger.warn({ workspace: slackTeamId, scope }, missingScopesLine([scope]));
    },
    async granted(scopes) {
      if (await forgetGrantedScopes(db, slackTeamId, scopes)) logger.info({ workspace: slackTeamId, scopes }, 'Slack scopes found missing before are granted now');
    },
  };
}
