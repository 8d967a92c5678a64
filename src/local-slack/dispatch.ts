import { setTimeout as sleep } from 'node:timers/promises';
import { METHODS } from './methods/index.js';
import { Params, type ParsedBody, SlackApiError } from './params.js';
import type { LocalSlackState } from './state.js';
import type { Failure } from './types.js';

/** An HTTP answer: status, extra headers, JSON body. */
export interface ApiReply {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface ApiRequest {
  method: string;
  httpMethod: 'GET' | 'POST';
  parsed: ParsedBody;
  token: string;
  basic: { id: string; secret: string } | undefined;
}

const SERVER_ERRORS: Record<500 | 502 | 503, string> = { 500: 'internal_error', 502: 'bad_gateway', 503: 'service_unavailable' };

/**
 * The answer an injected failure gives, or undefined for a delay (which has already been waited
 * out by then, and the call goes on normally).
 */
export async function applyFailure(failure: Failure | undefined): Promise<ApiReply | undefined> {
  if (!failure) return undefined;
  if ('delayMs' in failure) {
    await sleep(failure.delayMs);
    return undefined;
  }
  if ('error' in failure) return { status: 200, headers: {}, body: { ok: false, error: failure.error } };
  if (failure.status === 429) {
    return { status: 429, headers: { 'Retry-After': String(failure.retryAfter) }, body: { ok: false, error: 'ratelimited' } };
  }
  return { status: failure.status, headers: {}, body: { ok: false, error: SERVER_ERRORS[failure.status] } };
}

function errorReply(error: SlackApiError): ApiReply {
  return { status: error.status, headers: error.headers, body: { ok: false, error: error.error, ...error.extra } };
}

/**
 * Answers one Web API call the way Slack does, in Slack's order: injected failures first (they
 * stand for trouble in front of the API), then the method name (`unknown_method`, 404), the body,
 * the token (`not_authed`, `token_revoked`, `invalid_auth`), its scopes (`missing_scope`), and
 * the method's own checks. Errors
 * are HTTP 200 with `ok: false`, except rate limits (429) and unknown methods.
 */
export async function dispatch(state: LocalSlackState, request: ApiRequest): Promise<ApiReply> {
  const injected = await applyFailure(state.faults.take(request.method));
  if (injected) return injected;

  const definition = METHODS.get(request.method);
  if (!definition) return { status: 404, headers: {}, body: { ok: false, error: 'unknown_method', req_method: request.method } };
  if (request.httpMethod === 'GET' && !definition.read) {
    // A local choice: Slack documents POST for write methods; refusing GET keeps clients honest.
    return { status: 405, headers: { Allow: 'POST' }, body: { ok: false, error: 'method_not_allowed', detail: `${request.method} takes POST` } };
  }
  if ('error' in request.parsed) return errorReply(new SlackApiError(request.parsed.error));

  const params = new Params(request.parsed.params);
  const base = { params, state, token: request.token, basic: request.basic };
  // Slack tells a token's scopes, and those the method accepts, in every answer past authentication.
  let scopeHeaders: Record<string, string> = {};
  try {
    let result: Record<string, unknown>;
    if (definition.auth === 'none') {
      result = await definition.handle(base);
    } else {
      const workspace = state.directory.authenticate(request.token);
      if (typeof workspace === 'string') throw new SlackApiError(workspace);
      const provided = [...workspace.scopes].join(',');
      scopeHeaders = { 'x-oauth-scopes': provided, ...(definition.scope ? { 'x-accepted-oauth-scopes': definition.scope } : {}) };
      if (definition.scope && !workspace.scopes.has(definition.scope)) throw new SlackApiError('missing_scope', { needed: definition.scope, provided });
      result = await definition.handle({ ...base, workspace });
    }
    return { status: 200, headers: scopeHeaders, body: { ok: true, ...result } };
  } catch (err) {
    if (!(err instanceof SlackApiError)) throw err;
    const reply = errorReply(err);
    return { ...reply, headers: { ...scopeHeaders, ...reply.headers } };
  }
}
