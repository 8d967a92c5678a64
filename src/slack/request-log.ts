import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { SlackMessage } from './answer-within.js';
import { renderError } from './blocks/notices.js';

/** A child logger for one Slack request: request id, workspace, user and what was asked. */
export function requestLogger(logger: Logger, context: { workspace: string | undefined; user: string | undefined; what: string }): { log: Logger; requestId: string } {
  const requestId = randomUUID();
  return { log: logger.child({ requestId, workspace: context.workspace, user: context.user, slack: context.what }), requestId };
}

/** Runs a use-case; a failure is logged with its request id and answered with a message naming it. */
export async function answerOrApologise(log: Logger, requestId: string, compute: () => Promise<SlackMessage>): Promise<SlackMessage> {
  try {
    return await compute();
  } catch (err) {
    log.error({ err }, 'Slack request failed');
    return renderError({ requestId });
  }
}
