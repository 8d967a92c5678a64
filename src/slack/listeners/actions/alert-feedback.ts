import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { z } from 'zod';
import { recordAlertFeedback, undoRulePause } from '../../../db/alert-feedback-repo.js';
import { ALERT_RULES } from '../../../metrics/rules.js';
import { ALERT_NOT_USEFUL_ACTION, ALERT_PAUSE_UNDO_ACTION, ALERT_USEFUL_ACTION, withAlertFeedback, withPauseUndone } from '../../blocks/alert.js';
import type { SlackDeps } from '../../deps.js';
import { jsonValue, onAction } from '../action-kit.js';

const FeedbackValue = jsonValue(z.object({ key: z.string().min(1).max(500) }));
const UndoValue = jsonValue(z.object({ rule: z.enum(ALERT_RULES), until: z.iso.datetime() }));

type Click = BlockAction<ButtonAction>;

/** The message a button sits in: its text and blocks, as Slack sent them back with the click. */
function clickedMessage(body: Click): { text: string; blocks: KnownBlock[] } {
  const blocks: unknown = body.message?.blocks;
  const text: unknown = body.message?.text;
  return { text: typeof text === 'string' ? text : 'Alert', blocks: Array.isArray(blocks) ? (blocks as KnownBlock[]) : [] };
}

/**
 * 👍/👎 on an alert, and Undo on the pause a second 👎 started (src/db/alert-feedback-repo.ts).
 * Each click acknowledges first, records what the rep said, then updates the message in place:
 * only the clicked alert's blocks change.
 */
export function registerAlertFeedback(app: App, deps: SlackDeps): void {
  const handle = (
    actionId: string,
    run: (args: { body: Click; action: ButtonAction; memberId: number; workspaceId: number; respond: (m: Record<string, unknown>) => Promise<unknown> }) => Promise<void>,
  ) =>
    onAction<Click>(app, deps, actionId, async ({ ctx, body, action, respond }) => {
      if (!ctx.viewer.member) throw new Error(`${actionId}: the clicking user is not a member of the coaching config`);
      await run({ body, action, memberId: ctx.viewer.member.id, workspaceId: ctx.workspace.id, respond });
    });

  for (const actionId of [ALERT_USEFUL_ACTION, ALERT_NOT_USEFUL_ACTION]) {
    handle(actionId, async ({ body, action, memberId, workspaceId, respond }) => {
      const value = FeedbackValue.safeParse(action.value);
      if (!value.success) throw new Error(`${actionId}: malformed value ${action.value ?? ''}`);
      const useful = actionId === ALERT_USEFUL_ACTION;
      const result = await recordAlertFeedback(deps.db, { workspaceId, memberId, alertKey: value.data.key, useful, now: deps.clock.now() });
      const original = clickedMessage(body);
      await respond({ replace_original: true, text: original.text, blocks: withAlertFeedback(original.blocks, action.block_id, { useful, ...result }) });
    });
  }

  handle(ALERT_PAUSE_UNDO_ACTION, async ({ body, action, memberId, respond }) => {
    const value = UndoValue.safeParse(action.value);
    if (!value.success) throw new Error(`${ALERT_PAUSE_UNDO_ACTION}: malformed value ${action.value ?? ''}`);
    const undone = await undoRulePause(deps.db, { memberId, rule: value.data.rule, until: new Date(value.data.until), now: deps.clock.now() });
    const original = clickedMessage(body);
    await respond({ replace_original: true, text: original.text, blocks: withPauseUndone(original.blocks, action.block_id, value.data.rule, undone) });
  });
}
