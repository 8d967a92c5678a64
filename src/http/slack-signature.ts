import { createHash } from 'node:crypto';
import { verifySlackRequest } from '@slack/bolt';

/**
 * How far a request's signed timestamp may be from the system clock, either way. Bolt refuses
 * only the stale side; a timestamp in the future would let a captured request be replayed later.
 */
export const SLACK_REQUEST_WINDOW_S = 5 * 60;

export type SignatureCheck = { ok: true; signedAt: Date; signatureHash: string } | { ok: false; reason: string };

/**
 * Checks a Slack request's v0 signature and that its timestamp lies within the window of `nowMs`
 * (the system clock: never Pacer's clock, which PACER_NOW and tests move). On success, the
 * signature's sha256: what the replay check records.
 */
export function checkSlackSignature(input: { signingSecret: string; body: string; signature: string | string[] | undefined; timestamp: string | string[] | undefined; nowMs: number }): SignatureCheck {
  const { signature, timestamp } = input;
  if (typeof signature !== 'string' || typeof timestamp !== 'string') {
    return { ok: false, reason: 'X-Slack-Signature and X-Slack-Request-Timestamp must each be sent once' };
  }
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'X-Slack-Request-Timestamp is not a Unix time in seconds' };
  const signedAt = Number(timestamp);
  const skew = signedAt - Math.floor(input.nowMs / 1000);
  if (Math.abs(skew) > SLACK_REQUEST_WINDOW_S) {
    return {
      ok: false,
      reason: `X-Slack-Request-Timestamp is ${Math.abs(skew)} s in the ${skew > 0 ? 'future' : 'past'} of this host's clock; Slack's window is ${SLACK_REQUEST_WINDOW_S} s either way`,
    };
  }
  try {
    verifySlackRequest({ signingSecret: input.signingSecret, body: input.body, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': signedAt }, nowMilliseconds: input.nowMs });
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
  return { ok: true, signedAt: new Date(signedAt * 1000), signatureHash: createHash('sha256').update(signature).digest('hex') };
}

/**
 * Slash commands and interactive requests (block_actions, view_submission, shortcuts…) are the
 * form-encoded ones; each signature acts once. Events API callbacks are JSON and recognised by
 * event id instead, so a Slack retry (X-Slack-Retry-Num) is never refused here.
 */
export function isFormEncoded(contentType: string | undefined): boolean {
  return contentType?.split(';', 1)[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}
