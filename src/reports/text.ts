import type { PerformanceMetric } from '../metrics/baselines.js';
import type { PromptFigures } from '../metrics/diagnosis.js';
import { askOf } from './ask.js';
import type { LeadingJson, RepReport, TeamReport } from './types.js';
import { LINK_WORDS, linkFigures } from './labels.js';

/** Number formats by currency and kind: building one costs far more than formatting with it (reports format hundreds of figures). */
const formats = new Map<string, Intl.NumberFormat>();
function numberFormat(key: string, options: () => Intl.NumberFormatOptions): Intl.NumberFormat {
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat('en-US', options());
    formats.set(key, format);
  }
  return format;
}

/** Money in the report's currency, whole units. */
export const money = (n: number | null, currency: string) => (n === null ? '—' : numberFormat(`money|${currency}`, () => ({ style: 'currency', currency, maximumFractionDigits: 0 })).format(n));
/**
 * Money for sentences: the currency's symbol and a compact amount ("$1.8M", "$54.9K", "$900"),
 * which a reader takes in at a glance; exact amounts (`money`) are for tables.
 */
export const compactMoney = (n: number | null, currency: string) =>
  n === null
    ? '—'
    : numberFormat(`compact|${currency}|${Math.abs(n) < 1000 ? 0 : 1}`, () => ({
        style: 'currency',
        currency,
        notation: 'compact',
        minimumFractionDigits: 0,
        maximumFractionDigits: Math.abs(n) < 1000 ? 0 : 1,
      })).format(n);
/** A fraction (0–1, or a pace) as a whole percentage. */
export const pct = (n: number | null) => (n === null ? '—' : `${Math.round(n * 100)}%`);

