import type { App } from '@slack/bolt';
import { disconnectWorkspace, firstDelivery } from '../../db/slack-installations.js';
import type { SlackDeps } from '../deps.js';
import { publishHome } from '../home.js';
import { requestLogger } from '../request-log.js';
import { identifySlackUser } from '../who.js';
import { workspaceForSlackTeam } from '../workspace.js';

/** app_home_opened, app_uninstalled, tokens_revoked. */
export function registerEvents(app: App, deps: SlackDeps): void {
  // Slack resends an event it thinks went unanswered (X-Slack-Retry-Num); the event id is
  // recorded atomically, so a retry, even one reaching another process, is handled once.
  app.use(async ({ body, next, logger }) => {
    const eventId = 'event_id' in body && typeof body.event_id === 'string' ? body.event_id : null;
    if (eventId && !(await firstDelivery(deps.db, eventId))) {
      logger.debug(`event ${eventId} was already handled; ignoring the retry`);
      return;
    }
    await next();
  });

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

  const disconnect = (what: string) => async ({ body }: { body: { team_id: string } }) => {
    deps.logger.info({ workspace: body.team_id, slack: what }, 'Slack workspace disconnected: deliveries stop until Pacer is reinstalled');
    await disconnectWorkspace(deps.db, body.team_id, deps.clock.now());
  };
  app.event('app_uninstalled', disconnect('app_uninstalled'));
  app.event('tokens_revoked', async ({ event, body }) => {
    // Only the bot token matters: Pacer asks for no user tokens.
    if ((event.tokens.bot ?? []).length > 0) await disconnect('tokens_revoked')({ body });
  });
}
