import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../deps.js';
import { disconnected } from './disconnect.js';

/** Tokens were revoked; only the bot token matters, as Pacer asks for no user tokens. */
export function registerTokensRevoked(app: App, deps: SlackDeps): void {
  app.event('tokens_revoked', async ({ event, body }) => {
    if ((event.tokens.bot ?? []).length > 0) await disconnected(deps, body.team_id, 'tokens_revoked');
  });
}
