import type { App, RespondFn, SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { answerWithinBudget, type SlackMessage } from '../slack/answer-within.js';
import { renderNoWorkspace } from '../slack/blocks/notices.js';
import type { SlackDeps } from '../slack/deps.js';
import { answerOrApologise, requestLogger } from '../slack/request-log.js';
import { identifySlackUser, type SlackPerson } from '../slack/who.js';
import { appHomeUrl, workspaceForSlackTeam, type SlackWorkspace } from '../slack/workspace.js';
import { myKpis } from './mykpis.js';
import { parseCommandText } from './parse.js';
import { teamKpis } from './teamkpis.js';

type CommandUseCase = (ctx: { workspace: SlackWorkspace; viewer: SlackPerson; identify: (id: string) => Promise<SlackPerson> }) => Promise<SlackMessage>;

/**
 * The shared shape of a slash command: acknowledge within Slack's 3 s (answering in the
 * acknowledgement when the use-case is quick enough), scoped to the request's workspace.
 */
async function runCommand(
  deps: SlackDeps,
  args: { command: SlashCommand; ack: (m?: SlackMessage & { response_type: 'ephemeral' }) => Promise<void>; respond: RespondFn; client: WebClient },
  useCase: CommandUseCase,
): Promise<void> {
  const { command, client } = args;
  const { log, requestId } = requestLogger(deps.logger, { workspace: command.team_id, user: command.user_id, what: command.command });
  const started = performance.now();
  const how = await answerWithinBudget({
    budgetMs: deps.answerBudgetMs,
    ack: args.ack,
    respond: args.respond,
    compute: () =>
      answerOrApologise(log, requestId, async () => {
        const workspace = await workspaceForSlackTeam(deps.db, command.team_id);
        if (!workspace) return renderNoWorkspace({ slackTeamId: command.team_id });
        const now = deps.clock.now();
        const identify = (id: string) => identifySlackUser(deps.db, client, workspace.id, id, now, log);
        return useCase({ workspace, viewer: await identify(command.user_id), identify });
      }),
  });
  log.info({ answered: how, ms: Math.round(performance.now() - started) }, 'slash command answered');
}

/** /mykpis and /teamkpis. Listeners stay thin: parse, one use-case, render. */
export function registerCommands(app: App, deps: SlackDeps): void {
  app.command('/mykpis', async ({ command, ack, respond, client }) => {
    const request = parseCommandText(command.text, { allowMention: true });
    await runCommand(deps, { command, ack, respond, client }, (ctx) =>
      myKpis(deps, { ...ctx, request, appHomeUrl: appHomeUrl(command.team_id, command.api_app_id) }),
    );
  });
  app.command('/teamkpis', async ({ command, ack, respond, client }) => {
    const request = parseCommandText(command.text, { allowMention: false });
    await runCommand(deps, { command, ack, respond, client }, (ctx) => teamKpis(deps, { ...ctx, request }));
  });
}
