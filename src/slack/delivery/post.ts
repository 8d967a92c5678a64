import { WebAPIPlatformError, type WebClient } from '@slack/web-api';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/client.js';
import { holdForRetry, markFailed, markPosting, markSent, type Claim } from '../../db/delivery-ledger.js';
import type { Logger } from '../../logger.js';
import type { DeliveryOutcome, Telemetry } from '../../telemetry/telemetry.js';
import type { SlackMessage } from '../answer-within.js';
import { scopeWatch } from '../scope-watch.js';
import { neededScopes, tokenScopes } from '../scopes.js';
import { classifySlackFailure } from './failure.js';
import type { PostThrottle } from './throttle.js';

const hasImages = (m: SlackMessage) => m.blocks.some((b) => b.type === 'image');
const withoutImages = (m: SlackMessage): SlackMessage => ({ ...m, blocks: m.blocks.filter((b) => b.type !== 'image') });

export interface PostPolicy {
  /** Attempts before a transient failure is recorded as failed. */
  maxAttempts: number;
  /** First back-off after a transient failure; doubles each attempt, up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  /** How long a claim being posted stays ours (covers the Web API call and its timeout). */
  leaseMs: number;
}

export const DEFAULT_POST_POLICY: PostPolicy = { maxAttempts: 5, backoffMs: 1000, maxBackoffMs: 30_000, leaseMs: 60_000 };

/** The wait after the nth transient failure in a row. */
export function backoffMs(policy: PostPolicy, failures: number): number {
  return Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (failures - 1));
}

export interface PostContext {
  db: Database;
  logger: Logger;
  clock: Clock;
  processId: string;
  throttle: PostThrottle;
  policy: PostPolicy;
  sleep: (ms: number) => Promise<void>;
  /** The process's metrics: every claim settled here is counted by kind and status. */
  telemetry?: Telemetry | undefined;
}

/** Counts a claim's rows (its own and its riders') as settled with `status`. */
export function countSettled(ctx: Pick<PostContext, 'telemetry'>, claim: Claim, status: DeliveryOutcome): void {
  ctx.telemetry?.deliveriesSettled(claim.kind, status, 1 + (claim.riders?.length ?? 0));
}

export type PostOutcome = { status: 'sent'; ts: string } | { status: 'failed'; error: string } | { status: 'lost' };

/** A channel (C…, G…), not a DM (a user id or D…). */
const isChannel = (id: string) => /^[CG]/.test(id);

/**
 * What a channel post's answer says about the token's scopes, for `pacer status`: missing_scope
 * names what is missing; not_in_channel from a token without chat:write.public (an installation
 * from before the manifest asked for it) means that scope would have reached a public channel.
 * The message itself fails as it did before: recorded, not retried.
 */
async function noteChannelScopes(ctx: PostContext, target: { workspace: string; channel: string }, answer: { ok: true; scopes: string[] | null } | { ok: false; err: unknown }): Promise<void> {
  if (!isChannel(target.channel)) return;
  const watch = scopeWatch(ctx.db, ctx.logger, target.workspace);
  if (answer.ok) {
    if (answer.scopes) await watch.granted(answer.scopes);
    return;
  }
  for (const scope of neededScopes(answer.err)) await watch.missing(scope);
  if (answer.err instanceof WebAPIPlatformError && answer.err.data.error === 'not_in_channel') {
    const scopes = tokenScopes(answer.err.data);
    if (scopes && !scopes.includes('chat:write.public')) await watch.missing('chat:write.public');
  }
}

/**
 * Posts one claimed message (several parts, in order, for a long digest), exactly once: the
 * ledger row is marked `posting` just before the call (so a process dying inside it leaves
 * `unknown`, never a second post), rate limits wait for Retry-After, transient failures back off
 * and retry up to the cap (resuming at the part that failed), permanent ones are recorded once.
 * The WebClient must not retry on its own (retries: 0, rejectRateLimitedCalls).
 */
export async function postClaimed(ctx: PostContext, client: WebClient, target: { workspace: string; channel: string }, claim: Claim, messageParts: readonly SlackMessage[]): Promise<PostOutcome> {
  const outcome = await postParts(ctx, client, target, claim, messageParts);
  countSettled(ctx, claim, outcome.status);
  return outcome;
}

async function postParts(ctx: PostContext, client: WebClient, target: { workspace: string; channel: string }, claim: Claim, messageParts: readonly SlackMessage[]): Promise<PostOutcome> {
  let parts = messageParts;
  const log = ctx.logger.child({ delivery: claim.key, channel: target.channel });
  let firstTs: string | null = null;
  let part = 0;
  let posting = false;
  // Rate limits are Slack pacing us, not the message failing: only other failures count to the cap.
  let failures = 0;
  for (let attempt = claim.attempts + 1; part < parts.length; attempt++) {
    await ctx.throttle.acquire(target.workspace, target.channel);
    if (!posting) {
      if (!(await markPosting(ctx.db, claim, ctx.processId, ctx.clock.now(), ctx.policy.leaseMs, target.channel))) {
        log.warn('lost the claim on a message (its lease expired); another process has it');
        return { status: 'lost' };
      }
      posting = true;
    }
    const message = parts[part]!;
    let retryIn: number;
    let reason: string;
    try {
      const res = await client.chat.postMessage({ channel: target.channel, text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) });
      if (part === 0) await noteChannelScopes(ctx, target, { ok: true, scopes: tokenScopes(res) });
      firstTs ??= res.ts ?? '';
      part++;
      continue;
    } catch (err) {
      if (err instanceof WebAPIPlatformError && err.data.error === 'invalid_blocks' && hasImages(message)) {
        // Slack refuses an image block naming a file it has not finished processing: a chart
        // must never stop a message, so the same part goes again without its images.
        log.warn('Slack refused a message over its image; posting it without the image');
        parts = parts.map((p, i) => (i === part ? withoutImages(p) : p));
        continue;
      }
      const failure = classifySlackFailure(err);
      if (!failure) throw err;
      if (failure.kind === 'permanent') {
        await noteChannelScopes(ctx, target, { ok: false, err });
        await markFailed(ctx.db, claim, failure.error, ctx.clock.now());
        log.warn({ error: failure.error }, 'Slack refused the message for good; recorded, not retried (see `pacer status`)');
        return { status: 'failed', error: failure.error };
      }
      reason = failure.reason;
      if (failure.kind === 'rate_limited') {
        retryIn = failure.retryAfterMs;
        ctx.throttle.pause(target.workspace, retryIn);
      } else {
        failures++;
        retryIn = backoffMs(ctx.policy, failures);
      }
    }
    if (failures >= ctx.policy.maxAttempts) {
      const error = `gave up after ${failures} failed attempts: ${reason}`;
      await markFailed(ctx.db, claim, error, ctx.clock.now());
      log.warn({ error }, 'message not delivered');
      return { status: 'failed', error };
    }
    log.debug({ retryInMs: retryIn, reason, attempt }, 'retrying a message');
    await holdForRetry(ctx.db, claim, ctx.processId, new Date(ctx.clock.now().getTime() + retryIn + ctx.policy.leaseMs), reason, ctx.clock.now());
    posting = false;
    await ctx.sleep(retryIn);
  }
  await markSent(ctx.db, claim, firstTs ?? '', ctx.clock.now());
  return { status: 'sent', ts: firstTs ?? '' };
}
