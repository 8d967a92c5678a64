import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { ModalView } from '@slack/types';
import { z } from 'zod';
import { renderAllRepsFor } from '../../all-reps.js';
import { ALL_REPS_NEXT_ACTION, ALL_REPS_PREVIOUS_ACTION, SEE_ALL_REPS_ACTION } from '../../blocks/all-reps.js';
import { renderLoadingModal } from '../../blocks/loading.js';
import type { SlackDeps } from '../../deps.js';
import { requestLogger } from '../../request-log.js';
import { identifySlackUser } from '../../who.js';
import { workspaceForSlackTeam } from '../../workspace.js';

const TeamPage = z
  .string()
  .transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not JSON' });
      return z.NEVER;
    }
  })
  .pipe(z.object({ team: z.string(), asOf: z.iso.datetime({ offset: true }), page: z.number().int().min(0) }));
/** A click inside a modal names it in its container (Slack also sends the whole view; the container is enough). */
const InView = z.object({ type: z.literal('view'), view_id: z.string().min(1) });

/**
 * "See all reps" (the digest's and /teamkpis's button) opens a modal at once, while the trigger id
 * is fresh, and fills it with the first page; Previous and Next in the modal turn its pages in
 * place (views.update). Only a manager of the team sees the reps (src/slack/all-reps.ts).
 */
export function registerSeeAllReps(app: App, deps: SlackDeps): void {
  const handle = (pattern: string | RegExp, show: (args: { body: BlockAction<ButtonAction>; client: WebClient; view: () => Promise<ModalView> }) => Promise<void>) => {
    app.action<BlockAction<ButtonAction>>(pattern, async ({ ack, body, action, client }) => {
      await ack();
      const teamId = body.team?.id ?? body.user.team_id ?? '';
      const { log } = requestLogger(deps.logger, { workspace: teamId, user: body.user.id, what: `action:${action.action_id}` });
      try {
        const value = TeamPage.safeParse(action.value);
        if (!value.success) throw new Error(`${action.action_id}: malformed value ${action.value ?? ''}`);
        const workspace = await workspaceForSlackTeam(deps.db, teamId);
        if (!workspace) {
          log.warn('action from a workspace Pacer has no config for');
          return;
        }
        const viewer = await identifySlackUser(deps.db, client, workspace.id, body.user.id, deps.clock.now(), log);
        const { team, asOf, page } = value.data;
        await show({ body, client, view: () => renderAllRepsFor(deps, { workspaceId: workspace.id, viewer, team, asOf: new Date(asOf), page }) });
      } catch (err) {
        log.error({ err }, 'action failed');
        throw err;
      }
    });
  };

  handle(SEE_ALL_REPS_ACTION, async ({ body, client, view }) => {
    const opened = await client.views.open({ trigger_id: body.trigger_id, view: renderLoadingModal('All reps') });
    await client.views.update({ view_id: opened.view?.id ?? '', view: await view() });
  });

  handle(new RegExp(`^(${ALL_REPS_PREVIOUS_ACTION}|${ALL_REPS_NEXT_ACTION})$`), async ({ body, client, view }) => {
    const container = InView.safeParse(body.container);
    if (!container.success) throw new Error('all reps page: the click did not come from a modal');
    await client.views.update({ view_id: container.data.view_id, view: await view() });
  });
}
