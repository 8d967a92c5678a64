import type { SectionBlock } from '@slack/types';
import { askOf, type Ask } from '../../reports/ask.js';
import { sampleNoun, unitOf } from '../../reports/labels.js';
import { performanceFigure } from '../../reports/text.js';
import type { RepReport } from '../../reports/types.js';
import { stripEmphasis } from './as-text.js';
import { staleDataText } from './data-health.js';
import { compactMoney, figureText } from './format.js';
import { section } from './kit.js';
import { onPaceCount } from './rep-view.js';
import { escapeMrkdwn } from './limits.js';

/**
 * How every surface words the diagnosis: the ask of src/reports/ask.ts, or for a rep with nothing
 * asked the recognition, the ramp, or nothing but the numbers. The goal's figures come from one
 * function, goalFigures, so the rep's App Home, /mykpis, nudge and the manager's digest show the
 * same number for the same ask.
 */

/** block_id of the section carrying the ask: a message has at most one. */
export const ASK_BLOCK = 'ask';

type GoalAsk = Extract<Ask, { kind: 'goal' }>;

/**
 * This week's goal and what is left of it as every surface writes them: a whole count ("38 calls"),
 * or for pipeline created a compact amount ("$30.2K of pipeline"); `left` is "12 to go" or "reached".
 */
export function goalFigures(r: RepReport, ask: GoalAsk): { goal: string; left: string } {
  const amount = (x: number) => (ask.key === 'pipeline_created' ? compactMoney(x, r.currency) : x.toLocaleString('en-US'));
  const g = ask.goal;
  const unit = unitOf(ask.key, g.goal);
  return { goal: `${amount(g.goal)}${unit === '' ? '' : ` ${escapeMrkdwn(unit)}`}`, left: g.toGo === 0 ? 'reached' : `${amount(g.toGo)} to go` };
}

/** The ask in a clause, for the manager's lists: "this week’s goal 38 calls (12 to go)", or "focus: Proposal conversion". */
export function askBrief(r: RepReport, ask: Ask): string {
  if (ask.kind === 'figure') return `focus: ${escapeMrkdwn(ask.label)}`;
  const { goal, left } = goalFigures(r, ask);
  return `this week’s goal ${goal} (${left})`;
}

/** The ask with its numbers: this week's goal and what is left of it, or a rate against what it is compared with. */
function askText(r: RepReport, ask: Ask): string {
  const v = (x: number | null) => figureText(ask.key, x, r.currency);
  if (ask.kind === 'goal') {
    const g = ask.goal;
    const { goal, left } = goalFigures(r, ask);
    const against = ask.ramping ? `${v(ask.expectation)} expected (ramping)` : `top performers ${v(ask.expectation)}`;
    return `🎯 *This week’s goal: ${goal}* — ${left} (${v(g.weekToDate)} so far; average ${v(g.average)} a week, ${against}).`;
  }
  const label = escapeMrkdwn(ask.label);
  if (ask.stage) {
    return `🎯 *Focus: ${label}* — ${v(ask.value)} converted (${sampleNoun(ask.key, ask.n)} decided) against the team’s ${v(ask.against)}.`;
  }
  const lower = ask.higherIsBetter ? '' : ', lower is better';
  return `🎯 *Focus: ${label}* — ${v(ask.value)} (${sampleNoun(ask.key, ask.n)}) against ${v(ask.against)} for top performers${lower}.`;
}

/** The ask in one line for a notification: "🎯 This week’s goal: 38 calls — 12 to go". */
function askHeadline(r: RepReport, ask: Ask): string {
  if (ask.kind === 'goal') {
    const { goal, left } = goalFigures(r, ask);
    return `🎯 This week’s goal: ${goal} — ${left}`;
  }
  const v = (x: number | null) => figureText(ask.key, x, r.currency);
  const against = ask.stage ? `the team’s ${v(ask.against)}` : `${v(ask.against)} for top performers`;
  return `🎯 Focus: ${escapeMrkdwn(ask.label)} — ${v(ask.value)} against ${against}`;
}

/** `recognise`: results on track, with the numbers that say so. */
function recognitionText(r: RepReport): string {
  const d = r.diagnosis.results;
  const basis =
    d.basis === 'target'
      ? `${d.forecastKind === 'run_rate' ? 'run-rate' : 'leading'} forecast ${compactMoney(d.forecast, r.currency)} vs target ${compactMoney(d.target, r.currency)}`
      : `${performanceFigure(d.metric, d.performance, r.currency)} against a team median of ${performanceFigure(d.metric, d.teamMedian, r.currency)}`;
  return `🌟 *On track* — ${basis}.`;
}

/**
 * What a rep surface leads with: the ask, in its own section marked ASK_BLOCK, or for a rep with
 * nothing asked the recognition (`recognise`), or nothing. `asks` false: a message about a past
 * week only, which asks nothing (docs/metrics.md "This week's goal").
 */
export function leadSection(r: RepReport, asks: boolean): SectionBlock | null {
  const ask = asks ? askOf(r) : null;
  if (ask) return { ...section(askText(r, ask)), block_id: ASK_BLOCK };
  return r.diagnosis.outcome === 'recognise' ? section(recognitionText(r)) : null;
}

/**
 * The one-line headline of a rep message, its notification text: the ask; else, while data is
 * stale, when it last arrived; else the recognition or the ramp. Null: the numbers alone, which
 * the surface sums up itself.
 */
export function repHeadline(r: RepReport, asks: boolean): string | null {
  const ask = asks ? askOf(r) : null;
  if (ask) return askHeadline(r, ask);
  const stale = staleDataText(r.dataHealth, false);
  if (stale) return stale.replace(/\.$/, '');
  if (r.diagnosis.outcome === 'recognise') return stripEmphasis(recognitionText(r)).replace(/\.$/, '');
  return r.ramp ? `🌱 Ramping: week ${r.ramp.week} of ${r.ramp.of} — ${onPaceCount(r)}` : null;
}

/** A ramping rep: week w of R; each count shows its ramped expectation. */
export const rampText = (ramp: NonNullable<RepReport['ramp']>) => `🌱 *Ramping: week ${ramp.week} of ${ramp.of}* — counts are paced against a ramped expectation.`;
