import { postSigned as post } from '../../src/sandbox/slack-requests.js';

export { blockActionsBody, eventCallbackBody, slackSignature, slashCommandBody } from '../../src/sandbox/slack-requests.js';

/** The product's postSigned, with a body tests may read freely. */
export interface SlackPost {
  status: number;
  text: string;
  json(): any;
}

export const postSigned = (...args: Parameters<typeof post>): Promise<SlackPost> => post(...args);

/**
 * A slash command's answer wherever it went: in the acknowledgement, or (when the process was too
 * busy to answer within its budget) posted to the response URL a moment later.
 */
export async function commandAnswer(res: SlackPost, responses: () => { body: unknown }[], ms = 10_000): Promise<any> {
  if (res.text) return res.json();
  const until = Date.now() + ms;
  while (responses().length === 0) {
    if (Date.now() > until) throw new Error('no answer in the acknowledgement nor on the response URL');
    await new Promise((r) => setTimeout(r, 20));
  }
  return responses()[0]!.body;
}
