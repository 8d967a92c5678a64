import { WebAPIPlatformError, WebAPIRateLimitedError, type WebClient } from '@slack/web-api';
import { setTimeout as delay } from 'node:timers/promises';
import { neededScopes, type ScopeWatch } from '../slack/scopes.js';

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
 * (`files:read`); without that scope (an installation from before the manifest asked for it)
 * it only gives Slack a moment, as Pacer did before, and `scopes` records the scope as missing.
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
  /** Told when files.info answers (files:read is granted) or is refused for want of a scope. */
  scopes?: ScopeWatch;
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
      if (i === 0) await options.scopes?.granted(['files:read']);
      if (info.file?.mimetype) return;
    } catch (err) {
      const code = err instanceof WebAPIPlatformError ? err.data.error : err instanceof WebAPIRateLimitedError ? 'ratelimited' : null;
      if (code === null || !CANNOT_ASK.has(code)) throw err;
      if (code === 'missing_scope') {
        const needed = neededScopes(err);
        for (const scope of needed.length > 0 ? needed : ['files:read']) await options.scopes?.missing(scope);
      }
      await sleep(options.settleMs ?? DEFAULTS.settleMs);
      return;
    }
    await sleep(wait);
    wait *= 2;
  }
  throw new Error(`chart upload: Slack had not processed file ${fileId} after ${checks} checks`);
}
