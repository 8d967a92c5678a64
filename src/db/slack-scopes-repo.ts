import { sql } from 'kysely';
import type { SqlRunner } from './client.js';

/**
 * Bot scopes Slack said a workspace's token lacks. Each is recorded once (true the first time,
 * so the caller logs once), and forgotten when the token is seen to have it again (a reinstall).
 */
export async function recordMissingScope(db: SqlRunner, slackTeamId: string, scope: string): Promise<boolean> {
  const recorded = await db.kysely
    .updateTable('workspace')
    .set({ slack_missing_scopes: sql<string[]>`array_append(slack_missing_scopes, ${scope}::text)` })
    .where('slack_team_id', '=', slackTeamId)
    .where(sql<boolean>`NOT (${scope}::text = ANY (slack_missing_scopes))`)
    .executeTakeFirst();
  return recorded.numUpdatedRows > 0n;
}

/** Forgets the scopes the token is seen to have; true when one of them had been recorded as missing. */
export async function forgetGrantedScopes(db: SqlRunner, slackTeamId: string, granted: readonly string[]): Promise<boolean> {
  if (granted.length === 0) return false;
  const forgotten = await db.kysely
    .updateTable('workspace')
    .set({ slack_missing_scopes: sql<string[]>`ARRAY(SELECT s FROM unnest(slack_missing_scopes) WITH ORDINALITY AS t(s, i) WHERE s <> ALL (${[...granted]}::text[]) ORDER BY i)` })
    .where('slack_team_id', '=', slackTeamId)
    .where(sql<boolean>`slack_missing_scopes && ${[...granted]}::text[]`)
    .executeTakeFirst();
  return forgotten.numUpdatedRows > 0n;
}

/** The scopes recorded as missing, in the order they were found. */
export async function missingScopes(db: SqlRunner, workspaceId: number): Promise<string[]> {
  const row = await db.kysely.selectFrom('workspace').select('slack_missing_scopes').where('id', '=', workspaceId).executeTakeFirst();
  return row?.slack_missing_scopes ?? [];
}
