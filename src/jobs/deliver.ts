import type { WebClient } from '@slack/web-api';
import type { Claim } from '../db/delivery-ledger.js';
import type { SlackMessage } from '../slack/answer-within.js';
import { postClaimed } from '../slack/delivery/post.js';
import { recipientChannel } from '../slack/delivery/recipient.js';
import { emptySummary, type JobContext, type JobSummary } from './context.js';
import type { PlannedMessage } from './plan.js';

/** A claimed, computed message: where it goes and its parts. */
export interface ReadyMessage {
  claim: Claim;
  to: PlannedMessage['to'];
  /**
   * Its parts, or their promise when the message's last step is I/O started at claim time (the
   * recap's chart upload): awaited when its turn to post comes, so computing the next messages
   * does not wait on it.
   */
  parts: SlackMessage[] | Promise<SlackMessage[]>;
  /** The week of a weekly message the schedule had skipped, which this explicit run sends. */
  revivedWeek?: string;
}

/**
 * Posts computed messages; a member is messaged in their DM (their Slack id, or found by email).
 * Counts ledger rows: a message carrying several alerts counts each.
 */
export async function deliver(ctx: JobContext, client: WebClient, slackTeamId: string, ready: readonly ReadyMessage[]): Promise<JobSummary> {
  const summary = emptySummary();
  for (const item of ready) {
    const rows = 1 + (item.claim.riders?.length ?? 0);
    let channel: string;
    if (item.to.kind === 'channel') {
      channel = item.to.channel;
    } else {
      const found = await recipientChannel(ctx.post, client, item.to.recipient, item.claim);
      if (found.status === 'failed') {
        summary.failed += rows;
        continue;
      }
      channel = found.channel;
    }
    const outcome = await postClaimed(ctx.post, client, { workspace: slackTeamId, channel }, item.claim, await item.parts);
    summary[outcome.status] += rows;
    if (outcome.status === 'sent' && item.revivedWeek !== undefined) {
      summary.revived++;
      if (!summary.revivedWeeks.includes(item.revivedWeek)) summary.revivedWeeks.push(item.revivedWeek);
    }
  }
  return summary;
}
