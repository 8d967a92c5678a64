import type { SlackMessage } from './blocks/kit.js';

export type { SlackMessage };

const TIMED_OUT = Symbol('timed out');

/**
 * Slash commands must be acknowledged within 3 s. Races the answer against `budgetMs`: in time,
 * it goes out in the acknowledgement itself; late, the command is acknowledged empty and the
 * answer follows through response_url. Either way it is sent exactly once.
 */
export async function answerWithinBudget(options: {
  compute: () => Promise<SlackMessage>;
  budgetMs: number;
  ack: (message?: SlackMessage & { response_type: 'ephemeral' }) => Promise<void>;
  respond: (message: SlackMessage & { response_type: 'ephemeral' }) => Promise<unknown>;
}): Promise<'in_ack' | 'via_response_url'> {
  const answer = options.compute();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), options.budgetMs);
  });
  // A late failure must not go unhandled while we wait on the deadline.
  answer.catch(() => undefined);
  const first = await Promise.race([answer, deadline]).finally(() => clearTimeout(timer));
  if (first !== TIMED_OUT) {
    try {
      await options.ack({ response_type: 'ephemeral', ...first });
      return 'in_ack';
    } catch {
      // The acknowledgement came too late (a busy process: Bolt already answered Slack). The
      // answer itself is still wanted: send it the other way.
      await options.respond({ response_type: 'ephemeral', ...first });
      return 'via_response_url';
    }
  }
  await options.ack();
  await options.respond({ response_type: 'ephemeral', ...(await answer) });
  return 'via_response_url';
}
