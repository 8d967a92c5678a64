import type { DataHealthJson } from '../../reports/types.js';
import { localMoment, slackDate } from './format.js';
import { clip, escapeMrkdwn } from './limits.js';

/**
 * The line every rep-facing message carries while data is stale (docs/metrics.md "Data health"):
 * when data last arrived, and that the figures may be behind. Null while data is fresh or the
 * message is about a past week (stale null). `mrkdwn` false gives the notification text.
 */
export function staleDataText(h: DataHealthJson, mrkdwn = true): string | null {
  if (h.stale !== true) return null;
  const last = h.lastReceivedAt;
  const when = last === null ? null : mrkdwn ? slackDate(last, '{date_short_pretty} {time}', localMoment(last)) : localMoment(last);
  const arrived = when === null ? 'no CRM data has arrived yet' : `data last arrived ${when}`;
  switch (h.reason) {
    case 'no_events':
      return when === null ? '⚠️ No CRM data has arrived yet — figures may be behind.' : `⚠️ No new CRM data since ${when} — figures may be behind.`;
    case 'zero_activity':
      return `⚠️ No activity has come in from the CRM this week (${arrived}) — figures may be behind.`;
    case 'source_error':
      return `⚠️ ${failingSources(h, mrkdwn) ?? 'A CRM connection is failing'} (${arrived}) — figures may be behind.`;
    case null:
      return `⚠️ CRM data may be behind (${arrived}).`;
  }
}

/** Failing sources shown by name; more are counted. */
const SOURCES_NAMED = 2;

/**
 * The failing CRM sources by name with what failed ("The CRM sync hubspot is failing: the token
 * was revoked"), so a manager can tell whoever runs Pacer what to fix; null when none names one.
 */
function failingSources(h: DataHealthJson, mrkdwn: boolean): string | null {
  const failing = h.sources.filter((s) => s.error !== null);
  if (failing.length === 0) return null;
  const text = (t: string, max: number) => (mrkdwn ? escapeMrkdwn(clip(t, max)) : clip(t, max));
  const named = failing.slice(0, SOURCES_NAMED).map((s) => `${text(s.name, 60)}: ${text(s.error!, 140)}`);
  const more = failing.length > SOURCES_NAMED ? `, and ${failing.length - SOURCES_NAMED} more` : '';
  return `${failing.length === 1 ? 'The CRM sync is failing' : 'CRM syncs are failing'} — ${named.join('; ')}${more}`;
}
