import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../slack/deps.js';
import { appHomeUrl } from '../../slack/workspace.js';
import { parseCommandText } from '../parse.js';
import { runCommand } from '../run-command.js';
import { myKpis } from './use-case.js';

/** /mykpis [last week | @rep | help]. */
export function registerMyKpis(app: App, deps: SlackDeps): void {
  app.command('/mykpis', async ({ command, ack, respond, client }) => {
    const request = parseCommandText(command.text, { allowMention: true });
    await runCommand(deps, { command, ack, respond, client }, (ctx) => myKpis(deps, { ...ctx, request, appHomeUrl: appHomeUrl(command.team_id, command.api_app_id) }));
  });
}
