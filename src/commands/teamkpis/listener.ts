import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../slack/deps.js';
import { parseCommandText } from '../parse.js';
import { runCommand } from '../run-command.js';
import { teamKpis } from './use-case.js';

/** /teamkpis [last week | help]. */
export function registerTeamKpis(app: App, deps: SlackDeps): void {
  app.command('/teamkpis', async ({ command, ack, respond, client }) => {
    const request = parseCommandText(command.text, { allowMention: false });
    await runCommand(deps, { command, ack, respond, client }, (ctx) => teamKpis(deps, { ...ctx, request }));
  });
}
