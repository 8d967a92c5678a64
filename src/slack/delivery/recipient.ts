import type { WebClient } from '@slack/web-api';
import { holdForRetry, markFailed, type Claim } from '../../db/delivery-ledger.js';
import type { Recipient } from '../../db/roster-repo.js';
import { slackUserForAdmin, slackUserForMember } from '../who.js';
import { classifySlackFailure } from './failure.js';
import { backoffMs, countSettled, type PostContext } from './post.js';

/** The member a claimed message goes to, as the roster knows them. */
export type MemberRecipient = Pick<Recipient, 'memberId' | 'workspaceId' | 'email' | 'slackUserId'>;

export type RecipientOutcome = { status: 'found'; channel: string } | { status: 'failed'; error: string };

/**
 * The Slack user to DM a claimed message to, looked up by email when Pacer does not know them
 * yet. The lookup fails like a post does: a rate limit waits for Retry-After, a 5xx or transport
 * error backs off and retries up to the cap with the claim held, and only a permanent answer
 * (Slack knows no such email, a revoked token…) is recorded as failed, once.
 */
export async function recipientChannel(ctx: PostContext, client: WebClient, member: MemberRecipient, claim: Claim): Promise<RecipientOutcome> {
  return lookUpRecipient(ctx, claim, 'users_not_found: no Slack user has this member\u2019s email', () =>
    slackUserForMember(ctx.db, client, { id: member.memberId, workspaceId: member.workspaceId, email: member.email, slackUserId: member.slackUserId }, ctx.clock.now()),
  );
}

/** recipientChannel for one of the config's `admins:` (an email of anyone in the workspace, or a Slack user id). */
export async function adminChannel(ctx: PostContext, client: WebClient, admin: { workspaceId: number; entry: string }, claim: Claim): Promise<RecipientOutcome> {
  return lookUpRecipient(ctx, claim, 'users_not_found: no Slack user has this admin\u2019s email', () => slackUserForAdmin(ctx.db, client, admin.workspaceId, admin.entry, ctx.clock.now()));
}

async function lookUpRecipient(ctx: PostContext, claim: Claim, notFound: string, lookUp: () => Promise<string | null>): Promise<RecipientOutcome> {
  const outcome = await lookUpWithRetries(ctx, claim, notFound, lookUp);
  if (outcome.status === 'failed') countSettled(ctx, claim, 'failed');
  return outcome;
}

async function lookUpWithRetries(ctx: PostContext, claim: Claim, notFound: string, lookUp: () => Promise<string | null>): Promise<RecipientOutcome> {
  const log = ctx.logger.child({ delivery: claim.key });
  let failures = 0;
  for (;;) {
    let retryIn: number;
    let reason: string;
    try {
      const userId = await lookUp();
      if (userId) return { status: 'found', channel: userId };
      await markFailed(ctx.db, claim, notFound, ctx.clock.now());
      log.warn('no Slack user for the recipient; recorded, not retried');
      return { status: 'failed', error: notFound };
    } catch (err) {
      const failure = classifySlackFailure(err);
      if (!failure) throw err;
      if (failure.kind === 'permanent') {
        await markFailed(ctx.db, claim, failure.error, ctx.clock.now());
        log.warn({ error: failure.error }, 'Slack refused the recipient lookup for good; recorded, not retried (see `pacer status`)');
        return { status: 'failed', error: failure.error };
      }
      reason = failure.reason;
      if (failure.kind === 'rate_limited') {
        retryIn = failure.retryAfterMs;
      } else {
        failures++;
        retryIn = backoffMs(ctx.policy, failures);
      }
    }
    if (failures >= ctx.policy.maxAttempts) {
      const error = `gave up looking up the recipient after ${failures} failed attempts: ${reason}`;
      await markFailed(ctx.db, claim, error, ctx.clock.now());
      log.warn({ error }, 'message not delivered');
      return { status: 'failed', error };
    }
    log.debug({ retryInMs: retryIn, reason }, 'retrying the recipient lookup');
    await holdForRetry(ctx.db, claim, ctx.processId, new Date(ctx.clock.now().getTime() + retryIn + ctx.policy.leaseMs), reason, ctx.clock.now());
    await ctx.sleep(retryIn);
  }
}
