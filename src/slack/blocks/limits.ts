/**
 * Slack's Block Kit limits that Pacer's renderers stay within, and the text guards that keep
 * them there. Slack rejects a whole message or view (`invalid_blocks`) when one text is a
 * character too long, so every variable text goes through `clip` or `clipMrkdwn`, and every
 * name a person typed goes through `escapeMrkdwn` before it is put into mrkdwn.
 */

/** Blocks in one message (chat.postMessage, slash command responses). */
export const MAX_MESSAGE_BLOCKS = 50;
/** Blocks in one view (App Home, modal). */
export const MAX_VIEW_BLOCKS = 100;
export const MAX_SECTION_TEXT = 3000;
export const MAX_HEADER_TEXT = 150;
/** One field of a section; also used for context elements, which Slack documents less clearly. */
export const MAX_FIELD_TEXT = 2000;
export const MAX_SECTION_FIELDS = 10;
export const MAX_CONTEXT_ELEMENTS = 10;
export const MAX_BUTTON_TEXT = 75;
export const MAX_BUTTON_VALUE = 2000;
export const MAX_ACTION_ELEMENTS = 25;
export const MAX_OPTION_TEXT = 75;
export const MAX_MODAL_TITLE = 24;
/**
 * The top-level `text` of a message: Slack truncates it at 40,000 characters, but it is what
 * notifications and screen readers read, so it is kept to a summary.
 */
export const MAX_FALLBACK_TEXT = 3000;

const ELLIPSIS = '…';

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/**
 * `text` cut to at most `max` UTF-16 code units (what Slack counts), ending with an ellipsis
 * when cut. Never leaves half of a surrogate pair (an emoji) before the ellipsis.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 1) return '';
  return `${text.slice(0, cutAt(text, max - ELLIPSIS.length))}${ELLIPSIS}`;
}

/**
 * `clip` for mrkdwn: also never cuts inside an entity (`&amp;`) or a `<…>` token (a link, a
 * mention, a date), which Slack would otherwise show as broken markup.
 */
export function clipMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 1) return '';
  let end = cutAt(text, max - ELLIPSIS.length);
  const head = text.slice(0, end);
  const openEntity = head.lastIndexOf('&');
  if (openEntity > head.lastIndexOf(';')) end = openEntity;
  const openToken = head.lastIndexOf('<');
  if (openToken > head.lastIndexOf('>')) end = Math.min(end, openToken);
  return `${text.slice(0, end)}${ELLIPSIS}`;
}

function cutAt(text: string, end: number): number {
  return end > 0 && isHighSurrogate(text.charCodeAt(end - 1)) ? end - 1 : end;
}

/**
 * Text a person typed (a name, a team, a lead id), made literal in mrkdwn: Slack reads `<…>` as
 * links and mentions and `&` as the start of an entity, and asks apps to escape exactly these.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
