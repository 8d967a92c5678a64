import type { AnyBlock, KnownBlock, PlainTextElement, MrkdwnElement } from '@slack/types';
import { stripEmphasis } from './as-text.js';

/**
 * What a person sees of a message or view, as Slack renders it: mrkdwn with its markup gone, a
 * link as its label (the target is not read), a mention as the name, a date token as its text,
 * an emoji code as one glyph; headers, sections and their fields, context lines, button labels
 * and menu placeholders. The length budgets of the messages (./budgets.ts) are counted on it.
 */

type TextObject = PlainTextElement | MrkdwnElement;

/** Mrkdwn as the reader sees it. Date tokens read as their fallback, which is about as long as the rendered date. */
export function renderedMrkdwn(text: string): string {
  return stripEmphasis(text)
    .replace(/(^|[^\p{L}\p{N}~])~(?=\S)([^\n]*?\S)~(?![\p{L}\p{N}~])/gu, '$1$2')
    .replace(/<!date\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<!(here|channel|everyone)(?:\|[^>]*)?>/g, '@$1')
    .replace(/<([@#])([^|>]+)(?:\|([^>]*))?>/g, (_, sigil: string, id: string, label: string | undefined) => `${sigil}${label ?? id}`)
    .replace(/<[^|>]+\|([^>]*)>/g, '$1')
    .replace(/<([^>]+)>/g, '$1')
    .replace(/`/g, '')
    .replace(/:[a-z0-9_+-]+:/g, '☺')
    .replace(/^&gt; ?/gm, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

const seen = (t: TextObject | undefined): string[] => (t === undefined ? [] : [t.type === 'mrkdwn' ? renderedMrkdwn(t.text) : t.text]);

/** The label a person reads on an interactive element: a button's text, a menu's chosen option or placeholder. */
function elementText(e: unknown): string[] {
  if (typeof e !== 'object' || e === null) return [];
  const el = e as { type?: string; text?: TextObject; initial_option?: { text: TextObject }; placeholder?: TextObject };
  if (el.type === 'plain_text' || el.type === 'mrkdwn') return seen(e as TextObject);
  if (el.type === 'button') return seen(el.text);
  if (el.initial_option) return seen(el.initial_option.text);
  return seen(el.placeholder);
}

/** The texts of one block, in reading order. */
function blockTexts(b: KnownBlock | AnyBlock): string[] {
  const block = b as { type: string; text?: TextObject; fields?: TextObject[]; accessory?: unknown; elements?: unknown[]; title?: TextObject };
  switch (block.type) {
    case 'header':
      return seen(block.text);
    case 'section':
      return [...seen(block.text), ...(block.fields ?? []).flatMap(seen), ...elementText(block.accessory)];
    case 'context':
    case 'actions':
      return (block.elements ?? []).flatMap(elementText);
    case 'image':
      return seen(block.title);
    default:
      return [];
  }
}

/** Every text a person sees in the blocks, one per line. */
export const visibleText = (blocks: readonly (KnownBlock | AnyBlock)[]): string => blocks.flatMap(blockTexts).join('\n');

/** The characters a person sees (code points; line breaks are layout, not characters). */
export const visibleLength = (blocks: readonly (KnownBlock | AnyBlock)[]): number => [...visibleText(blocks).replace(/\n/g, '')].length;
