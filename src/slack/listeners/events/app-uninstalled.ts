import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../deps.js';
import { disconnected } from './disconnect.js';

/** The app was uninstalled from a workspace. */
export function registerAppUninstalled(app: App, deps: SlackDeps): void {
  app.event('app_uninstalled', async ({ body }) => {
    await disconnected(deps, body.team_id, 'app_uninstalled');
  });
}
