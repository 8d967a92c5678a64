import type { KnownBlock } from '@slack/types';
import type { PausedAlertRule, RuleFeedbackCount } from '../../metrics/rules.js';
import { ALERT_RULE_WORDS } from '../../reports/labels.js';
import type { AlertJson, TeamReport } from '../../reports/types.js';
import { seeAllRepsButton } from './all-reps.js';
import { LENGTH_BUDGET } from './budgets.js';
import { staleDataText } from './data-health.js';
import { slackDay, weekDays } from './format.js';
import { context, header, message, section, type SlackMessage } from './kit.js';
import { clip } from './limits.js';
import { linksBlocks } from './links.js';
import { feedbackActions } from './nudge.js';
import {
  coachEntryText,
  coachFirst,
  coachFirstHeadline,
  MAX_NAME,
  nameText,
  needsAttentionWith,
  type PacesAWeekEarlier,
  plural,
  teamPaceText,
  teamResultsText,
  winsText,
  withinBudget,
} from './team-view.js';

/**
 * The manager's weekly coaching digest, one phone screen (issue 12: at most 2,000 visible
 * characters): the team's pace and results, the reps to coach first with their prompts, one or
 * two wins, which indicators track results, and every rep's diagnosis one click away ("See all
 * reps"). It names reps' gaps, so it goes only to their manager.
 */

/** Paused rules named in the footer; the rest are counted, so the digest keeps to its budget. */
const PAUSED_NAMED = 2;

/** What a manager can do about stale data; alerts stay held until it arrives. */
export const STALE_DIGEST_ADVICE = 'Alerts are held until new data arrives; check the CRM export or connection.';

function alertsClause(r: TeamReport, openAlerts: Record<string, readonly AlertJson[]>, held: number): string {
  const counts = r.members.map((m) => openAlerts[m.rep.email]?.length ?? 0);
  const total = counts.reduce((a, b) => a + b, 0);
  const open = total === 0 ? '🔔 no open alerts' : `🔔 ${plural(total, 'open alert')} (${plural(counts.filter((n) => n > 0).length, 'rep')})`;
  return held > 0 ? `${open}, ${held} more waiting for working hours` : open;
}

/** The footer's context: per-rule 👍/👎 on alerts (rules nobody rated left out) and the rules paused for a rep. */
function footer(r: TeamReport, feedback: readonly RuleFeedbackCount[], paused: readonly PausedAlertRule[]): string[] {
  const rated = feedback.filter((f) => f.useful + f.notUseful > 0);
  const lines: string[] = [];
  if (rated.length > 0) lines.push(`Alert feedback, last 30 days: ${rated.map((f) => `${ALERT_RULE_WORDS[f.rule]} 👍 ${f.useful} 👎 ${f.notUseful}`).join(' · ')}`);
  if (paused.length > 0) {
    const named = paused.slice(0, PAUSED_NAMED).map((p) => `${ALERT_RULE_WORDS[p.rule]} alerts for ${nameText(p.name)} until ${slackDay(p.until.toISOString(), r.timezone)}`);
    const more = paused.length > PAUSED_NAMED ? `, and ${paused.length - PAUSED_NAMED} more` : '';
    lines.push(`Paused after 2 👎: ${named.join(', ')}${more}`);
  }
  return lines;
}

/**
 * The digest as one message. `previous` is each rep's paces a week earlier (null: nobody is
 * called improved); `openAlerts` each rep's alerts still open; `heldAlerts` counts alerts waiting
 * for the reps' working hours; `includeLinks` adds which indicators track results on this team
 * (monthly; the workspace-wide line is always there once computed). `alertFeedback` and
 * `pausedAlertRules` go in the footer, under the 👍/👎 buttons.
 */
export function renderManagerDigest(input: {
  report: TeamReport;
  previous: PacesAWeekEarlier | null;
  openAlerts: Record<string, readonly AlertJson[]>;
  heldAlerts?: number;
  includeLinks: boolean;
  feedbackSubject: string;
  /** The first digest of a stale spell says so (docs/metrics.md "Data health": once per spell). */
  firstOfStaleSpell?: boolean;
  alertFeedback?: readonly RuleFeedbackCount[];
  pausedAlertRules?: readonly PausedAlertRule[];
}): SlackMessage {
  const r = input.report;
  const alertsOf = (email: string) => input.openAlerts[email] ?? [];
  const staleNote = input.firstOfStaleSpell ? staleDataText(r.dataHealth) : null;
  const first = coachFirst(r.members);
  const headline = coachFirstHeadline(first);

  const head: KnownBlock[] = [
    header(`Coaching digest — ${clip(r.team, MAX_NAME)}`),
    context(
      `Last week, ${weekDays(r.windows, 'last_week')} · ${plural(r.members.length, 'rep')} · ★ ${r.topPerformers.length} top performers · ${alertsClause(r, input.openAlerts, input.heldAlerts ?? 0)}`,
    ),
  ];
  if (staleNote) head.push(section(`${staleNote} ${STALE_DIGEST_ADVICE}`));
  head.push(section(`${teamPaceText(r)}\n${teamResultsText(r)}`), section(first.length > 0 ? `*${headline}*` : `✅ *${headline}.*`, seeAllRepsButton(r)));
  for (const m of first) head.push(section(coachEntryText(m, needsAttentionWith(m, alertsOf(m.rep.email)))));
  const wins = winsText(r, input.previous);
  const notes = footer(r, input.alertFeedback ?? [], input.pausedAlertRules ?? []);
  // Within the budget whatever the week (stale data, many paused rules): the wins may give way, then the team's own links.
  const blocks = withinBudget(
    [
      { blocks: head },
      { blocks: wins ? [section(wins)] : [], dropOrder: 1 },
      ...(input.includeLinks ? [{ blocks: linksBlocks(r, { team: true, workspace: false }), dropOrder: 2 }] : []),
      { blocks: linksBlocks(r, { team: false, workspace: true }) },
      { blocks: [feedbackActions(input.feedbackSubject), ...(notes.length > 0 ? [context(...notes)] : [])] },
    ],
    LENGTH_BUDGET.digest,
  );
  return message(`${nameText(r.team)} — ${headline}`, blocks);
}
