import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { renderLoadingModal, renderMessageModal } from '../../blocks/loading.js';
import { renderMyKpis } from '../../blocks/mykpis.js';
import { renderNotAllowed } from '../../blocks/notices.js';
import type { SlackDeps } from '../../deps.js';
import { jsonValue, maySee, onAction } from '../action-kit.js';

const RepValue = jsonValue(z.object({ email: z.string() }));

/** A rep's name on a manager's surface: that rep's KPIs in a modal. */
export function registerOpenRep(app: App, deps: SlackDeps): void {
  onAction<BlockAction<ButtonAction>>(app, deps, 'open_rep', async ({ ctx, body, action, client }) => {
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
}
