import type { ActionsBlock, Button, ContextBlock, DividerBlock, HeaderBlock, KnownBlock, MrkdwnElement, PlainTextElement, PlainTextOption, SectionBlock, StaticSelect } from '@slack/types';
import {
  clip,
  clipMrkdwn,
  MAX_ACTION_ELEMENTS,
  MAX_BUTTON_TEXT,
  MAX_FALLBACK_TEXT,
  MAX_CONTEXT_ELEMENTS,
  MAX_FIELD_TEXT,
  MAX_HEADER_TEXT,
  MAX_OPTION_TEXT,
  MAX_SECTION_FIELDS,
  MAX_SECTION_TEXT,
} from './limits.js';

/**
 * Block constructors that apply Slack's limits themselves, so a renderer cannot forget one: every
 * text is clipped to its element's maximum and lists to their maximum count. Mrkdwn texts must
 * already have person-typed parts escaped (escapeMrkdwn); plain texts need no escaping.
 */

export const plain = (text: string, max: number): PlainTextElement => ({ type: 'plain_text', text: clip(text, max), emoji: true });

const md = (text: string, max: number): MrkdwnElement => ({ type: 'mrkdwn', text: clipMrkdwn(text, max) });

export const header = (text: string): HeaderBlock => ({ type: 'header', text: plain(text, MAX_HEADER_TEXT) });

export const divider = (): DividerBlock => ({ type: 'divider' });

export function section(text: string, accessory?: Button | StaticSelect): SectionBlock {
  return accessory ? { type: 'section', text: md(text, MAX_SECTION_TEXT), accessory } : { type: 'section', text: md(text, MAX_SECTION_TEXT) };
}

/** A section laid out as a two-column grid of short mrkdwn fields. */
export const fields = (items: readonly string[]): SectionBlock => ({
  type: 'section',
  fields: items.slice(0, MAX_SECTION_FIELDS).map((t) => md(t, MAX_FIELD_TEXT)),
});

export const context = (...items: string[]): ContextBlock => ({
  type: 'context',
  elements: items.slice(0, MAX_CONTEXT_ELEMENTS).map((t) => md(t, MAX_FIELD_TEXT)),
});

export const actions = (elements: readonly Button[]): ActionsBlock => ({ type: 'actions', elements: elements.slice(0, MAX_ACTION_ELEMENTS) });

/** A button: `value` is handed back to the action handler; `url` opens a link instead. */
export function button(o: { text: string; actionId: string; value?: string; url?: string; style?: 'primary' | 'danger' }): Button {
  return {
    type: 'button',
    text: plain(o.text, MAX_BUTTON_TEXT),
    action_id: o.actionId,
    ...(o.value === undefined ? {} : { value: o.value }),
    ...(o.url === undefined ? {} : { url: o.url }),
    ...(o.style === undefined ? {} : { style: o.style }),
  };
}

export const option = (text: string, value: string): PlainTextOption => ({ text: plain(text, MAX_OPTION_TEXT), value });

/** A message as chat.postMessage and slash command responses take it: `text` is the fallback summary. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** The fallback text, clipped: notifications and screen readers read it instead of the blocks. */
export const message = (text: string, blocks: KnownBlock[]): SlackMessage => ({ text: clipMrkdwn(text, MAX_FALLBACK_TEXT), blocks });
