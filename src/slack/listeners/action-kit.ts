import type { App, BlockAction } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { isActiveRepOfTeams } from '../../db/member-teams-repo.js';
import { savePreferences } from '../../db/preferences-repo.js';
import type { Logger } from '../../logger.js';
import type { SlackDeps } from '../deps.js';
import { publishHome } from '../home.js';
import { requestLogger } from '../request-log.js';
import { identifySlackUser, type SlackPerson } from '../who.js';
import { workspaceForSlackTeam, type SlackWorkspace } from '../workspace.js';

/** What the action listeners share: the preamble every click goes through, value schemas, message edits. */

export interface ActionContext {
  workspace: SlackWorkspace;
  viewer: SlackPerson;
  log: Logger;
}

export interface ActionArgs<A extends BlockAction> {
  ctx: ActionContext;
  body: A;
  action: A['actions'][number];
  client: WebClient;
  respond: (m: Record<string, unknown>) => Promise<unknown>;
}

/**
 * Registers an action listener that acknowledges first, then resolves the clicking user in the
 * request's workspace (ignoring clicks from a workspace Pacer has no config for) and runs `run`;
 * listeners check themselves that the viewer may see what they ask for.
 */
export function onAction<A extends BlockAction>(app: App, deps: SlackDeps, pattern: string | RegExp, run: (args: ActionArgs<A>) => Promise<void>): void {
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
}

/** An App Home setting: saves what the click changes (null: a malformed value) and publishes the Home again. */
export function onSettingChange<A extends BlockAction>(app: App, deps: SlackDeps, actionId: string, change: (action: A['actions'][number]) => Parameters<typeof savePreferences>[2] | null): void {
  onAction<A>(app, deps, actionId, async ({ ctx, action, client }) => {
    const member = ctx.viewer.member;
    if (!member) return;
    const update = change(action);
    if (!update) throw new Error(`${actionId}: malformed value`);
    await savePreferences(deps.db, member.id, update);
    ctx.log.info({ change: update }, 'App Home settings changed');
    await publishHome(deps, client, ctx.workspace, ctx.viewer);
  });
}

/** A button's `value`: a JSON string holding what `schema` describes. */
export const jsonValue = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);

/** Whether the viewer may see this person's numbers: themselves, or a rep of a team they manage. */
export async function maySee(deps: SlackDeps, ctx: ActionContext, email: string): Promise<boolean> {
  const me = ctx.viewer.member;
  if (!me) return false;
  if (me.email === email.toLowerCase()) return true;
  if (me.managedTeams.length === 0) return false;
  return isActiveRepOfTeams(deps.db, ctx.workspace.id, email.toLowerCase(), me.managedTeams);
}

/** The blocks of the message a button sits in (Slack sends them back with the click). */
export function messageBlocks(message: BlockAction['message']): KnownBlock[] | undefined {
  const blocks: unknown = message?.blocks;
  return Array.isArray(blocks) ? (blocks as KnownBlock[]) : undefined;
}

/** The message with the clicked actions block replaced by a line saying what happened. */
function replaceActions(blocks: KnownBlock[] | undefined, blockId: string, note: string): KnownBlock[] {
  const noteBlock: KnownBlock = { type: 'context', elements: [{ type: 'mrkdwn', text: note }] };
  const kept = (blocks ?? []).map((b) => (b.type === 'actions' && b.block_id === blockId ? noteBlock : b));
  return kept.includes(noteBlock) ? kept : [...kept, noteBlock];
}

/** The clicked message again, its actions block replaced by `note` (the click's answer). */
export function answeredMessage(body: BlockAction, blockId: string, note: string, fallbackText: string): Record<string, unknown> {
  const original = body.message;
  return {
    replace_original: true,
    text: typeof original?.text === 'string' ? original.text : fallbackText,
    blocks: replaceActions(messageBlocks(original), blockId, note),
  };
}
