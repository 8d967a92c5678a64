import { PacerError } from '../errors.js';
import type { Database } from './client.js';

/** Tables keyed by workspace without a foreign key to it (kept lean on purpose), in delete order. */
const UNLINKED_TABLES = ['activity_event', 'rollup_week', 'rollup_lead', 'rollup_deal', 'slack_user', 'alert_state', 'alert_feedback', 'alert_rule_pause', 'feedback', 'delivery'] as const;

export interface PurgeResult {
  slackTeamId: string;
  deleted: Record<string, number>;
}

/**
 * Deletes everything Pacer holds for a workspace, in one transaction: events, people, teams,
 * keys, Slack installation and learned Slack users, alert states, feedback and pauses, preferences.
 */
export async function purgeWorkspace(db: Database, slackTeamId: string): Promise<PurgeResult> {
  return db.transactionScript(async (tx) => {
    const [workspace] = await tx.query<{ id: number }>('SELECT id FROM workspace WHERE slack_team_id = $1 FOR UPDATE', [slackTeamId]);
    if (!workspace) {
      const known = await tx.query<{ slack_team_id: string }>('SELECT slack_team_id FROM workspace ORDER BY slack_team_id');
      throw new PacerError(
        'not_found',
        `No workspace ${slackTeamId}${known.length ? `; workspaces: ${known.map((k) => k.slack_team_id).join(', ')}` : ' (the database holds none)'}.`,
      );
    }
    const deleted: Record<string, number> = {};
    const count = async (table: string, sql: string, params: unknown[]) => {
      const rows = await tx.query<{ n: number }>(`WITH d AS (${sql} RETURNING 1) SELECT count(*)::int AS n FROM d`, params);
      deleted[table] = rows[0]?.n ?? 0;
    };
    for (const table of UNLINKED_TABLES) await count(table, `DELETE FROM ${table} WHERE workspace_id = $1`, [workspace.id]);
    await count('slack_installation', 'DELETE FROM slack_installation WHERE slack_team_id = $1', [slackTeamId]);
    for (const [table, sql] of [
      ['member', 'SELECT 1 FROM member WHERE workspace_id = $1'],
      ['team', 'SELECT 1 FROM team WHERE workspace_id = $1'],
      ['api_key', 'SELECT 1 FROM api_key WHERE workspace_id = $1'],
    ] as const) {
      const rows = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) x`, [workspace.id]);
      deleted[table] = rows[0]?.n ?? 0;
    }
    // Teams, members (with their preferences), identities, memberships, targets and keys cascade.
    await count('workspace', 'DELETE FROM workspace WHERE id = $1', [workspace.id]);
    return { slackTeamId, deleted };
  });
}
