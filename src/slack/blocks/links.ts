import type { KnownBlock } from '@slack/types';
import type { LinkLabel, LinkTest } from '../../metrics/correlation.js';
import { LINK_WORDS, linkFigures } from '../../reports/labels.js';
import type { TeamReport } from '../../reports/types.js';
import { context, section } from './kit.js';
import { escapeMrkdwn } from './limits.js';
import { shortLabel } from './team-view.js';

/**
 * Which focus indicators track results (docs/metrics.md "Do the indicators predict results on this team?"): for a
 * manager the labels in words, grouped ("tracks results: Calls, Demos"), and ρ, n and p of every
 * one of them in a context line under them (a label is always shown with its numbers).
 */

const STRONGEST_FIRST: readonly LinkLabel[] = ['tracks_results', 'possible_link', 'weak_or_no_link', 'too_few_reps'];

interface Shown {
  key: string;
  test: LinkTest;
}

/** "tracks results: Calls, Demos · weak or no link: Emails", strongest first. */
function inWords(tests: readonly Shown[]): string {
  return STRONGEST_FIRST.flatMap((label) => {
    const keys = tests.filter((t) => t.test.label === label).map((t) => escapeMrkdwn(shortLabel(t.key)));
    return keys.length === 0 ? [] : [`${LINK_WORDS[label]}: ${keys.join(', ')}`];
  }).join(' · ');
}

const figures = (tests: readonly Shown[]) => tests.map((t) => `${escapeMrkdwn(shortLabel(t.key))} ${linkFigures(t.test)}`).join(' · ');

/**
 * The links in words — on this team (`team`), across the workspace (`workspace`, once that has
 * been computed) — then their figures in a context line; no blocks when there is nothing to say.
 */
export function linksBlocks(r: TeamReport, o: { team: boolean; workspace: boolean }): KnownBlock[] {
  const own = o.team ? r.links.map((l): Shown => ({ key: l.key, test: l })) : [];
  const workspace = o.workspace ? r.links.flatMap((l) => (l.workspace ? [{ key: l.key, test: l.workspace }] : [])) : [];
  const words = [...(own.length > 0 ? [`📊 *What tracks results on this team* — ${inWords(own)}`] : []), ...(workspace.length > 0 ? [`🌐 *Across the workspace* — ${inWords(workspace)}`] : [])];
  if (words.length === 0) return [];
  const numbers = [...(own.length > 0 ? [`This team: ${figures(own)}`] : []), ...(workspace.length > 0 ? [`Workspace: ${figures(workspace)}`] : [])];
  return [section(words.join('\n')), context(...numbers)];
}