/** A number as the report shows it: rates as percentages, others with at most one decimal. */
export function formatValue(key: string, value: number | null, currency: string): string {
  if (value === null) return '—';
  if (key.endsWith('_rate') || key.includes('_rate.') || key.startsWith('stage_conversion.')) return pct(value);
  if (key === 'pipeline_created') return money(value, currency);
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** A value of the team's performance metric: revenue as compact money, rates as percentages, deals as a count. */
export function performanceFigure(metric: PerformanceMetric, x: number | null, currency: string): string {
  if (x === null) return '—';
  if (metric === 'booked_revenue') return compactMoney(x, currency);
  if (metric === 'deals_won') return `${Math.round(x * 10) / 10} won`;
  return pct(x);
}

/** The figures of the coaching prompts (src/metrics/diagnosis.ts): compact money, the performance metric, indicator values. */
export const promptFigures = (currency: string, metric: PerformanceMetric): PromptFigures => ({
  money: (x) => compactMoney(x, currency),
  performance: (x) => performanceFigure(metric, x, currency),
  value: (key, x) => (key === 'pipeline_created' ? compactMoney(x, currency) : formatValue(key, x, currency)),
});

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const STATUS: Record<string, string> = { on_pace: 'on pace', behind: 'behind', far_behind: 'far behind', no_baseline: 'no baseline', no_data: '—', too_few: 'too few to compare' };

/** The leading table; `expected` adds what a ramping rep is paced against (ramped on counts). */
function leadingRows(leading: readonly LeadingJson[], keys: readonly string[], currency: string, expected: boolean): string[][] {
  const rows = [['indicator', 'value', 'top perf.', ...(expected ? ['expected'] : []), 'team median', 'pace', 'status', 'n']];
  for (const key of keys) {
    const l = leading.find((x) => x.key === key);
    if (!l) continue;
    const ramped = expected ? [formatValue(key, l.expectation, currency)] : [];
    rows.push([
      l.label,
      formatValue(key, l.value, currency),
      formatValue(key, l.baseline, currency),
      ...ramped,
      formatValue(key, l.teamMedian, currency),
      pct(l.pace),
      STATUS[l.status] ?? l.status,
      String(l.n),
    ]);
  }
  return rows;
}

/** What the rep is asked for this week (src/reports/ask.ts), or that nothing is asked. */
function askLine(r: RepReport): string {
  const ask = askOf(r);
  if (!ask) return 'This week: nothing asked (the numbers are information)';
  if (ask.kind === 'figure') return `This week: focus on ${ask.label}, ${formatValue(ask.key, ask.value, r.currency)} against ${formatValue(ask.key, ask.against, r.currency)}`;
  const g = ask.goal;
  const x = (v: number) => (ask.key === 'pipeline_created' ? money(v, r.currency) : String(v));
  return `This week's goal: ${ask.label} ${x(g.goal)} (${g.toGo === 0 ? 'reached' : `${x(g.toGo)} to go`}; ${formatValue(ask.key, g.average, r.currency)} a week, expected ${formatValue(ask.key, ask.expectation, r.currency)})`;
}

/** The rep report as a readable page for the terminal. */
export function repReportText(r: RepReport): string {
  const c = r.currency;
  const focusKeys = r.focus;
  const otherKeys = r.leading.map((l) => l.key).filter((k) => !focusKeys.includes(k));
  const lag = (w: RepReport['lagging']['cadenceWindow']) =>
    `booked ${money(w.bookedRevenue, c)} · won ${w.dealsWon ?? '—'} · lost ${w.dealsLost ?? '—'} · win rate ${pct(w.winRate)} · avg deal ${money(w.avgDealSize, c)} · cycle ${w.salesCycleDays === null ? '—' : `${w.salesCycleDays.toFixed(1)} d`}`;
  const f = r.forecast;
  const lines = [
    `${r.rep.name} <${r.rep.email}> — ${r.rep.team}${r.topPerformer ? ' — top performer' : ''}`,
    `as of ${r.asOf}; cadence window ${r.windows.cadence.start} → ${r.windows.cadence.end} (${r.activeWeeks.cadence}/${r.windows.cadence.weeks} active weeks); baseline ${r.windows.baseline.weeks} weeks`,
    r.hasBaseline ? '' : 'No top-performer baseline yet: the team has too few established reps.',
    'Focus indicators (cadence window vs top performers):',
    table(leadingRows(r.leading, focusKeys, c, r.ramp !== null)),
    '',
    `Results, cadence window: ${lag(r.lagging.cadenceWindow)}`,
    `Results, baseline window: ${lag(r.lagging.baselineWindow)}`,
    `Target: ${f.target === null ? 'none set' : money(f.target, c)} · booked so far ${money(f.bookedSoFar, c)} · run-rate forecast ${money(f.runRate, c)} · leading forecast ${money(f.leading, c)}${f.onTrack === null ? '' : f.onTrack ? ' · on track' : ` · short by ${money(f.gap, c)}`}`,
    `Diagnosis: ${r.diagnosis.prompt}`,
    r.ramp ? `Ramping: week ${r.ramp.week} of ${r.ramp.of} (counts paced against the ramped expectation)` : '',
    askLine(r),
    r.alerts.length ? `Open alerts: ${r.alerts.map((a) => `${a.rule} (${a.subject})`).join(', ')}` : 'Open alerts: none',
    '',
    'All indicators:',
    table(leadingRows(r.leading, otherKeys, c, r.ramp !== null)),
  ];
  return lines.filter((l, i) => l !== '' || lines[i - 1] !== '').join('\n');
}

/** The team report as a readable page for the terminal. */
export function teamReportText(r: TeamReport): string {
  const c = r.currency;
  const rows = [['rep', ...r.focus.map((k) => r.members[0]?.leading.find((l) => l.key === k)?.label ?? k), 'booked (cadence)', 'diagnosis']];
  for (const m of r.members) {
    rows.push([
      `${m.topPerformer ? '★ ' : ''}${m.rep.name}`,
      ...r.focus.map((k) => {
        const l = m.leading.find((x) => x.key === k);
        return l ? `${formatValue(k, l.value, c)} (${pct(l.pace)})` : '—';
      }),
      money(m.lagging.cadenceWindow.bookedRevenue, c),
      m.diagnosis.outcome.replace(/_/g, ' '),
    ]);
  }
  const f = r.totals.forecast;
  return [
    `${r.team} (${r.timezone}) — as of ${r.asOf}`,
    r.hasBaseline ? `Top performers: ${r.topPerformers.join(', ')}` : 'No top-performer baseline yet: the team has too few established reps.',
    table(rows),
    '',
    `Team results, cadence window: booked ${money(r.totals.cadenceWindow.bookedRevenue, c)}, win rate ${pct(r.totals.cadenceWindow.winRate)}, pipeline ${money(r.totals.cadenceWindow.pipelineCreatedPerWeek, c)}/week`,
    `Target: ${f.target === null ? 'none set' : money(f.target, c)} · booked so far ${money(f.bookedSoFar, c)} · run-rate ${money(f.runRate, c)} · leading ${money(f.leading, c)}${f.onTrack === null ? '' : f.onTrack ? ' · on track' : ` · short by ${money(f.gap, c)}`}`,
    `Do the focus indicators track results? ${r.links.map((l) => `${l.key}: ${LINK_WORDS[l.label]} (${linkFigures(l)})`).join('; ')}`,
    ...(r.links.some((l) => l.workspace)
      ? [`Across the workspace: ${r.links.flatMap((l) => (l.workspace ? [`${l.key}: ${LINK_WORDS[l.workspace.label]} (${linkFigures(l.workspace)})`] : [])).join('; ')}`]
      : []),
  ].join('\n');
}
