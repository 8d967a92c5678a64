import type { WebClient } from '@slack/web-api';
import PQueue from 'p-queue';
import { addSummaries, emptySummary, type JobContext, type JobSummary } from './context.js';
import { deliver, type ReadyMessage } from './deliver.js';

/**
 * Messages computed ahead of their post at most: a team's worth and more, so posting never waits
 * on computing, while a claim is taken seconds, not minutes, before its post (its lease covers
 * the wait; an org of 10,000 reps takes over 20 minutes to post at Slack's rate).
 */
const MAX_WAITING = 50;

/** A workspace's messages, posted one at a time in the order they were computed. */
export interface PostingQueue {
  /** Queues a message; waits while MAX_WAITING are queued. Throws the error a post failed with. */
  add(item: ReadyMessage): Promise<void>;
  /** Waits for every queued post; what they did, or the error one failed with. */
  done(): Promise<JobSummary>;
}

/**
 * Posts computed messages while the job computes the next ones, so the first post goes out once
 * the first team's messages are ready rather than once every team's are. A post that throws (not
 * a Slack refusal, which the ledger records, but e.g. a lost database) stops the queue: the
 * messages still waiting keep their claims until the lease runs out, when a later run takes them.
 */
export function postingQueue(ctx: JobContext, client: WebClient, slackTeamId: string): PostingQueue {
  const queue = new PQueue({ concurrency: 1 });
  let summary = emptySummary();
  let failure: { error: unknown } | null = null;
  const failed = () => {
    if (failure) throw failure.error;
  };
  return {
    async add(item) {
      failed();
      queue
        .add(async () => {
          summary = addSummaries(summary, await deliver(ctx, client, slackTeamId, [item]));
        })
        .catch((error: unknown) => {
          failure ??= { error };
          queue.clear();
        });
      await queue.onSizeLessThan(MAX_WAITING);
      failed();
    },
    async done() {
      await queue.onIdle();
      failed();
      return summary;
    },
  };
}
