import type { App, BlockAction, ButtonAction, StaticSelectAction } from '@slack/bolt';
import { z } from 'zod';
import { renderLoadingModal, renderMessageModal } from '../../blocks/loading.js';
import { renderNotAllowed } from '../../blocks/notices.js';
import type { SlackDeps } from '../../deps.js';
import { renderEventsBehindFor } from '../../events-behind.js';
import { jsonValue, maySee, onAction } from '../action-kit.js';

const Indicator = z.object({ key: z.string().min(1), email: z.string() });
const IndicatorValue = jsonValue(Indicator);

/**
 * "Events behind this" (a button) or the App Home's "Events behind a figure" menu: a modal (loading
 * first, as the trigger id expires in 3 s) listing the events behind a figure.
 */
export function registerShowEvents(app: App, deps: SlackDeps): void {
  onAction<BlockAction<ButtonAction | StaticSelectAction>>(app, deps, 'show_events', async ({ ctx, body, action, client }) => {
    // The App Home's menu names the figure only: the dashboard it sits on is the viewer's own.
    const value = action.type === 'static_select' ? Indicator.safeParse({ key: action.selected_option.value, email: ctx.viewer.member?.email ?? '' }) : IndicatorValue.safeParse(action.value);
    if (!value.success) throw new Error(`show_events: malformed value ${action.type === 'static_select' ? action.selected_option.value : (action.value ?? '')}`);
    const opened = await client.views.open({ trigger_id: body.trigger_id, view: renderLoadingModal('Events behind') });
    const view = (await maySee(deps, ctx, value.data.email))
      ? await renderEventsBehindFor(deps, { workspaceId: ctx.workspace.id, email: value.data.email, key: value.data.key })
      : renderMessageModal('Events behind', renderNotAllowed({ subject: 'other_rep' }));
    await client.views.update({ view_id: opened.view?.id ?? '', view });
  });
}
