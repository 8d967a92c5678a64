import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../deps.js';
import { registerAppHomeOpened } from './app-home-opened.js';
import { registerAppUninstalled } from './app-uninstalled.js';
import { registerSkipRetries } from './skip-retries.js';
import { registerTokensRevoked } from './tokens-revoked.js';

/** Events API: retries skipped first, then app_home_opened, app_uninstalled, tokens_revoked. */
export function registerEvents(app: App, deps: SlackDeps): void {
  registerSkipRetries(app, deps);
  registerAppHomeOpened(app, deps);
  registerAppUninstalled(app, deps);
  registerTokensRevoked(app, deps);
}
