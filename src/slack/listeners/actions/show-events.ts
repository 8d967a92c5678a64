import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { renderLoadingModal, renderMessageModal } from '../../blocks/loading.js';
import { renderNotAllowed } from '../../blocks/notices.js';
import type { SlackDeps } from '../../deps.js';
import { renderEventsBehindFor } from '../../events-behind.js';
import { jsonValue, maySee, onAction } from '../action-kit.js';

const IndicatorValue = jsonValue(z.object({ key: z.string(), email: z.string() }));

/** "Events behind this": a modal (loading first, as the trigger id expires in 3 s) listing the events behind a figure. */
export function registerShowEvents(app: App, deps: SlackDeps): void {
  onAction<BlockAction<ButtonAction>>(app, deps, 'show_events', async ({ ctx, body, action, client }) => {
    const value = IndicatorValue.safeParse(action.value);
    if (!value.success) throw new Error(`show_events: malformed value ${action.value ?? ''}`);
    const opened = await client.views.open({ trigger_id: body.trigger_id, view: renderLoadingModal('Events behind') });
    const view = (await maySee(deps, ctx, value.data.email))
      ? await renderEventsBehindFor(deps, { workspaceId: ctx.workspace.id, email: value.data.email, key: value.data.key })
      : renderMessageModal('Events behind', renderNotAllowed({ subject: 'other_rep' }));
    await client.views.update({ view_id: opened.view?.id ?? '', view });
  });
}
