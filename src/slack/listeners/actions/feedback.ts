import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { recordFeedback } from '../../../db/alert-state-repo.js';
import type { SlackDeps } from '../../deps.js';
import { answeredMessage, jsonValue, onAction } from '../action-kit.js';

const FeedbackValue = jsonValue(z.object({ subject: z.string().min(1).max(200) }));

/** 👍 / 👎 on a message: recorded, and the buttons give way to a thank-you. */
export function registerFeedback(app: App, deps: SlackDeps): void {
  onAction<BlockAction<ButtonAction>>(app, deps, /^feedback_(useful|not_useful)$/, async ({ ctx, body, action, respond }) => {
    const value = FeedbackValue.safeParse(action.value);
    if (!value.success) throw new Error(`${action.action_id}: malformed value`);
    const useful = action.action_id === 'feedback_useful';
    await recordFeedback(deps.db, { workspaceId: ctx.workspace.id, slackUserId: body.user.id, memberId: ctx.viewer.member?.id ?? null, subject: value.data.subject, useful });
    await respond(answeredMessage(body, action.block_id, useful ? ':+1: Thanks — noted as useful.' : ':memo: Thanks — noted; Pacer will tune this.', 'Pacer'));
  });
}
