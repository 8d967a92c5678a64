import { WebAPIPlatformError, WebAPIRateLimitedError, type WebClient } from '@slack/web-api';
import { setTimeout as delay } from 'node:timers/promises';

export { imageBlock } from './block.js';

/**
 * Charts go to Slack the way apps upload files today: files.getUploadURLExternal, the bytes to
 * the URL it hands out, then files.completeUploadExternal (WebClient's filesUploadV2 does the
 * three). Without a channel the file stays private to the app, which is all an image block
 * with `slack_file: { id }` needs when the same app posts it.
 *
 * Slack processes an upload asynchronously (a malware scan, then the file's type is known);
 * a block naming a file it has not finished is refused with `invalid_blocks`. So the upload
 * waits until files.info reports the file's mimetype, when the token may read files
 * (`files:read`); without that scope it can only give Slack a moment.
 */

export interface ChartUpload {
  png: Buffer;
  filename: string;
  title: string;
  altText: string;
  /** Share the file in this channel too (a message of its own); none: private to the app. */
  channelId?: string;
}

export interface UploadOptions {
  /** files.info checks before giving up on a file Slack has not processed. */
  readyChecks?: number;
  /** Wait before the first check; doubles after each. */
  readyDelayMs?: number;
  /** The one wait when files.info cannot be asked (no `files:read`). */
  settleMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULTS = { readyChecks: 5, readyDelayMs: 250, settleMs: 1500 };

/** Slack's answers that mean "this token may not ask", not "the file is not there". */
const CANNOT_ASK = new Set(['missing_scope', 'not_allowed_token_type', 'no_permission', 'ratelimited']);

/** Uploads a chart PNG; resolves with the file id once Slack can show it, rejects otherwise. */
export async function uploadChart(client: WebClient, input: ChartUpload, options: UploadOptions = {}): Promise<{ fileId: string }> {
  const result = await client.filesUploadV2({
    file: input.png,
    filename: input.filename,
    title: input.title,
    alt_text: input.altText,
    ...(input.channelId ? { channel_id: input.channelId } : {}),
  });
  const fileId = result.files.flatMap((f) => f.files ?? []).find((f) => typeof f.id === 'string')?.id;
  if (!fileId) throw new Error('chart upload: files.completeUploadExternal returned no file id');
  await waitUntilProcessed(client, fileId, options);
  return { fileId };
}

async function waitUntilProcessed(client: WebClient, fileId: string, options: UploadOptions): Promise<void> {
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const checks = options.readyChecks ?? DEFAULTS.readyChecks;
  let wait = options.readyDelayMs ?? DEFAULTS.readyDelayMs;
  for (let i = 0; i < checks; i++) {
    try {
      const info = await client.files.info({ file: fileId });
      if (info.file?.mimetype) return;
    } catch (err) {
      const code = err instanceof WebAPIPlatformError ? err.data.error : err instanceof WebAPIRateLimitedError ? 'ratelimited' : null;
      if (code === null || !CANNOT_ASK.has(code)) throw err;
      await sleep(options.settleMs ?? DEFAULTS.settleMs);
      return;
    }
    await sleep(wait);
    wait *= 2;
  }
  throw new Error(`chart upload: Slack had not processed file ${fileId} after ${checks} checks`);
}
