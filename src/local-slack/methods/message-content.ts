import { findBlockProblems } from '../block-kit.js';
import { SlackApiError } from '../params.js';

/** Slack truncates or refuses message text past 40,000 characters; refusing makes the overflow visible. */
export const MAX_MESSAGE_TEXT = 40_000;

export interface MessageContent {
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
}

/**
 * Checks a message's blocks against Block Kit's limits: `invalid_blocks_format` when `blocks` is
 * not a JSON array, `invalid_blocks` with every problem in `response_metadata.messages` otherwise.
 */
export function checkMessageBlocks(blocks: unknown): unknown[] | undefined {
  if (blocks === undefined || blocks === null || blocks === '') return undefined;
  if (!Array.isArray(blocks)) throw new SlackApiError('invalid_blocks_format');
  const problems = findBlockProblems(blocks, { surface: 'message' });
  if (problems.length > 0) throw SlackApiError.withMessages('invalid_blocks', problems);
  return blocks as unknown[];
}

/**
 * The text, blocks and attachments of a message to post or update, checked.
 *
 * Stricter than Slack on purpose: Slack accepts blocks without `text`, but then notifications,
 * screen readers and clients without Block Kit show nothing useful, so Pacer always sends a
 * fallback text. Blocks without text are refused here with `no_text` (the error Slack gives a
 * message with neither), so a renderer that forgets the fallback fails its tests.
 */
export function checkMessageContent(text: string | undefined, blocks: unknown, attachments: unknown): MessageContent {
  const checkedBlocks = checkMessageBlocks(blocks);
  if (text === undefined || text.trim() === '') throw new SlackApiError('no_text');
  if (text.length > MAX_MESSAGE_TEXT) throw new SlackApiError('msg_too_long');
  if (attachments !== undefined && !Array.isArray(attachments)) throw new SlackApiError('invalid_attachments');
  return { text, ...(checkedBlocks ? { blocks: checkedBlocks } : {}), ...(Array.isArray(attachments) ? { attachments } : {}) };
}
