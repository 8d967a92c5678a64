import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../deps.js';
import { publishHome } from '../../home.js';
import { requestLogger } from '../../request-log.js';
import { identifySlackUser } from '../../who.js';
import { workspaceForSlackTeam } from '../../workspace.js';

/** The Home tab opened: publish the person's App Home. */
export function registerAppHomeOpened(app: App, deps: SlackDeps): void {
  app.event('app_home_opened', async ({ event, body, client }) => {
    if (event.tab !== 'home') return;
    const { log } = requestLogger(deps.logger, { workspace: body.team_id, user: event.user, what: 'app_home_opened' });
    const workspace = await workspaceForSlackTeam(deps.db, body.team_id);
    if (!workspace) {
      log.warn('App Home opened in a workspace Pacer has no config for');
      return;
    }
    const person = await identifySlackUser(deps.db, client, workspace.id, event.user, deps.clock.now(), log);
    await publishHome(deps, client, workspace, person);
  });
}
