import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js';

/**
 * Small charts for Slack, drawn as SVG here and rasterised to PNG by resvg (Rust, shipped as
 * prebuilt napi binaries in per-platform npm packages: no native build, no download at install).
 * The geometry is a handful of rectangles and lines; what we could not reasonably write is what
 * resvg does: shaping and anti-aliasing text with a real font, and encoding the PNG.
 *
 * Text uses the DejaVu Sans files in ./fonts and never the machine's fonts, so the same input
 * gives the same bytes on every machine, and labels render on one without fonts installed.
 */

export const CHART_WIDTH = 600;
export const CHART_HEIGHT = 300;

export interface CadenceChartInput {
  title: string;
  /** Week labels, oldest first ("Mar 3"). */
  weeks: string[];
  /** One value per week; null where there is no figure (shown as "—"). */
  values: (number | null)[];
  /** The top-performer baseline, drawn as a dashed line; null: none yet. */
  baseline: number | null;
  /**
   * What the values count: a noun ("calls"), "%" for percentages (values 0–100), or an ISO
   * currency code ("USD") for money.
   */
  unit: string;
  /** Who the baseline stands for, in the legend; "top performers" unless said. */
  baselineLabel?: string;
}

export interface ResultsChartInput {
  title: string;
  /** Booked so far in the period. */
  booked: number;
  target: number | null;
  /** Run-rate forecast for the period. */
  runRate: number | null;
  /** Leading forecast for the period (booked + pipeline × win rate). */
  leading: number | null;
  /** ISO currency code. */
  currency: string;
}

const FONT_FAMILY = 'DejaVu Sans';
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => fileURLToPath(new URL(`./fonts/${f}`, import.meta.url)));

const INK = '#1d1c1d';
const MUTED = '#616061';
const GRID = '#e8e8e8';
const BAR = '#1264a3';
const BASELINE = '#d9730d';
const GOOD = '#2bac76';
const PALE = '#8fb8d9';

/** DejaVu Sans is about this wide per character, as a share of the font size (for clipping and placing). */
const CHAR_WIDTH = 0.62;

function fontFiles(): string[] {
  const missing = FONT_FILES.filter((f) => !existsSync(f));
  if (missing.length > 0) throw new Error(`chart font missing: ${missing.join(', ')} (src/charts/fonts ships DejaVu Sans; charts need it for their labels)`);
  return FONT_FILES;
}

