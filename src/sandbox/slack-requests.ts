/**
 * Requests as Slack sends them to an app (signed slash commands, Events API callbacks,
 * block_actions): the sandbox plays Slack with them, and the tests send them.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** Slack's v0 request signature (HMAC-SHA256 of "v0:<timestamp>:<body>" with the signing secret). */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SlackPost {
  status: number;
  text: string;
  json(): unknown;
}

/**
 * A fresh trigger id, unique as Slack's are: two requests that differ in nothing else still
 * differ in it, so their signatures do too (Pacer serves each signature once).
 */
const newTriggerId = (): string => `${Date.now()}.${randomBytes(8).toString('hex')}`;

/** Posts a body to the app the way Slack does: signed, with Slack's content type and retry headers. */
export async function postSigned(
  url: string,
  secret: string,
  body: string,
  options: { contentType: string; timestamp?: number; signature?: string; headers?: Record<string, string> },
): Promise<SlackPost> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': options.contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? slackSignature(secret, timestamp, body),
      ...options.headers,
    },
    body,
  });
  const text = await res.text();
  return { status: res.status, text, json: (): unknown => (text ? JSON.parse(text) : null) };
}

/** A slash command as Slack sends it (form-encoded). */
export function slashCommandBody(fields: { command: string; text?: string; teamId: string; userId: string; responseUrl: string; apiAppId?: string }): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: fields.teamId,
    team_domain: 'example',
    channel_id: 'C0COMMANDS',
    channel_name: 'general',
    user_id: fields.userId,
    user_name: fields.userId.toLowerCase(),
    command: fields.command,
    text: fields.text ?? '',
    api_app_id: fields.apiAppId ?? 'A0PACER',
    response_url: fields.responseUrl,
    trigger_id: newTriggerId(),
  }).toString();
}

/** An Events API callback (JSON). */
export function eventCallbackBody(fields: { teamId: string; eventId: string; event: Record<string, unknown>; apiAppId?: string }): string {
  return JSON.stringify({
    token: 'legacy-verification-token',
    team_id: fields.teamId,
    api_app_id: fields.apiAppId ?? 'A0PACER',
    type: 'event_callback',
    event_id: fields.eventId,
    event_time: Math.floor(Date.now() / 1000),
    event: fields.event,
    authorizations: [{ team_id: fields.teamId, user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
  });
}

/** A block_actions payload (form field `payload` holding JSON), as a button click sends it. */
export function blockActionsBody(fields: {
  teamId: string;
  userId: string;
  actionId: string;
  value?: string;
  selectedOption?: { value: string; text: string };
  blockId?: string;
  responseUrl?: string;
  triggerId?: string;
  message?: { text: string; blocks: unknown[]; ts: string };
  container?: Record<string, unknown>;
}): string {
  const action = fields.selectedOption
    ? {
        type: 'static_select',
        action_id: fields.actionId,
        block_id: fields.blockId ?? 'b1',
        selected_option: { text: { type: 'plain_text', text: fields.selectedOption.text }, value: fields.selectedOption.value },
        action_ts: '1',
      }
    : { type: 'button', action_id: fields.actionId, block_id: fields.blockId ?? 'b1', value: fields.value, text: { type: 'plain_text', text: 'x' }, action_ts: '1' };
  const payload = {
    type: 'block_actions',
    team: { id: fields.teamId, domain: 'example' },
    user: { id: fields.userId, username: fields.userId.toLowerCase(), team_id: fields.teamId },
    api_app_id: 'A0PACER',
    token: 'legacy-verification-token',
    trigger_id: fields.triggerId ?? newTriggerId(),
    container: fields.container ?? { type: 'view', view_id: 'V0HOME' },
    ...(fields.responseUrl ? { response_url: fields.responseUrl } : {}),
    ...(fields.message ? { message: { type: 'message', ...fields.message }, channel: { id: 'D0DM', name: 'directmessage' } } : {}),
    actions: [action],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
