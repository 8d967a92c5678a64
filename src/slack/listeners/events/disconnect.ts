import { disconnectWorkspace } from '../../../db/slack-installations.js';
import type { SlackDeps } from '../../deps.js';

/** The app left a workspace (`what`: the event saying so); deliveries to it stop until it is reinstalled. */
export async function disconnected(deps: SlackDeps, slackTeamId: string, what: string): Promise<void> {
  deps.logger.info({ workspace: slackTeamId, slack: what }, 'Slack workspace disconnected: deliveries stop until Pacer is reinstalled');
  await disconnectWorkspace(deps.db, slackTeamId, deps.clock.now());
}