async function toPng(svg: string): Promise<Buffer> {
  const options: ResvgRenderOptions = {
    font: { loadSystemFonts: false, fontFiles: fontFiles(), defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
    fitTo: { mode: 'original' },
    background: '#ffffff',
    logLevel: 'off',
  };
  const image = await renderAsync(svg, options);
  return image.asPng();
}

/** XML text: escaped, control characters dropped. */
function esc(s: string): string {
  return (
    s
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
  );
}

/** A text clipped to what fits in `width` px at `size` px (estimated), with an ellipsis. */
function fit(s: string, width: number, size: number): string {
  const max = Math.max(1, Math.floor(width / (size * CHAR_WIDTH)));
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

const textWidth = (s: string, size: number) => [...s].length * size * CHAR_WIDTH;

/** Coordinates with at most one decimal, so the SVG (and the PNG) does not depend on float noise. */
const n = (x: number) => String(Math.round(x * 10) / 10);

function text(x: number, y: number, s: string, o: { size: number; fill?: string; anchor?: 'start' | 'middle' | 'end'; bold?: boolean; halo?: boolean }): string {
  const attrs = [
    `x="${n(x)}"`,
    `y="${n(y)}"`,
    `font-family="${FONT_FAMILY}"`,
    `font-size="${o.size}"`,
    `fill="${o.fill ?? INK}"`,
    o.anchor && o.anchor !== 'start' ? `text-anchor="${o.anchor}"` : '',
    o.bold ? 'font-weight="bold"' : '',
  ].filter((a) => a !== '');
  const shown = `<text ${attrs.join(' ')}>${esc(s)}</text>`;
  if (!o.halo) return shown;
  // A white patch behind the text, so a line crossing it does not hide it.
  const w = textWidth(s, o.size) + 4;
  const left = o.anchor === 'middle' ? x - w / 2 : o.anchor === 'end' ? x - w + 2 : x - 2;
  return `${rect(left, y - o.size * 0.85, w, o.size * 1.1, '#ffffff')}${shown}`;
}

const rect = (x: number, y: number, w: number, h: number, fill: string) => `<rect x="${n(x)}" y="${n(y)}" width="${n(Math.max(0, w))}" height="${n(Math.max(0, h))}" fill="${fill}"/>`;

const line = (x1: number, y1: number, x2: number, y2: number, stroke: string, o: { width?: number; dash?: string } = {}) =>
  `<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}" stroke="${stroke}" stroke-width="${o.width ?? 1}"${o.dash ? ` stroke-dasharray="${o.dash}"` : ''}/>`;

const svgDocument = (body: string[]) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}">${rect(0, 0, CHART_WIDTH, CHART_HEIGHT, '#ffffff')}${body.join('')}</svg>`;

/** The axis top and step: a 1, 2, 2.5 or 5 × 10ⁿ step giving about `ticks` gridlines above zero. */
export function niceScale(max: number, ticks: number, integers: boolean): { top: number; step: number } {
  if (!Number.isFinite(max) || max <= 0) return { top: integers ? ticks : 1, step: integers ? 1 : 1 / ticks };
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / magnitude;
  let step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * magnitude;
  if (integers) step = Math.max(1, Math.ceil(step));
  return { top: Math.ceil(max / step - 1e-9) * step, step };
}

const CURRENCY = /^[A-Z]{3}$/;

/** A value in a label: compact ("1.2K") unless said, with the currency symbol or % the unit calls for. */
export function formatChartValue(v: number, unit: string, compact = true): string {
  // Exact up to 9,999 ("1,036"), compact past it ("12.5K").
  const notation = compact && Math.abs(v) >= 10_000 ? ('compact' as const) : ('standard' as const);
  if (CURRENCY.test(unit)) {
    try {
      return new Intl.NumberFormat('en-US', { style: 'currency', currency: unit, notation, minimumFractionDigits: 0, maximumFractionDigits: notation === 'compact' ? 1 : 0 }).format(v);
    } catch {
      // Not a currency Intl knows: fall through to a plain number.
    }
  }
  // One decimal for small figures and compacted ones ("12.5", "12.5K"), none from 100 to 9,999.
  const digits = Math.abs(v) >= 100 && notation === 'standard' ? 0 : 1;
  const s = new Intl.NumberFormat('en-US', { notation, maximumFractionDigits: digits }).format(v);
  return unit === '%' ? `${s}%` : s;
}

const finite = (v: number | null): v is number => v !== null && Number.isFinite(v);

/**
 * Weekly values as bars, oldest on the left, with the top-performer baseline as a dashed line
 * and every bar labelled with its value. 600 × 300 PNG.
 */
export async function renderCadenceChart(input: CadenceChartInput): Promise<Buffer> {
  if (input.values.length !== input.weeks.length) throw new Error(`cadence chart: ${input.values.length} values for ${input.weeks.length} weeks`);
  const W = CHART_WIDTH;
  const H = CHART_HEIGHT;
  const plot = { left: 56, right: W - 20, top: 72, bottom: H - 36 };
  const values = input.values.map((v) => (finite(v) ? Math.max(0, v) : null));
  const baseline = finite(input.baseline) ? Math.max(0, input.baseline) : null;
  const known = values.filter(finite);
  const integers = [...known, ...(baseline === null ? [] : [baseline])].every(Number.isInteger) && input.unit !== '%';
  const { top, step } = niceScale(Math.max(0, ...known, baseline ?? 0) * 1.05, 4, integers);
  const y = (v: number) => plot.bottom - (v / top) * (plot.bottom - plot.top);
  const label = (v: number) => formatChartValue(v, input.unit);

  const body: string[] = [text(20, 30, fit(input.title, W - 40, 17), { size: 17, bold: true })];

  // Legend: the bars, then the baseline.
  const unitWords = input.unit === '%' ? 'each week (%)' : `${input.unit} a week`;
  let lx = 20;
  body.push(rect(lx, 43, 12, 12, BAR), text(lx + 18, 53, fit(unitWords, 220, 12), { size: 12, fill: MUTED }));
  lx += 18 + textWidth(fit(unitWords, 220, 12), 12) + 18;
  body.push(line(lx, 49, lx + 22, 49, BASELINE, { width: 2.5, dash: '6 4' }));
  const baselineText = baseline === null ? 'no top-performer baseline yet' : `${input.baselineLabel ?? 'top performers'}: ${label(baseline)} a week`;
  body.push(text(lx + 28, 53, fit(baselineText, W - 20 - (lx + 28), 12), { size: 12, fill: MUTED }));

  for (let t = 0; t <= top + 1e-9; t += step) {
    body.push(line(plot.left, y(t), plot.right, y(t), GRID), text(plot.left - 8, y(t) + 4, label(t), { size: 11, fill: MUTED, anchor: 'end' }));
  }

  const slot = (plot.right - plot.left) / Math.max(1, values.length);
  const barWidth = Math.min(48, slot * 0.62);
  const labels: string[] = [];
  values.forEach((v, i) => {
    const cx = plot.left + slot * (i + 0.5);
    body.push(text(cx, H - 14, fit(input.weeks[i] ?? '', slot - 4, 11), { size: 11, fill: MUTED, anchor: 'middle' }));
    if (v === null) {
      labels.push(text(cx, plot.bottom - 6, 'no data', { size: 11, fill: MUTED, anchor: 'middle' }));
      return;
    }
    const barTop = y(v);
    body.push(rect(cx - barWidth / 2, barTop, barWidth, plot.bottom - barTop, BAR));
    labels.push(text(cx, barTop - 5, label(v), { size: 11, anchor: 'middle', halo: true }));
  });
  body.push(line(plot.left, plot.bottom, plot.right, plot.bottom, MUTED));
  // The baseline under the bars' labels, so it never hides a figure.
  if (baseline !== null) body.push(line(plot.left, y(baseline), plot.right, y(baseline), BASELINE, { width: 2.5, dash: '6 4' }));
  body.push(...labels);
  if (known.length === 0) body.push(text((plot.left + plot.right) / 2, (plot.top + plot.bottom) / 2, 'No data for these weeks yet', { size: 14, fill: MUTED, anchor: 'middle' }));
  return toPng(svgDocument(body));
}

/**
 * Results against target: booked so far, the run-rate and the leading forecast as horizontal
 * bars, the target as a dashed line. The leading forecast is green when it reaches the target.
 * 600 × 300 PNG.
 */
export async function renderResultsChart(input: ResultsChartInput): Promise<Buffer> {
  const W = CHART_WIDTH;
  const money = (v: number) => formatChartValue(v, input.currency);
  const target = finite(input.target) && input.target > 0 ? input.target : null;
  const booked = finite(input.booked) ? Math.max(0, input.booked) : null;
  const rows: { label: string; value: number | null; color: string; missing: string }[] = [
    { label: 'Booked so far', value: booked, color: BAR, missing: '—' },
    { label: 'Run-rate forecast', value: finite(input.runRate) ? Math.max(0, input.runRate) : null, color: PALE, missing: '— (no day of the period yet)' },
    {
      label: 'Leading forecast',
      value: finite(input.leading) ? Math.max(0, input.leading) : null,
      color: target !== null && finite(input.leading) && input.leading >= target ? GOOD : BASELINE,
      missing: '— (no win rate yet)',
    },
  ];
  const plot = { left: 170, right: W - 30, top: 84, rowHeight: 62, barHeight: 28 };
  const max = Math.max(target ?? 0, ...rows.map((r) => r.value ?? 0));
  const { top } = niceScale(max * 1.05, 4, false);
  const x = (v: number) => plot.left + (v / top) * (plot.right - plot.left);

  const body: string[] = [text(20, 30, fit(input.title, W - 40, 17), { size: 17, bold: true })];
  const share = target === null || booked === null ? '' : ` · ${Math.round((booked / target) * 100)}% booked`;
  body.push(text(20, 53, target === null ? 'No target set for this period' : `Target ${money(target)}${share}`, { size: 12, fill: MUTED }));

  const labels: string[] = [];
  rows.forEach((r, i) => {
    const y0 = plot.top + i * plot.rowHeight;
    const mid = y0 + plot.barHeight / 2 + 5;
    body.push(text(20, mid, r.label, { size: 13 }));
    body.push(rect(plot.left, y0, plot.right - plot.left, plot.barHeight, '#f4f4f4'));
    if (r.value === null) {
      body.push(text(plot.left + 8, mid, r.missing, { size: 12, fill: MUTED }));
      return;
    }
    const end = x(r.value);
    body.push(rect(plot.left, y0, end - plot.left, plot.barHeight, r.color));
    const shown = money(r.value);
    const inside = end - plot.left > textWidth(shown, 13) + 16 && end > plot.right - textWidth(shown, 13) - 12;
    labels.push(inside ? text(end - 8, mid, shown, { size: 13, fill: '#ffffff', anchor: 'end', bold: true }) : text(end + 8, mid, shown, { size: 13, bold: true, halo: true }));
  });
  // The target line over the bars, under their figures.
  if (target !== null) {
    const tx = x(target);
    const bottom = plot.top + rows.length * plot.rowHeight - (plot.rowHeight - plot.barHeight) + 8;
    const label = `target ${money(target)}`;
    const anchor = tx + textWidth(label, 11) / 2 > W - 8 ? 'end' : tx - textWidth(label, 11) / 2 < plot.left ? 'start' : 'middle';
    body.push(line(tx, plot.top - 10, tx, bottom, INK, { width: 2, dash: '5 4' }), text(tx, bottom + 16, label, { size: 11, fill: INK, anchor }));
  }

  body.push(...labels);
  return toPng(svgDocument(body));
}
