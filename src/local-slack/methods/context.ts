import type { Workspace } from '../directory.js';
import type { LocalSlackScope } from '../scopes.js';
import type { Params } from '../params.js';
import type { LocalSlackState } from '../state.js';

/** What a method handler gets: the call's arguments and the server's state. */
export interface CallContext {
  params: Params;
  state: LocalSlackState;
  token: string;
  /** Client credentials from `Authorization: Basic …` (oauth.v2.access). */
  basic: { id: string; secret: string } | undefined;
}

export interface AuthedContext extends CallContext {
  workspace: Workspace;
}

/** A successful answer's fields; `ok: true` is added by the dispatcher. */
export type MethodResult = Record<string, unknown>;

/**
 * One Web API method. `auth: 'bot'` methods need a valid bot token and get its workspace, and
 * the `scope` named, if any (`missing_scope` otherwise); `read` methods also answer GET, as
 * Slack's read methods do.
 */
export type MethodDefinition =
  | { auth: 'none'; read?: boolean; handle(ctx: CallContext): MethodResult | Promise<MethodResult> }
  | { auth: 'bot'; scope?: LocalSlackScope; read?: boolean; handle(ctx: AuthedContext): MethodResult | Promise<MethodResult> };
