import type { AnyBlock, KnownBlock, SectionBlock } from '@slack/types';
import { expect } from 'vitest';

/** Reading rendered Block Kit back in renderer tests. */

export const sections = (blocks: readonly AnyBlock[]) => blocks.filter((b): b is SectionBlock => b.type === 'section');
export const sectionText = (b: SectionBlock) => b.text?.text ?? '';

/** Every text of the blocks: section texts and fields, context elements, headers. */
export function allTexts(blocks: readonly (KnownBlock | AnyBlock)[]): string[] {
  return blocks.flatMap((b: any) => {
    if (b.type === 'section') return [b.text?.text ?? '', ...(b.fields ?? []).map((f: any) => f.text)];
    if (b.type === 'context') return b.elements.map((e: any) => e.text ?? '');
    if (b.type === 'header') return [b.text.text];
    return [];
  });
}

/** A figure as the blocks show it ("$91,500", "€1.2", "83.3", "45%") as a number. */
export const figure = (s: string) => Number(s.replace(/[^\d.-]/g, ''));

/** The first capture of `re` in `text`, or a failed expectation naming what was missing. */
export function capture(text: string, re: RegExp): string {
  const m = re.exec(text);
  expect(m, `${re} in:\n${text}`).not.toBeNull();
  return m![1]!;
}

export const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
