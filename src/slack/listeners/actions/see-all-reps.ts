import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import { z } from 'zod';
import { renderAllRepsFor } from '../../all-reps.js';
import { ALL_REPS_NEXT_ACTION, ALL_REPS_PREVIOUS_ACTION, SEE_ALL_REPS_ACTION } from '../../blocks/all-reps.js';
import { renderLoadingModal } from '../../blocks/loading.js';
import type { SlackDeps } from '../../deps.js';
import { jsonValue, onAction, type ActionArgs } from '../action-kit.js';

const TeamPage = jsonValue(z.object({ team: z.string(), asOf: z.iso.datetime({ offset: true }), page: z.number().int().min(0) }));
/** A click inside a modal names it in its container (Slack also sends the whole view; the container is enough). */
const InView = z.object({ type: z.literal('view'), view_id: z.string().min(1) });

type Click = ActionArgs<BlockAction<ButtonAction>>;

/** The page of the team the click names, for its viewer (only a manager of the team sees the reps: src/slack/all-reps.ts). */
function pageOf(deps: SlackDeps, { ctx, action }: Click): () => Promise<ModalView> {
  const value = TeamPage.safeParse(action.value);
  if (!value.success) throw new Error(`${action.action_id}: malformed value ${action.value ?? ''}`);
  const { team, asOf, page } = value.data;
  return () => renderAllRepsFor(deps, { workspaceId: ctx.workspace.id, viewer: ctx.viewer, team, asOf: new Date(asOf), page });
}

/**
 * "See all reps" (the digest's and /teamkpis's button) opens a modal at once, while the trigger id
 * is fresh, and fills it with the first page; Previous and Next in the modal turn its pages in
 * place (views.update).
 */
export function registerSeeAllReps(app: App, deps: SlackDeps): void {
  onAction<BlockAction<ButtonAction>>(app, deps, SEE_ALL_REPS_ACTION, async (click) => {
    const view = pageOf(deps, click);
    const { client } = click;
    const opened = await client.views.open({ trigger_id: click.body.trigger_id, view: renderLoadingModal('All reps') });
    await client.views.update({ view_id: opened.view?.id ?? '', view: await view() });
  });

  onAction<BlockAction<ButtonAction>>(app, deps, new RegExp(`^(${ALL_REPS_PREVIOUS_ACTION}|${ALL_REPS_NEXT_ACTION})$`), async (click) => {
    const view = pageOf(deps, click);
    const container = InView.safeParse(click.body.container);
    if (!container.success) throw new Error('all reps page: the click did not come from a modal');
    await click.client.views.update({ view_id: container.data.view_id, view: await view() });
  });
}
