import { MAX_PACE, type PaceStatus } from '../../metrics/pace.js';
import { sampleNoun } from '../../reports/labels.js';
import { compactMoney, formatValue, money, pct as percent } from '../../reports/text.js';
import type { WindowJson } from '../../reports/types.js';

/**
 * Number, date and picture helpers for the Slack renderers. Indicator values go through
 * src/reports/text.ts `formatValue`, so Slack and the CLI show the same figure; what is here is
 * what the CLI has no use for (bars, sparklines, calendar ranges) plus money and percentages.
 */

export { compactMoney, money, percent };

const BAR_CELLS = 10;

/**
 * A pace as a bar of 10 cells, full at the top-performer baseline, and its percentage, e.g.
 * `▰▰▰▰▰▰▱▱▱▱ 62%`. Paces are clamped at 2× by the metrics, so that one reads "≥200%": the
 * true ratio may be higher.
 */
export function paceBar(pace: number): string {
  const filled = Math.min(BAR_CELLS, Math.max(0, Math.round(pace * BAR_CELLS)));
  return `${'▰'.repeat(filled)}${'▱'.repeat(BAR_CELLS - filled)} ${pacePercent(pace)}`;
}

/** A pace as a percentage of the baseline; at the metrics' 2× clamp, "≥200%". */
export const pacePercent = (pace: number | null): string => (pace !== null && pace >= MAX_PACE ? `≥${Math.round(MAX_PACE * 100)}%` : percent(pace));

const SPARKS = '▁▂▃▄▅▆▇█';

/**
 * Values (oldest first) as a sparkline scaled between their own minimum and maximum; a week with
 * no value is a middle dot. A flat series is drawn at the bottom when it is all zero, else midway.
 */
export function sparkline(values: readonly (number | null)[]): string {
  const known = values.filter((v): v is number => v !== null);
  const min = Math.min(...known);
  const max = Math.max(...known);
  const top = SPARKS.length - 1;
  return values
    .map((v) => {
      if (v === null) return '·';
      if (max === min) return SPARKS[v === 0 ? 0 : Math.floor(top / 2)];
      return SPARKS[Math.round(((v - min) / (max - min)) * top)];
    })
    .join('');
}

const STATUS: Record<PaceStatus, { emoji: string; words: string }> = {
  on_pace: { emoji: '🟢', words: 'on pace' },
  behind: { emoji: '🟡', words: 'behind' },
  far_behind: { emoji: '🟠', words: 'far behind' },
  no_baseline: { emoji: '⚪', words: 'no baseline' },
  no_data: { emoji: '⚪', words: 'no data yet' },
  too_few: { emoji: '⚪', words: 'too few to compare' },
};

/** A figure's status: its key, and its n for a `too_few` one (docs/metrics.md, rev 2). */
export interface FigureStatus {
  key: string;
  status: PaceStatus;
  n: number;
}

/** The pace status in the words of docs/metrics.md; a `too_few` figure with its n: "3 leads — too few to compare". */
export const statusWords = (f: FigureStatus): string => (f.status === 'too_few' ? `${sampleNoun(f.key, f.n)} — ${STATUS.too_few.words}` : STATUS[f.status].words);

/** The pace status as an emoji and its words. */
export const statusBadge = (f: FigureStatus): string => `${STATUS[f.status].emoji} ${statusWords(f)}`;

/** The pace status as its emoji alone, for compact lists whose legend is said elsewhere. */
export const statusEmoji = (f: FigureStatus): string => STATUS[f.status].emoji;

/**
 * An indicator's value for a sentence: `formatValue`, except money, which reads compact ("$54.9K")
 * as metrics in sentences should; exact amounts stay for tables.
 */
export const figureText = (key: string, value: number | null, currency: string): string => (key === 'pipeline_created' ? compactMoney(value, currency) : formatValue(key, value, currency));

// Calendar dates. Report instants carry the team's offset, so their date part is the team's
// local date: ranges are computed on those calendar dates, never through the host's zone.

interface Day {
  y: number;
  m: number;
  d: number;
}

function dayOf(iso: string, plusDays = 0): Day {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) throw new Error(`not an ISO date: ${iso}`);
  const utc = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays));
  return { y: utc.getUTCFullYear(), m: utc.getUTCMonth() + 1, d: utc.getUTCDate() };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const monthDay = (day: Day) => `${MONTHS[day.m - 1]} ${day.d}`;

/** "Nov 16 – Nov 22, 2026", or with both years when the range spans a new year. */
function dayRange(first: Day, last: Day): string {
  return first.y === last.y ? `${monthDay(first)} – ${monthDay(last)}, ${last.y}` : `${monthDay(first)}, ${first.y} – ${monthDay(last)}, ${last.y}`;
}

/** A half-open interval [start, end) of report instants as the calendar days it covers. */
export const intervalDays = (w: { start: string; end: string }): string => dayRange(dayOf(w.start), dayOf(w.end, -1));

/**
 * The days of the team's current week ('this_week') or of the last complete week. The cadence
 * window ends where the current week starts (docs/metrics.md: windows are complete weeks before t).
 */
export function weekDays(windows: { cadence: WindowJson }, week: 'this_week' | 'last_week'): string {
  const offset = week === 'this_week' ? 0 : -7;
  return dayRange(dayOf(windows.cadence.end, offset), dayOf(windows.cadence.end, offset + 6));
}

/** An instant as the team's local date and time with its offset: "Nov 25, 10:30 (UTC−05:00)". */
export function localMoment(iso: string): string {
  const m = /^\d{4}-\d{2}-\d{2}T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.exec(iso);
  if (!m) throw new Error(`not an ISO instant with an offset: ${iso}`);
  const offset = m[2] === 'Z' ? '' : m[2]!.replace('-', '−');
  return `${monthDay(dayOf(iso))}, ${m[1]} (UTC${offset})`;
}

/** A Slack date token: shown in the reader's own time zone, with `fallback` where tokens are not rendered. */
export function slackDate(iso: string, format: string, fallback: string): string {
  return `<!date^${Math.floor(Date.parse(iso) / 1000)}^${format}|${fallback}>`;
}

/** A calendar day as a Slack date token ("Jan 2, 2027" in the reader's zone), falling back to the day in `timezone` ("Jan 2"). */
export function slackDay(iso: string, timezone: string): string {
  const fallback = new Intl.DateTimeFormat('en-US', { timeZone: timezone, month: 'short', day: 'numeric' }).format(new Date(iso));
  return slackDate(iso, '{date_short}', fallback);
}
