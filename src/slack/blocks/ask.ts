import type { SectionBlock } from '@slack/types';
import { askOf, type Ask } from '../../reports/ask.js';
import { indicatorUnit, sampleNoun } from '../../reports/labels.js';
import { formatValue } from '../../reports/text.js';
import type { RepReport } from '../../reports/types.js';
import { stripEmphasis } from './as-text.js';
import { money } from './format.js';
import { section } from './kit.js';
import { escapeMrkdwn } from './limits.js';

/**
 * How the rep surfaces (/mykpis, App Home, the nudge) and the digest word the diagnosis: the ask
 * of src/reports/ask.ts in one sentence, the same on each, or for a rep with nothing asked the
 * recognition, the ramp, or nothing but the numbers.
 */

/** block_id of the section carrying the ask: a message has at most one. */
export const ASK_BLOCK = 'ask';

/** A goal's amount: money for pipeline created, a whole count otherwise. */
const amount = (r: RepReport, key: string, x: number) => (key === 'pipeline_created' ? money(x, r.currency) : x.toLocaleString('en-US'));

/** The ask in a clause, for the manager's lists: "this week’s goal 38 calls (12 to go)", or "focus: Proposal conversion". */
export function askBrief(r: RepReport, ask: Ask): string {
  if (ask.kind === 'figure') return `focus: ${escapeMrkdwn(ask.label)}`;
  const g = ask.goal;
  return `this week’s goal ${amount(r, ask.key, g.goal)} ${escapeMrkdwn(indicatorUnit(ask.key))} (${g.toGo === 0 ? 'reached' : `${amount(r, ask.key, g.toGo)} to go`})`;
}

/** The ask with its numbers: this week's goal and what is left of it, or a rate against what it is compared with. */
export function askText(r: RepReport, ask: Ask): string {
  const v = (x: number | null) => formatValue(ask.key, x, r.currency);
  if (ask.kind === 'goal') {
    const g = ask.goal;
    const left = g.toGo === 0 ? 'reached' : `${amount(r, ask.key, g.toGo)} to go`;
    const against = ask.ramping ? `${v(ask.expectation)} expected (ramping)` : `top performers ${v(ask.expectation)}`;
    return `🎯 *This week’s goal: ${amount(r, ask.key, g.goal)} ${escapeMrkdwn(indicatorUnit(ask.key))}* — ${left} (${v(g.weekToDate)} so far; average ${v(g.average)} a week, ${against}).`;
  }
  const label = escapeMrkdwn(ask.label);
  if (ask.stage) {
    return `🎯 *Focus: ${label}* — ${v(ask.value)} converted (${sampleNoun(ask.key, ask.n)} decided) against the team’s ${v(ask.against)}.`;
  }
  const lower = ask.higherIsBetter ? '' : ', lower is better';
  return `🎯 *Focus: ${label}* — ${v(ask.value)} (${sampleNoun(ask.key, ask.n)}) against ${v(ask.against)} for top performers${lower}.`;
}

/** The ask as its own section, marked with ASK_BLOCK. */
export const askSection = (r: RepReport, ask: Ask): SectionBlock => ({ ...section(askText(r, ask)), block_id: ASK_BLOCK });

const results = (x: number | null) => (x === null ? '—' : x.toLocaleString('en-US', { maximumFractionDigits: 2 }));

/** `recognise`: results on track, with the numbers that say so. */
function recognitionText(r: RepReport): string {
  const d = r.diagnosis.results;
  const basis =
    d.basis === 'target'
      ? `${d.forecastKind === 'run_rate' ? 'run-rate' : 'leading'} forecast ${money(d.forecast, r.currency)} vs target ${money(d.target, r.currency)}`
      : `results ${results(d.performance)}, team median ${results(d.teamMedian)}`;
  return `🌟 *On track* — ${basis}.`;
}

/** A ramping rep: week w of R; each count shows its ramped expectation. */
const rampText = (ramp: NonNullable<RepReport['ramp']>) =>
  `🌱 *Ramping: week ${ramp.week} of ${ramp.of}* — counts are paced against a ramped expectation.`;

/**
 * What a rep surface says after the figures: the ramp when ramping, then the ask, or for a rep
 * with nothing asked the recognition (`recognise`) or nothing more. `asks` false: a message about
 * a past week only, which asks nothing (metrics.md "This week's goal").
 */
export function outcomeSections(r: RepReport, asks: boolean): SectionBlock[] {
  const blocks: SectionBlock[] = [];
  if (r.ramp) blocks.push(section(rampText(r.ramp)));
  const ask = asks ? askOf(r) : null;
  if (ask) blocks.push(askSection(r, ask));
  else if (r.diagnosis.outcome === 'recognise') blocks.push(section(recognitionText(r)));
  return blocks;
}

/** The outcome sections as clauses of a fallback text. */
export const outcomeClauses = (blocks: readonly SectionBlock[]): string[] => blocks.map((b) => stripEmphasis(b.text?.text ?? '').replace(/\.$/, ''));
