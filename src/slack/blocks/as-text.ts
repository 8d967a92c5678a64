import type { ActionsBlockElement, ContextBlockElement, KnownBlock, SectionBlock, TextObject } from '@slack/types';

/**
 * Messages as plain text, for `pacer run-job --dry-run`: what would be posted, readable in a
 * terminal or a log, without Slack to render it. Only the markup Pacer's renderers produce is
 * simplified; anything else is left as it is rather than guessed at.
 */

const DIVIDER = '─'.repeat(40);

/**
 * `*bold*` and `_italic_` markers removed where mrkdwn reads them as emphasis (not inside words,
 * so `lead_id` keeps its underscore). Entities and tokens are left alone: the result is still
 * mrkdwn, fit for a fallback text.
 */
export function stripEmphasis(text: string): string {
  return text.replace(/(^|[^\p{L}\p{N}*_])([*_])(?=\S)([^\n]*?\S)\2(?![\p{L}\p{N}*_])/gu, '$1$3');
}

/** Mrkdwn as plain text: emphasis removed, links, dates and mentions as words, entities decoded. */
function mrkdwnAsText(text: string): string {
  return stripEmphasis(text)
    .replace(/<!date\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<!(here|channel|everyone)(?:\|[^>]*)?>/g, '@$1')
    .replace(/<([@#])([^|>]+)(?:\|([^>]*))?>/g, (_, sigil: string, id: string, label: string | undefined) => `${sigil}${label ?? id}`)
    .replace(/<([^|>]+)\|([^>]*)>/g, '$2 ($1)')
    .replace(/<([^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

const textOf = (t: TextObject) => (t.type === 'mrkdwn' ? mrkdwnAsText(t.text) : t.text);

function elementAsText(e: ActionsBlockElement | ContextBlockElement | NonNullable<SectionBlock['accessory']>): string {
  if (e.type === 'plain_text' || e.type === 'mrkdwn') return textOf(e);
  if (e.type === 'image') return `[image: ${e.alt_text}]`;
  if ('text' in e && e.text && typeof e.text === 'object' && 'text' in e.text) return `[${e.text.text}]`;
  if ('placeholder' in e && e.placeholder) return `[${e.placeholder.text} ▾]`;
  return `[${e.type}]`;
}

function blockAsText(b: KnownBlock): string | null {
  switch (b.type) {
    case 'header':
      return `# ${b.text.text}`;
    case 'section': {
      const lines = [b.text ? textOf(b.text) : '', ...(b.fields ?? []).map(textOf)].filter((l) => l !== '');
      if (b.accessory) lines.push(elementAsText(b.accessory));
      return lines.join('\n');
    }
    case 'context':
      return b.elements.map(elementAsText).join('  ');
    case 'divider':
      return DIVIDER;
    case 'actions':
      return b.elements.map(elementAsText).join(' ');
    case 'image':
      return `[image: ${b.alt_text}]`;
    case 'markdown':
      return b.text;
    case 'alert':
    case 'card':
    case 'carousel':
    case 'container':
    case 'context_actions':
    case 'data_table':
    case 'file':
    case 'input':
    case 'plan':
    case 'rich_text':
    case 'table':
    case 'task_card':
    case 'video':
      // Blocks Pacer's messages do not use: no plain form is attempted.
      return null;
  }
}

/**
 * A message's blocks as plain text, one block after another; the fallback text when there are
 * none. Takes any message shape with optional blocks (kit.ts's SlackMessage, or the delivery
 * path's), so the dry run prints whatever would have been posted.
 */
export function messageAsText(message: { text: string; blocks?: readonly KnownBlock[] }): string {
  const parts = (message.blocks ?? []).map(blockAsText).filter((t): t is string => t !== null);
  return parts.length === 0 ? mrkdwnAsText(message.text) : parts.join('\n');
}
