import { postSigned as post } from '../../src/sandbox/slack-requests.js';

export { blockActionsBody, eventCallbackBody, slackSignature, slashCommandBody } from '../../src/sandbox/slack-requests.js';

/** The product's postSigned, with a body tests may read freely. */
export interface SlackPost {
  status: number;
  text: string;
  json(): any;
}

export const postSigned = (...args: Parameters<typeof post>): Promise<SlackPost> => post(...args);
