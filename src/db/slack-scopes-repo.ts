import type { Database } from './client.js';

/**
 * Bot scopes Slack said a workspace's token lacks. Each is recorded once (true the first time,
 * so the caller logs once), and forgotten when the token is seen to have it again (a reinstall).
 */
export async function recordMissingScope(db: Database, slackTeamId: string, scope: string): Promise<boolean> {
  const rows = await db.query<{ id: number }>(
    `UPDATE workspace SET slack_missing_scopes = array_append(slack_missing_scopes, $2)
      WHERE slack_team_id = $1 AND NOT ($2 = ANY (slack_missing_scopes)) RETURNING id`,
    [slackTeamId, scope],
  );
  return rows.length > 0;
}

/** Forgets the scopes the token is seen to have; true when one of them had been recorded as missing. */
export async function forgetGrantedScopes(db: Database, slackTeamId: string, granted: readonly string[]): Promise<boolean> {
  if (granted.length === 0) return false;
  const rows = await db.query<{ id: number }>(
    `UPDATE workspace
        SET slack_missing_scopes = ARRAY(SELECT s FROM unnest(slack_missing_scopes) WITH ORDINALITY AS t(s, i) WHERE s <> ALL ($2::text[]) ORDER BY i)
      WHERE slack_team_id = $1 AND slack_missing_scopes && $2::text[] RETURNING id`,
    [slackTeamId, [...granted]],
  );
  return rows.length > 0;
}

/** The scopes recorded as missing, in the order they were found. */
export async function missingScopes(db: Database, workspaceId: number): Promise<string[]> {
  const row = await db.prisma.workspace.findUnique({ where: { id: workspaceId }, select: { slackMissingScopes: true } });
  return row?.slackMissingScopes ?? [];
}
