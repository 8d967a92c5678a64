import type { AnyBlock, ImageBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { imageBlock } from '../../src/charts/block.js';
import { cadenceAltText, repCadenceChartInput, resultsAltText, resultsChartInput, teamCadenceChartInput, trendWeekLabels } from '../../src/charts/from-report.js';
import { validateBlocks, validateView } from '../../src/local-slack/block-kit.js';
import { isActivityIndicator } from '../../src/metrics/indicators.js';
import { TREND_WEEKS } from '../../src/reports/compute.js';
import type { TeamReport } from '../../src/reports/types.js';
import { buildOrg } from '../../src/seed/org.js';
import type { SeedTeam } from '../../src/seed/types.js';
import { renderRepHome } from '../../src/slack/blocks/home.js';
import { renderTeamRecap } from '../../src/slack/blocks/recap.js';
import { seededTeamReport, type SeededReportOptions } from '../helpers/seeded-report.js';

// A real report from the seed generator, as of Monday 08:00 in New York.
const AS_OF = new Date('2026-11-23T13:00:00Z');
const org = buildOrg({ reps: 12, weeks: 12, seed: 3, end: AS_OF, workspace: 'T0CHARTS' });
const team = org.teams[0] as SeedTeam;

const computeTeam = (o: SeededReportOptions = {}): TeamReport => seededTeamReport(org, team, AS_OF, o);

const report = computeTeam();
const activity = report.focus.find(isActivityIndicator)!;
const images = (blocks: readonly AnyBlock[]) => blocks.filter((b): b is ImageBlock => b.type === 'image');

describe('chart inputs from reports', () => {
  it('labels the trend weeks by their first day, the last one the week before the current', () => {
    expect(trendWeekLabels('2026-11-23T00:00:00-05:00', 3)).toEqual(['Nov 2', 'Nov 9', 'Nov 16']);
    // A DST change inside the weeks does not shift a label.
    expect(trendWeekLabels('2026-11-09T00:00:00-05:00', 2)).toEqual(['Oct 26', 'Nov 2']);
    expect(trendWeekLabels('2026-01-05T00:00:00+01:00', 2)).toEqual(['Dec 22', 'Dec 29']);
  });

  it('sums the team’s weeks over its members, against every rep at the top-performer baseline', () => {
    const input = teamCadenceChartInput(report)!;
    expect(input).not.toBeNull();
    expect(input.weeks).toHaveLength(TREND_WEEKS);
    expect(input.weeks.at(-1)).toBe('Nov 16');
    for (let i = 0; i < TREND_WEEKS; i++) {
      const week = report.members.map((m) => m.trend[activity]?.[i] ?? null).filter((v) => v !== null);
      expect(input.values[i]).toBe(week.length === 0 ? null : week.reduce((a, b) => a + b, 0));
    }
    expect(input.baseline).toBeCloseTo(report.baselines[activity]! * report.totals.reps);
    expect(input.title).toContain(report.team);
    expect(input.baselineLabel).toContain(`${report.totals.reps} reps`);
    // A focus with no activity has no team cadence chart.
    expect(teamCadenceChartInput({ ...report, focus: report.focus.filter((k) => !isActivityIndicator(k)) })).toBeNull();
  });

  it('charts a rep’s first focus activity, and a rate as a percentage', () => {
    const rep = report.members[0]!;
    const input = repCadenceChartInput(rep)!;
    const leading = rep.leading.find((l) => l.key === activity)!;
    expect(input.values).toEqual(rep.trend[activity]);
    expect(input.baseline).toBe(leading.baseline);
    expect(input.title).toMatch(/^Your /);

    const rateKey = rep.leading.map((l) => l.key).find((k) => k.endsWith('_rate') && rep.trend[k]?.some((v) => v !== null))!;
    expect(rateKey).toBeDefined();
    const rate = repCadenceChartInput({ ...rep, focus: [rateKey] })!;
    expect(rate.unit).toBe('%');
    expect(rate.values).toEqual(rep.trend[rateKey]!.map((v) => (v === null ? null : v * 100)));
    expect(repCadenceChartInput({ ...rep, focus: [] })).toBeNull();
  });

  it('takes results from the rep’s forecast or the team totals', () => {
    const rep = report.members[0]!;
    expect(resultsChartInput(rep)).toMatchObject({ booked: rep.forecast.bookedSoFar, target: rep.forecast.target, runRate: rep.forecast.runRate, leading: rep.forecast.leading, currency: 'USD' });
    const t = resultsChartInput(report);
    expect(t).toMatchObject({ booked: report.totals.forecast.bookedSoFar, target: report.totals.forecast.target, leading: report.totals.forecast.leading });
    expect(t.title).toMatch(new RegExp(`^${report.team}: results, [A-Z][a-z]{2} \\d+ – [A-Z][a-z]{2} \\d+$`));
  });

  it('says what the charts show in their alt text', () => {
    const alt = cadenceAltText({ title: 'Calls', weeks: ['Nov 9', 'Nov 16'], values: [1012, null], baseline: 20.25, unit: 'calls' });
    expect(alt).toBe('Bar chart, Calls. Weeks oldest first — Nov 9: 1,012, Nov 16: no data. Dashed line, top performers: 20.3 calls a week.');
    expect(resultsAltText({ title: 'Your results', booked: 45_000, target: 90_000, runRate: 80_000, leading: null, currency: 'USD' })).toBe(
      'Bar chart, Your results: booked so far $45,000, target $90,000 (50% booked), run-rate forecast $80,000, leading forecast not known yet.',
    );
  });
});

describe('charts in the recap and the App Home', () => {
  it('shows the recap’s chart as an image block naming the Slack file, under the activity', () => {
    const without = renderTeamRecap({ report, previous: null });
    const withChart = renderTeamRecap({ report, previous: null, chart: { fileId: 'F0CHART1', altText: 'Bar chart, calls.' } });
    expect(images(without.blocks)).toEqual([]);
    expect(images(withChart.blocks)).toEqual([{ type: 'image', slack_file: { id: 'F0CHART1' }, alt_text: 'Bar chart, calls.' }]);
    expect(withChart.blocks.filter((b) => b.type !== 'image')).toEqual(without.blocks);
    const at = withChart.blocks.findIndex((b) => b.type === 'image');
    expect(JSON.stringify(withChart.blocks[at - 1])).toContain('Team activity against the top-performer pace');
    expect(withChart.text).toBe(without.text);
    expect(validateBlocks(withChart.blocks, { surface: 'message' })).toEqual([]);
  });

  it('shows the rep’s charts on their App Home, within the view’s limits', () => {
    const rep = report.members[0]!;
    const charts = [
      { fileId: 'F0CADENCE', altText: 'Bar chart, your calls.' },
      { fileId: 'F0RESULTS', altText: 'Bar chart, your results.' },
    ];
    const view = renderRepHome({ report: rep, settings: { nudgesEnabled: true, sendTime: '08:00' }, generatedAt: '2026-11-23T13:00:00Z', charts });
    expect(images(view.blocks).map((b) => ('slack_file' in b ? b.slack_file : null))).toEqual([{ id: 'F0CADENCE' }, { id: 'F0RESULTS' }]);
    expect(validateView(view, 'home')).toEqual([]);
    const plain = renderRepHome({ report: rep, settings: { nudgesEnabled: true, sendTime: '08:00' }, generatedAt: '2026-11-23T13:00:00Z' });
    expect(images(plain.blocks)).toEqual([]);
  });

  it('builds image blocks within Slack’s limits', () => {
    const b = imageBlock('F1', 'x'.repeat(3000), 'A title');
    expect(b.alt_text.length).toBeLessThanOrEqual(2000);
    expect(b.title).toEqual({ type: 'plain_text', text: 'A title', emoji: true });
    expect(validateBlocks([b], { surface: 'message' })).toEqual([]);
  });
});
