import { PacerError } from '../errors.js';
import type { Database } from './client.js';

/** Tables keyed by workspace without a foreign key to it (kept lean on purpose), in delete order. */
const UNLINKED_TABLES = [
  'activity_event',
  'rollup_week',
  'rollup_lead',
  'rollup_deal',
  'rollup_revision',
  'rollup_outbox',
  'slack_user',
  'alert_state',
  'alert_feedback',
  'alert_rule_pause',
  'feedback',
  'delivery',
] as const;
/** Tables whose rows go with the workspace row (foreign keys cascade), counted before it goes. */
const CASCADED_TABLES = ['member', 'team', 'api_key'] as const;

export interface PurgeResult {
  slackTeamId: string;
  deleted: Record<string, number>;
}

/**
 * Deletes everything Pacer holds for a workspace, in one transaction: events, people, teams,
 * keys, Slack installation and learned Slack users, alert states, feedback and pauses, preferences.
 */
export async function purgeWorkspace(db: Database, slackTeamId: string): Promise<PurgeResult> {
  return db.transactionScript(async ({ kysely }) => {
    const workspace = await kysely.selectFrom('workspace').select('id').where('slack_team_id', '=', slackTeamId).forUpdate().executeTakeFirst();
    if (!workspace) {
      const known = await kysely.selectFrom('workspace').select('slack_team_id').orderBy('slack_team_id').execute();
      throw new PacerError('not_found', `No workspace ${slackTeamId}${known.length ? `; workspaces: ${known.map((k) => k.slack_team_id).join(', ')}` : ' (the database holds none)'}.`);
    }
    const deleted: Record<string, number> = {};
    for (const table of UNLINKED_TABLES) {
      deleted[table] = Number((await kysely.deleteFrom(table).where('workspace_id', '=', workspace.id).executeTakeFirst()).numDeletedRows);
    }
    deleted.slack_installation = Number((await kysely.deleteFrom('slack_installation').where('slack_team_id', '=', slackTeamId).executeTakeFirst()).numDeletedRows);
    for (const table of CASCADED_TABLES) {
      const counted = await kysely
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('workspace_id', '=', workspace.id)
        .executeTakeFirstOrThrow();
      deleted[table] = Number(counted.n);
    }
    // Teams, members (with their preferences), identities, memberships, targets and keys cascade.
    deleted.workspace = Number((await kysely.deleteFrom('workspace').where('id', '=', workspace.id).executeTakeFirst()).numDeletedRows);
    return { slackTeamId, deleted };
  });
}
