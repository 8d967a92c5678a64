import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CHART_HEIGHT, CHART_WIDTH, formatChartValue, niceScale, renderCadenceChart, renderResultsChart, type CadenceChartInput, type ResultsChartInput } from '../../src/charts/render.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The IHDR of a PNG: signature, then the first chunk. */
function ihdr(png: Buffer) {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), bitDepth: png[24], colorType: png[25] };
}

/**
 * The pixels of an 8-bit RGBA or RGB, non-interlaced PNG (what resvg writes), as rows of
 * bytes: the IDAT data inflated and each row's filter undone.
 */
function pixels(png: Buffer): { rows: Buffer[]; channels: number } {
  const { width, height, colorType } = ihdr(png);
  const channels = colorType === 6 ? 4 : colorType === 2 ? 3 : 0;
  expect(channels).toBeGreaterThan(0);
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    if (png.subarray(at + 4, at + 8).toString('latin1') === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const row = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    const up = rows[y - 1] ?? Buffer.alloc(stride);
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? row[x - channels]! : 0;
      const b = up[x]!;
      const c = x >= channels ? up[x - channels]! : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const add = filter === 1 ? a : filter === 2 ? b : filter === 3 ? Math.floor((a + b) / 2) : filter === 4 ? paeth : 0;
      row[x] = (row[x]! + add) & 0xff;
    }
    rows.push(row);
  }
  return { rows, channels };
}

/** Pixels clearly darker than the white background inside a box. */
function inkIn(png: Buffer, box: { x0: number; y0: number; x1: number; y1: number }): number {
  const { rows, channels } = pixels(png);
  let ink = 0;
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = box.x0; x < box.x1; x++) {
      const i = x * channels;
      const row = rows[y]!;
      if (row[i]! + row[i + 1]! + row[i + 2]! < 3 * 160) ink++;
    }
  }
  return ink;
}

const WEEKS = ['Sep 28', 'Oct 5', 'Oct 12', 'Oct 19', 'Oct 26', 'Nov 2', 'Nov 9', 'Nov 16'];
const cadence: CadenceChartInput = { title: 'Calls a week as a team', weeks: WEEKS, values: [120, 134, null, 98, 150, 161, 142, 170], baseline: 180, unit: 'calls' };
const results: ResultsChartInput = { title: 'Results, Oct 1 – Dec 31', booked: 420_000, target: 900_000, runRate: 780_000, leading: 950_000, currency: 'USD' };

describe('chart rendering', () => {
  it('renders each chart as a 600 × 300 PNG', async () => {
    for (const png of [await renderCadenceChart(cadence), await renderResultsChart(results)]) {
      expect(ihdr(png)).toMatchObject({ width: CHART_WIDTH, height: CHART_HEIGHT, bitDepth: 8 });
      expect(CHART_WIDTH).toBe(600);
      expect(CHART_HEIGHT).toBe(300);
      // Small enough to upload on every App Home open.
      expect(png.length).toBeLessThan(100_000);
    }
  });

  it('gives the same bytes for the same input, and other bytes for other numbers', async () => {
    const a = await renderCadenceChart(cadence);
    expect((await renderCadenceChart(structuredClone(cadence))).equals(a)).toBe(true);
    expect((await renderCadenceChart({ ...cadence, values: [...cadence.values.slice(0, 7), 171] })).equals(a)).toBe(false);
    expect((await renderCadenceChart({ ...cadence, baseline: 90 })).equals(a)).toBe(false);
    const r = await renderResultsChart(results);
    expect((await renderResultsChart({ ...results })).equals(r)).toBe(true);
    expect((await renderResultsChart({ ...results, leading: 850_000 })).equals(r)).toBe(false);
    expect((await renderResultsChart({ ...results, target: null })).equals(r)).toBe(false);
  });

  it('draws its labels with the font it ships, whatever fonts the machine has', async () => {
    // The title band holds nothing but the title: ink there is text, drawn from src/charts/fonts.
    const titleBand = { x0: 0, y0: 8, x1: CHART_WIDTH, y1: 38 };
    const titled = await renderCadenceChart(cadence);
    const untitled = await renderCadenceChart({ ...cadence, title: '' });
    expect(inkIn(untitled, titleBand)).toBe(0);
    expect(inkIn(titled, titleBand)).toBeGreaterThan(300);
    // The week labels under the bars.
    const axisBand = { x0: 56, y0: CHART_HEIGHT - 26, x1: CHART_WIDTH - 20, y1: CHART_HEIGHT - 8 };
    expect(inkIn(await renderCadenceChart({ ...cadence, weeks: WEEKS.map(() => '') }), axisBand)).toBe(0);
    expect(inkIn(titled, axisBand)).toBeGreaterThan(100);
    // Row labels of the results chart.
    expect(inkIn(await renderResultsChart(results), { x0: 16, y0: 84, x1: 160, y1: 240 })).toBeGreaterThan(300);
  });

  it('copes with empty, missing and awkward input', async () => {
    const empty = await renderCadenceChart({ title: 'Nothing yet', weeks: WEEKS, values: WEEKS.map(() => null), baseline: null, unit: 'calls' });
    expect(ihdr(empty).width).toBe(CHART_WIDTH);
    const odd = await renderCadenceChart({ title: `<b>&"quoted"</b> ${'very long title '.repeat(10)}\u0001`, weeks: ['a'], values: [Number.NaN], baseline: -3, unit: '%' });
    expect(ihdr(odd).height).toBe(CHART_HEIGHT);
    const none = await renderResultsChart({ title: 'Your results', booked: 0, target: 0, runRate: null, leading: null, currency: 'EUR' });
    expect(ihdr(none).width).toBe(CHART_WIDTH);
    await expect(renderCadenceChart({ ...cadence, weeks: WEEKS.slice(1) })).rejects.toThrow(/7 weeks/);
  });

  it('labels values compactly, with the unit they count', () => {
    expect(formatChartValue(1234, 'calls')).toBe('1,234');
    expect(formatChartValue(12_345, 'calls')).toBe('12.3K');
    expect(formatChartValue(12.34, 'calls')).toBe('12.3');
    expect(formatChartValue(42, '%')).toBe('42%');
    expect(formatChartValue(30_000, 'EUR')).toBe('€30K');
    expect(formatChartValue(9_500, 'EUR')).toBe('€9,500');
    expect(formatChartValue(1_250_000, 'USD')).toBe('$1.3M');
    expect(formatChartValue(1_250_000, 'USD', false)).toBe('$1,250,000');
    expect(formatChartValue(1012.4, 'calls', false)).toBe('1,012');
    expect(niceScale(170 * 1.05, 4, true)).toEqual({ top: 200, step: 50 });
    expect(niceScale(3, 4, true)).toEqual({ top: 3, step: 1 });
    expect(niceScale(0, 4, false).top).toBeGreaterThan(0);
  });
});
