import type { KnownBlock } from '@slack/types';
import { indicatorLabel, LINK_WORDS, linkFigures } from '../../reports/labels.js';
import type { TeamReport } from '../../reports/types.js';
import { context, section } from './kit.js';
import { escapeMrkdwn } from './limits.js';

/**
 * Which focus indicators track results on this team: each label in words, then ρ, n and p for
 * every one of them in a context line (metrics.md: a label is always shown with its numbers).
 */
export function linksBlocks(r: TeamReport, heading: string): KnownBlock[] {
  const label = (key: string) => escapeMrkdwn(indicatorLabel(key));
  const words = section([heading, ...r.links.map((l) => `• ${label(l.key)}: ${LINK_WORDS[l.label]}`)].join('\n'));
  if (r.links.length === 0) return [words];
  return [words, context(r.links.map((l) => `${label(l.key)}: ${linkFigures(l)}`).join(' · '))];
}

/** One line for the same question asked across every team of the workspace; null until it has been. */
export function workspaceLinksLine(r: TeamReport): string | null {
  const asked = r.links.flatMap((l) => (l.workspace ? [{ key: l.key, test: l.workspace }] : []));
  if (asked.length === 0) return null;
  return `🌐 *Across the workspace:* ${asked.map((w) => `${escapeMrkdwn(indicatorLabel(w.key))} ${LINK_WORDS[w.test.label]} (${linkFigures(w.test)})`).join(' · ')}`;
}
