import type { SqlRunner } from './client.js';

/** The workspace row's lookups: by Slack team id, the connected ones, the list a CLI chooses from. */

export interface WorkspaceRef {
  id: number;
  slackTeamId: string;
}

/** Workspaces Pacer may deliver to (not uninstalled), by id. */
export async function connectedWorkspaces(db: SqlRunner): Promise<WorkspaceRef[]> {
  const rows = await db.kysely.selectFrom('workspace').select(['id', 'slack_team_id']).where('slack_disconnected_at', 'is', null).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, slackTeamId: r.slack_team_id }));
}

/** Every workspace with its name, by Slack team id. */
export async function listWorkspaces(db: SqlRunner): Promise<(WorkspaceRef & { name: string | null })[]> {
  const rows = await db.kysely.selectFrom('workspace').select(['id', 'slack_team_id', 'name']).orderBy('slack_team_id').execute();
  return rows.map((r) => ({ id: r.id, slackTeamId: r.slack_team_id, name: r.name }));
}

export interface WorkspaceConnection extends WorkspaceRef {
  name: string | null;
  /** Set while the app is uninstalled or its tokens revoked. */
  slackDisconnectedAt: Date | null;
}

/** The workspace of a Slack team id, or null. */
export async function workspaceBySlackTeam(db: SqlRunner, slackTeamId: string): Promise<WorkspaceConnection | null> {
  const row = await db.kysely.selectFrom('workspace').select(['id', 'slack_team_id', 'name', 'slack_disconnected_at']).where('slack_team_id', '=', slackTeamId).executeTakeFirst();
  return row ? { id: row.id, slackTeamId: row.slack_team_id, name: row.name, slackDisconnectedAt: row.slack_disconnected_at } : null;
}

/** Since when the workspace has been disconnected from Slack; null while connected (or unknown). */
export async function slackDisconnectedSince(db: SqlRunner, workspaceId: number): Promise<Date | null> {
  const row = await db.kysely.selectFrom('workspace').select('slack_disconnected_at').where('id', '=', workspaceId).executeTakeFirst();
  return row?.slack_disconnected_at ?? null;
}

/** The workspace's own time zone (for people in no team). */
export async function workspaceTimezone(db: SqlRunner, workspaceId: number): Promise<string> {
  const row = await db.kysely.selectFrom('workspace').select('timezone').where('id', '=', workspaceId).executeTakeFirst();
  if (!row) throw new Error(`no workspace with id ${workspaceId}`);
  return row.timezone;
}
