import type { RespondFn, SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { answerWithinBudget, type SlackMessage } from '../slack/answer-within.js';
import type { CommandAnswer } from '../telemetry/telemetry.js';
import { renderNoWorkspace } from '../slack/blocks/notices.js';
import type { SlackDeps } from '../slack/deps.js';
import { answerOrApologise, requestLogger } from '../slack/request-log.js';
import { identifySlackUser, type SlackPerson } from '../slack/who.js';
import { workspaceForSlackTeam, type SlackWorkspace } from '../slack/workspace.js';

/** Who asks, in which workspace, and how to identify another person they name. */
export interface CommandContext {
  workspace: SlackWorkspace;
  viewer: SlackPerson;
  identify: (slackUserId: string) => Promise<SlackPerson>;
}

export interface CommandArgs {
  command: SlashCommand;
  ack: (m?: SlackMessage & { response_type: 'ephemeral' }) => Promise<void>;
  respond: RespondFn;
  client: WebClient;
}

/**
 * The shared shape of a slash command: acknowledge within Slack's 3 s (answering in the
 * acknowledgement when the use-case is quick enough), scoped to the request's workspace.
 */
export async function runCommand(deps: SlackDeps, args: CommandArgs, useCase: (ctx: CommandContext) => Promise<SlackMessage>): Promise<void> {
  const { command, client } = args;
  const { log, requestId } = requestLogger(deps.logger, { workspace: command.team_id, user: command.user_id, what: command.command });
  const started = performance.now();
  let answered: CommandAnswer = 'failed';
  try {
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
    answered = how === 'in_ack' ? 'ack' : 'response_url';
    log.info({ answered: how, ms: Math.round(performance.now() - started) }, 'slash command answered');
  } finally {
    deps.telemetry?.slashCommand(command.command, answered, (performance.now() - started) / 1000);
  }
}
