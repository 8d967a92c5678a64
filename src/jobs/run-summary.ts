import { format, parseISO } from 'date-fns';
import type { JobSummary } from './context.js';
import type { JobName } from './registry.js';

/** What an explicit run of some jobs did (the sandbox runs all four; `pacer run-job` one). */
export interface JobRun {
  job: JobName;
  summary: JobSummary;
}

const WEEKLY: Record<Exclude<JobName, 'alert-scan'>, [string, string]> = {
  'rep-nudges': ['nudge', 'nudges'],
  'manager-digests': ['digest', 'digests'],
  'team-recaps': ['recap', 'recaps'],
};

const count = (n: number, [one, many]: [string, string]) => `${n} ${n === 1 ? one : many}`;

/** "16 Nov 2026" of a ledger week key (the week's first day, yyyy-MM-dd). */
const weekLabel = (key: string) => format(parseISO(key), 'd MMM yyyy');

function listed(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)!}`;
}

/**
 * One status line for people, weekly messages and alerts counted apart: "Sent 14 weekly messages
 * (12 nudges, 1 digest, 1 recap) and 3 alerts. The week of 16 Nov 2026 had been skipped by the
 * schedule; delivered now." Failures and alerts held back under the daily cap are said after.
 */
export function describeRuns(runs: readonly JobRun[]): string {
  const weekly = runs.filter((r): r is JobRun & { job: keyof typeof WEEKLY } => r.job !== 'alert-scan');
  const alerts = runs.filter((r) => r.job === 'alert-scan');
  const total = (rs: readonly JobRun[], field: 'sent' | 'failed' | 'held') => rs.reduce((n, r) => n + r.summary[field], 0);

  const sent: string[] = [];
  if (weekly.length > 0) {
    const n = total(weekly, 'sent');
    const parts = weekly.filter((r) => r.summary.sent > 0).map((r) => count(r.summary.sent, WEEKLY[r.job]));
    sent.push(`${count(n, ['weekly message', 'weekly messages'])}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`);
  }
  if (alerts.length > 0) sent.push(count(total(alerts, 'sent'), ['alert', 'alerts']));
  const lines = [`Sent ${sent.join(' and ')}.`];

  const weeks = [...new Set(weekly.flatMap((r) => r.summary.revivedWeeks))].sort();
  if (weeks.length > 0) {
    lines.push(`The ${weeks.length === 1 ? 'week' : 'weeks'} of ${listed(weeks.map(weekLabel))} had been skipped by the schedule (past the grace window); delivered now.`);
  }
  const failed = total(runs, 'failed');
  if (failed > 0) lines.push(`${failed} failed.`);
  const held = total(alerts, 'held');
  if (held > 0) lines.push(`${count(held, ['alert', 'alerts'])} held back by the daily cap.`);
  return lines.join(' ');
}
