import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { renderNotAllowed } from '../../blocks/notices.js';
import type { SlackDeps } from '../../deps.js';
import { teamKpisPage } from '../../teamkpis-page.js';
import { jsonValue, onAction } from '../action-kit.js';

const PageValue = jsonValue(z.object({ team: z.string(), page: z.number().int().min(0), asOf: z.iso.datetime({ offset: true }) }));

/** /teamkpis's "Show team" buttons: another team's view as of the same moment, for the team's managers only. */
export function registerTeamKpisPage(app: App, deps: SlackDeps): void {
  onAction<BlockAction<ButtonAction>>(app, deps, 'teamkpis_page', async ({ ctx, action, respond }) => {
    const value = PageValue.safeParse(action.value);
    if (!value.success) throw new Error(`teamkpis_page: malformed value ${action.value ?? ''}`);
    if (!ctx.viewer.member?.managedTeams.includes(value.data.team)) {
      await respond({ replace_original: true, ...renderNotAllowed({ subject: 'teamkpis_non_manager' }) });
      return;
    }
    const page = await teamKpisPage(deps, { workspaceId: ctx.workspace.id, team: value.data.team, asOf: new Date(value.data.asOf) });
    await respond({ replace_original: true, response_type: 'ephemeral', ...page });
  });
}
