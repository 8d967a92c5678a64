import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';

/** Errors that will not change on retry: recorded, logged once, never retried. */
const PERMANENT_ERRORS = new Set([
  'user_not_found',
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'account_inactive',
  'invalid_blocks',
  'no_text',
  'msg_too_long',
  'cannot_dm_bot',
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'missing_scope',
  'restricted_action',
]);

/** What a failed Web API call of a scheduled delivery means for the message. */
export type SlackFailure =
  /** Slack pacing us: wait, and it does not count as a failed attempt. */
  | { kind: 'rate_limited'; retryAfterMs: number; reason: string }
  /** Will not change on retry: record it once. */
  | { kind: 'permanent'; error: string }
  /** A 5xx, a transport error or another platform error: back off and retry, up to the cap. */
  | { kind: 'transient'; reason: string };

/** Classifies a Web API error; null for anything else (a bug or a database error: let it throw). */
export function classifySlackFailure(err: unknown): SlackFailure | null {
  if (err instanceof WebAPIRateLimitedError) {
    return { kind: 'rate_limited', retryAfterMs: err.retryAfter * 1000, reason: `ratelimited (Retry-After ${err.retryAfter} s)` };
  }
  if (err instanceof WebAPIPlatformError) {
    return PERMANENT_ERRORS.has(err.data.error) ? { kind: 'permanent', error: err.data.error } : { kind: 'transient', reason: err.data.error };
  }
  if (err instanceof WebAPIHTTPError) return { kind: 'transient', reason: `HTTP ${err.statusCode}` };
  if (err instanceof WebAPIRequestError) return { kind: 'transient', reason: err.original.message };
  return null;
}
