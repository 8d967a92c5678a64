import type { App, BlockAction, ButtonAction, StaticSelectAction } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { teamKpisPage } from '../../commands/teamkpis.js';
import { recordAlertAction, recordFeedback, type AlertAction } from '../../db/alert-state-repo.js';
import { savePreferences } from '../../db/preferences-repo.js';
import type { Logger } from '../../logger.js';
import { renderEventsBehindFor } from '../events-behind.js';
import { renderLoadingModal, renderMessageModal } from '../blocks/loading.js';
import { renderMyKpis } from '../blocks/mykpis.js';
import { renderNotAllowed } from '../blocks/notices.js';
import type { SlackDeps } from '../deps.js';
import { OPEN_RECORD_ACTION } from '../blocks/record.js';
import { publishHome } from '../home.js';
import { requestLogger } from '../request-log.js';
import { identifySlackUser, type SlackPerson } from '../who.js';
import { workspaceForSlackTeam, type SlackWorkspace } from '../workspace.js';

const json = <T extends z.ZodType>(schema: T) =>
  z.string().transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not JSON' });
      return z.NEVER;
    }
  }).pipe(schema);

const PageValue = json(z.object({ team: z.string(), page: z.number().int().min(0), asOf: z.iso.datetime({ offset: true }) }));
const RepValue = json(z.object({ email: z.string() }));
const IndicatorValue = json(z.object({ key: z.string(), email: z.string() }));
const AlertValue = json(z.object({ key: z.string().min(1).max(500) }));
const FeedbackValue = json(z.object({ subject: z.string().min(1).max(200) }));
const SEND_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

interface ActionContext {
  workspace: SlackWorkspace;
  viewer: SlackPerson;
  log: Logger;
}

/** Whether the viewer may see this person's numbers: themselves, or a rep of a team they manage. */
async function maySee(deps: SlackDeps, ctx: ActionContext, email: string): Promise<boolean> {
  const me = ctx.viewer.member;
  if (!me) return false;
  if (me.email === email.toLowerCase()) return true;
  if (me.managedTeams.length === 0) return false;
  const rep = await deps.db.prisma.teamMembership.findFirst({
    where: { role: 'rep', member: { workspaceId: ctx.workspace.id, email: email.toLowerCase(), active: true }, team: { active: true, name: { in: me.managedTeams } } },
    select: { id: true },
  });
  return rep !== null;
}

/** The blocks of the message a button sits in (Slack sends them back with the click). */
function messageBlocks(message: BlockAction['message']): KnownBlock[] | undefined {
  const blocks: unknown = message?.blocks;
  return Array.isArray(blocks) ? (blocks as KnownBlock[]) : undefined;
}

/** The message with the clicked actions block replaced by a line saying what happened. */
function replaceActions(blocks: KnownBlock[] | undefined, blockId: string, note: string): KnownBlock[] {
  const noteBlock: KnownBlock = { type: 'context', elements: [{ type: 'mrkdwn', text: note }] };
  const kept = (blocks ?? []).map((b) => (b.type === 'actions' && b.block_id === blockId ? noteBlock : b));
  return kept.includes(noteBlock) ? kept : [...kept, noteBlock];
}

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
 * Buttons and menus: App Home settings and drill-downs, /teamkpis pages, alert snooze/dismiss/done
 * and feedback. Every handler acknowledges first, then resolves the clicking user in the
 * request's workspace and checks they may see what they ask for.
 */
