import { findViewProblems } from '../block-kit.js';
import type { Workspace } from '../directory.js';
import { type Params, SlackApiError } from '../params.js';
import type { LocalSlackState } from '../state.js';
import type { OpenedView, StoredView } from '../types.js';
import type { AuthedContext, MethodDefinition } from './context.js';
import { checkSlackFiles } from './slack-files.js';

/**
 * The view argument, checked. Slack answers a view that breaks Block Kit's rules with
 * `invalid_arguments` (not `invalid_blocks` as for messages), listing the problems under
 * `response_metadata.messages` with their json-pointers into `/view`.
 */
function checkedView(params: Params, expected: 'home' | 'modal' | undefined): Record<string, unknown> {
  const view = params.raw('view');
  if (view === undefined) throw SlackApiError.missing('view');
  const problems = findViewProblems(view, expected);
  if (problems.length > 0) throw SlackApiError.withMessages('invalid_arguments', problems);
  return view as Record<string, unknown>;
}

function optionalString(payload: Record<string, unknown>, key: string): string | undefined {
  const value = payload[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The payload's identifying fields, present only when set. */
function payloadFields(payload: Record<string, unknown>): Pick<StoredView, 'externalId' | 'callbackId' | 'privateMetadata'> {
  const externalId = optionalString(payload, 'external_id');
  const callbackId = optionalString(payload, 'callback_id');
  const privateMetadata = optionalString(payload, 'private_metadata');
  return { ...(externalId ? { externalId } : {}), ...(callbackId ? { callbackId } : {}), ...(privateMetadata ? { privateMetadata } : {}) };
}

/** The view as Slack returns it from views.* calls. */
function viewObject(workspace: Workspace, view: StoredView): Record<string, unknown> {
  const p = view.payload;
  return {
    id: view.id,
    team_id: view.teamId,
    type: view.type,
    title: p.title ?? null,
    submit: p.submit ?? null,
    close: p.close ?? null,
    blocks: p.blocks,
    private_metadata: view.privateMetadata ?? '',
    callback_id: view.callbackId ?? '',
    external_id: view.externalId ?? '',
    state: { values: {} },
    hash: view.hash,
    clear_on_close: p.clear_on_close === true,
    notify_on_close: p.notify_on_close === true,
    root_view_id: view.rootViewId,
    previous_view_id: view.previousViewId ?? null,
    app_id: workspace.appId,
    app_installed_team_id: workspace.teamId,
    bot_id: workspace.botId,
  };
}

function newHash(state: LocalSlackState): string {
  return `${Math.floor(state.now() / 1000)}.${state.randomToken(4)}`;
}

/** A stale `hash` means someone else changed the view since it was read: Slack's `hash_conflict`. */
function checkHash(params: Params, current: StoredView | undefined): void {
  const hash = params.string('hash');
  if (hash && current && hash !== current.hash) throw new SlackApiError('hash_conflict');
}

function checkExternalId(state: LocalSlackState, workspace: Workspace, externalId: string | undefined, except?: string): void {
  if (!externalId) return;
  for (const view of state.records.views.values()) {
    if (view.teamId === workspace.teamId && view.externalId === externalId && view.id !== except) throw new SlackApiError('duplicate_external_id');
  }
}

/** Trigger ids are single use in Slack: a second views.open with one is `exchanged_trigger_id`. */
function exchangeTrigger(state: LocalSlackState, params: Params): string {
  const triggerId = params.string('trigger_id') ?? params.string('interactivity_pointer');
  if (!triggerId) throw SlackApiError.missing('trigger_id');
  if (state.exchangedTriggers.has(triggerId)) throw new SlackApiError('exchanged_trigger_id');
  state.exchangedTriggers.add(triggerId);
  return triggerId;
}

function storeView(state: LocalSlackState, view: StoredView): StoredView {
  state.records.views.set(view.id, view);
  return view;
}

function recordOpened(state: LocalSlackState, method: OpenedView['method'], view: StoredView, triggerId?: string): void {
  state.records.openedViews.push({ method, ...(triggerId ? { triggerId } : {}), at: state.now(), view: structuredClone(view) });
}

const publish: MethodDefinition = {
  auth: 'bot',
  handle({ params, state, workspace }) {
    const userId = params.required('user_id', 'user_not_found');
    const user = workspace.users.get(userId);
    if (!user) throw new SlackApiError('user_not_found');
    const payload = checkedView(params, 'home');
    checkSlackFiles(state, workspace, payload.blocks, '/view/blocks', 'invalid_arguments');
    const key = `${workspace.teamId}/${userId}`;
    const currentId = state.records.homeViews.get(key);
    const current = currentId ? state.records.views.get(currentId) : undefined;
    checkHash(params, current);
    const fields = payloadFields(payload);
    checkExternalId(state, workspace, fields.externalId, current?.id);
    const id = current?.id ?? state.nextId('V');
    const view = storeView(state, {
      id,
      teamId: workspace.teamId,
      type: 'home',
      userId,
      hash: newHash(state),
      ...fields,
      rootViewId: id,
      payload,
    });
    state.records.homeViews.set(key, id);
    return { view: viewObject(workspace, view) };
  },
};

function openModal({ params, state, workspace }: AuthedContext, method: 'views.open' | 'views.push'): Record<string, unknown> {
  const payload = checkedView(params, 'modal');
  const triggerId = exchangeTrigger(state, params);
  const fields = payloadFields(payload);
  checkExternalId(state, workspace, fields.externalId);
  const id = state.nextId('V');
  const view = storeView(state, {
    id,
    teamId: workspace.teamId,
    type: 'modal',
    hash: newHash(state),
    ...fields,
    rootViewId: id,
    payload,
  });
  recordOpened(state, method, view, triggerId);
  return { view: viewObject(workspace, view) };
}

const open: MethodDefinition = { auth: 'bot', handle: (ctx) => openModal(ctx, 'views.open') };
const push: MethodDefinition = { auth: 'bot', handle: (ctx) => openModal(ctx, 'views.push') };

/** views.update: by view_id or external_id; the view keeps its id and type and gets a new hash. */
const update: MethodDefinition = {
  auth: 'bot',
  handle({ params, state, workspace }) {
    const viewId = params.string('view_id');
    const externalIdArg = params.string('external_id');
    if (!viewId && !externalIdArg) throw SlackApiError.missing('view_id');
    const current = [...state.records.views.values()].find((v) => v.teamId === workspace.teamId && (viewId ? v.id === viewId : v.externalId === externalIdArg));
    if (!current) throw new SlackApiError('not_found');
    const payload = checkedView(params, current.type);
    checkHash(params, current);
    const fields = payloadFields(payload);
    checkExternalId(state, workspace, fields.externalId, current.id);
    const { externalId: _e, callbackId: _c, privateMetadata: _p, ...kept } = current;
    const view = storeView(state, { ...kept, ...fields, hash: newHash(state), payload });
    recordOpened(state, 'views.update', view);
    return { view: viewObject(workspace, view) };
  },
};

export const viewMethods: Record<string, MethodDefinition> = {
  'views.publish': publish,
  'views.open': open,
  'views.push': push,
  'views.update': update,
};
