import type { WebClient } from '@slack/web-api';
import type { Database } from '../db/client.js';
import { workspaceBySlackTeam } from '../db/workspace-repo.js';

export interface SlackWorkspace {
  id: number;
  slackTeamId: string;
  name: string | null;
  disconnected: boolean;
}

/** The Pacer workspace of a Slack team id; every query of a Slack request is scoped to it. */
export async function workspaceForSlackTeam(db: Database, slackTeamId: string): Promise<SlackWorkspace | null> {
  const row = await workspaceBySlackTeam(db, slackTeamId);
  return row ? { id: row.id, slackTeamId: row.slackTeamId, name: row.name, disconnected: row.slackDisconnectedAt !== null } : null;
}

/** slack://app deep link to the App Home tab (api_app_id comes with every request). */
export function appHomeUrl(slackTeamId: string, appId: string | undefined): string | null {
  return appId ? `slack://app?team=${encodeURIComponent(slackTeamId)}&id=${encodeURIComponent(appId)}&tab=home` : null;
}

/**
 * The App Home link for a message Pacer sends on its own (a scheduled one has no request to read
 * api_app_id from): the app id that auth.test names for the workspace's token; null without one.
 */
export async function appHomeUrlFor(client: WebClient, slackTeamId: string): Promise<string | null> {
  const auth = await client.auth.test();
  return appHomeUrl(slackTeamId, auth.app_id);
}