export function registerActions(app: App, deps: SlackDeps): void {
  // Link buttons ("Open in CRM", /mykpis's "Open your dashboard"): Slack opens the link itself and
  // still sends the click, which needs an answer.
  for (const linkButton of [OPEN_RECORD_ACTION, 'open_dashboard']) {
    app.action(linkButton, async ({ ack }) => {
      await ack();
    });
  }

  const handle = <A extends BlockAction>(
    pattern: string | RegExp,
    run: (args: { ctx: ActionContext; body: A; action: A['actions'][number]; client: WebClient; respond: (m: Record<string, unknown>) => Promise<unknown> }) => Promise<void>,
  ) => {
    app.action<A>(pattern, async ({ ack, body, action, client, respond }) => {
      await ack();
      const teamId = body.team?.id ?? body.user.team_id ?? '';
      const { log } = requestLogger(deps.logger, { workspace: teamId, user: body.user.id, what: `action:${action.action_id}` });
      const workspace = await workspaceForSlackTeam(deps.db, teamId);
      if (!workspace) {
        log.warn('action from a workspace Pacer has no config for');
        return;
      }
      const viewer = await identifySlackUser(deps.db, client, workspace.id, body.user.id, deps.clock.now(), log);
      try {
        await run({ ctx: { workspace, viewer, log }, body, action, client, respond });
      } catch (err) {
        log.error({ err }, 'action failed');
        throw err;
      }
    });
  };

  handle<BlockAction<ButtonAction>>('teamkpis_page', async ({ ctx, action, respond }) => {
    const value = PageValue.safeParse(action.value);
    if (!value.success) throw new Error(`teamkpis_page: malformed value ${action.value ?? ''}`);
    if (!ctx.viewer.member?.managedTeams.includes(value.data.team)) {
      await respond({ replace_original: true, ...renderNotAllowed({ subject: 'teamkpis_non_manager' }) });
      return;
    }
    const page = await teamKpisPage(deps, { workspaceId: ctx.workspace.id, team: value.data.team, page: value.data.page, asOf: new Date(value.data.asOf) });
    await respond({ replace_original: true, response_type: 'ephemeral', ...page });
  });

  handle<BlockAction<ButtonAction>>('show_events', async ({ ctx, body, action, client }) => {
    const value = IndicatorValue.safeParse(action.value);
    if (!value.success) throw new Error(`show_events: malformed value ${action.value ?? ''}`);
    const opened = await client.views.open({ trigger_id: body.trigger_id, view: renderLoadingModal('Events behind') });
    const view = (await maySee(deps, ctx, value.data.email))
      ? await renderEventsBehindFor(deps, { workspaceId: ctx.workspace.id, email: value.data.email, key: value.data.key })
      : renderMessageModal('Events behind', renderNotAllowed({ subject: 'other_rep' }));
    await client.views.update({ view_id: opened.view?.id ?? '', view });
  });

  handle<BlockAction<ButtonAction>>('open_rep', async ({ ctx, body, action, client }) => {
    const value = RepValue.safeParse(action.value);
    if (!value.success) throw new Error(`open_rep: malformed value ${action.value ?? ''}`);
    const opened = await client.views.open({ trigger_id: body.trigger_id, view: renderLoadingModal('Rep KPIs') });
    let view;
    if (await maySee(deps, ctx, value.data.email)) {
      const report = await deps.reports.repReport(ctx.workspace.id, value.data.email, deps.clock.now());
      view = renderMessageModal(report.rep.name, renderMyKpis({ report, period: 'this_week', appHomeUrl: null, viewerIsSubject: false }));
    } else {
      view = renderMessageModal('Rep KPIs', renderNotAllowed({ subject: 'other_rep' }));
    }
    await client.views.update({ view_id: opened.view?.id ?? '', view });
  });

  const settings = <A extends BlockAction>(actionId: string, change: (action: A['actions'][number], viewer: SlackPerson) => Parameters<typeof savePreferences>[2] | null) =>
    handle<A>(actionId, async ({ ctx, action, client }) => {
      const member = ctx.viewer.member;
      if (!member) return;
      const update = change(action, ctx.viewer);
      if (!update) throw new Error(`${actionId}: malformed value`);
      await savePreferences(deps.db, member.id, update);
      ctx.log.info({ change: update }, 'App Home settings changed');
      await publishHome(deps, client, ctx.workspace, ctx.viewer);
    });
  settings<BlockAction<ButtonAction>>('settings_toggle_nudges', (action) => ({ nudgesEnabled: action.value === 'on' }));
  settings<BlockAction<ButtonAction>>('settings_toggle_digest', (action) => ({ digestEnabled: action.value === 'on' }));
  settings<BlockAction<StaticSelectAction>>('settings_send_time', (action) =>
    SEND_TIME.test(action.selected_option.value) ? { sendTime: action.selected_option.value } : null,
  );

  handle<BlockAction<ButtonAction>>(/^alert_(snooze_1d|snooze_1w|dismiss|done)$/, async ({ ctx, body, action, respond }) => {
    const value = AlertValue.safeParse(action.value);
    const member = ctx.viewer.member;
    if (!value.success || !member) throw new Error(`${action.action_id}: malformed value or unknown user`);
    const kind = ALERT_ACTIONS[action.action_id];
    if (!kind) throw new Error(`${action.action_id}: not an alert action`);
    const result = await recordAlertAction(deps.db, { workspaceId: ctx.workspace.id, memberId: member.id, alertKey: value.data.key, action: kind, now: deps.clock.now() });
    const original = body.message;
    await respond({
      replace_original: true,
      text: typeof original?.text === 'string' ? original.text : 'Alert',
      blocks: replaceActions(messageBlocks(original), action.block_id, ALERT_NOTES[kind](result.snoozedUntil)),
    });
  });

  handle<BlockAction<ButtonAction>>(/^feedback_(useful|not_useful)$/, async ({ ctx, body, action, respond }) => {
    const value = FeedbackValue.safeParse(action.value);
    if (!value.success) throw new Error(`${action.action_id}: malformed value`);
    const useful = action.action_id === 'feedback_useful';
    await recordFeedback(deps.db, { workspaceId: ctx.workspace.id, slackUserId: body.user.id, memberId: ctx.viewer.member?.id ?? null, subject: value.data.subject, useful });
    const original = body.message;
    await respond({
      replace_original: true,
      text: typeof original?.text === 'string' ? original.text : 'Pacer',
      blocks: replaceActions(messageBlocks(original), action.block_id, useful ? ':+1: Thanks — noted as useful.' : ':memo: Thanks — noted; Pacer will tune this.'),
    });
  });
}
