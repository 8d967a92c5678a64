import type { App, BlockAction, ButtonAction, StaticSelectAction } from '@slack/bolt';
import { z } from 'zod';
import { recordAlertAction, type AlertAction } from '../../../db/alert-state-repo.js';
import { alertValueInBlock, snoozeOfOption } from '../../blocks/alert.js';
import type { SlackDeps } from '../../deps.js';
import { answeredMessage, jsonValue, messageBlocks, onAction } from '../action-kit.js';

const AlertValue = jsonValue(z.object({ key: z.string().min(1).max(500) }));

const ALERT_ACTIONS: Partial<Record<string, AlertAction>> = {
  alert_snooze_1d: 'snooze_1d',
  alert_snooze_1w: 'snooze_1w',
  alert_dismiss: 'dismiss',
  alert_done: 'done',
};

const ALERT_NOTES: Record<AlertAction, (until: Date | null) => string> = {
  snooze_1d: (until) => `:zzz: Snoozed until <!date^${Math.floor((until?.getTime() ?? 0) / 1000)}^{date_short_pretty} {time}|tomorrow>; it comes back once.`,
  snooze_1w: (until) => `:zzz: Snoozed until <!date^${Math.floor((until?.getTime() ?? 0) / 1000)}^{date_short_pretty}|next week>; it comes back once.`,
  dismiss: () => ':wave: Dismissed. Pacer will not raise this one again.',
  done: () => ':white_check_mark: Marked done. Nice work.',
};

/**
 * An alert's snooze menu, dismiss and done buttons (and the App Home's snooze buttons): recorded,
 * and the alert's actions give way to what was done.
 */
export function registerAlertActions(app: App, deps: SlackDeps): void {
  onAction<BlockAction<ButtonAction | StaticSelectAction>>(app, deps, /^alert_(snooze|snooze_1d|snooze_1w|dismiss|done)$/, async ({ ctx, body, action, respond }) => {
    // The snooze menu's options say only how long; its alert's key rides on the buttons of its block.
    const select = action.type === 'static_select';
    const value = AlertValue.safeParse(select ? alertValueInBlock(messageBlocks(body.message), action.block_id) : action.value);
    const member = ctx.viewer.member;
    if (!value.success || !member) throw new Error(`${action.action_id}: malformed value or unknown user`);
    const kind = select ? snoozeOfOption(action.selected_option.value) : ALERT_ACTIONS[action.action_id];
    if (!kind) throw new Error(`${action.action_id}: not an alert action`);
    const result = await recordAlertAction(deps.db, { workspaceId: ctx.workspace.id, memberId: member.id, alertKey: value.data.key, action: kind, now: deps.clock.now() });
    await respond(answeredMessage(body, action.block_id, ALERT_NOTES[kind](result.snoozedUntil), 'Alert'));
  });
}
