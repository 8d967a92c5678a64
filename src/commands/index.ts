import type { App } from '@slack/bolt';
import type { SlackDeps } from '../slack/deps.js';
import { registerMyKpis } from './mykpis/listener.js';
import { registerTeamKpis } from './teamkpis/listener.js';

/** The slash commands, one listener each; listeners stay thin: parse, one use-case, render. */
export function registerCommands(app: App, deps: SlackDeps): void {
  registerMyKpis(app, deps);
  registerTeamKpis(app, deps);
}
