import type { AnyBlock, Button, KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { validateBlocks, validateView } from '../../src/local-slack/block-kit.js';
import { askOf } from '../../src/reports/ask.js';
import type { DataHealthJson, RepReport, TeamReport } from '../../src/reports/types.js';
import { DEMO_ORG } from '../../src/sandbox/demo-org.js';
import { buildOrg } from '../../src/seed/org.js';
import { LENGTH_BUDGET } from '../../src/slack/blocks/budgets.js';
import { renderAllRepsModal } from '../../src/slack/blocks/all-reps.js';
import { renderManagerDigest } from '../../src/slack/blocks/digest.js';
import { renderRepHome } from '../../src/slack/blocks/home.js';
import { renderMyKpis } from '../../src/slack/blocks/mykpis.js';
import { renderRepNudge } from '../../src/slack/blocks/nudge.js';
import { visibleLength } from '../../src/slack/blocks/visible-text.js';
import { allTexts, escapeRe, sections, sectionText } from '../helpers/blocks.js';
import { BUDGET_AS_OF, demoLargestTeam, sixtyRepTeam } from '../helpers/budget-teams.js';
import { seededTeamReport } from '../helpers/seeded-report.js';

// Issue 12 "Messages people read": the rep's messages fit their length budgets (visible
// characters) on the demo org's largest team and a 60-rep team, in every state a message can be
// in, by choosing what to show: the headline, the ask and the buttons are never clipped.

const APP_HOME = 'slack://app?team=T0DEMO&id=A0PACER&tab=home';
const demo = demoLargestTeam();
const sixty = sixtyRepTeam();

/** The demo team cut to 2 reps: too few for a top-performer baseline. */
const noBaseline = (() => {
  const org = buildOrg({ ...DEMO_ORG, end: BUDGET_AS_OF, workspace: 'T0DEMO' });
  const team = org.teams.find((t) => t.name === demo.team)!;
  return seededTeamReport(org, team, BUDGET_AS_OF, { reps: 2 });
})();

/** The longest stale-data line (docs/metrics.md "Data health"), with when data last arrived. */
const STALE: DataHealthJson = { lastReceivedAt: '2026-11-23T09:00:00-05:00', lastOccurredAt: '2026-11-23T08:30:00-05:00', stale: true, reason: 'zero_activity', sources: [] };
const LONG_NAME = `${'Maximiliana-Josefina '.repeat(10)}Okonkwo-Vanderberg`;

/** Every rep of both teams, and each in the states a message can be in. */
const states: { name: string; reps: RepReport[] }[] = [
  { name: 'as reported', reps: [...demo.members, ...sixty.members] },
  { name: 'no baseline', reps: noBaseline.members },
  { name: 'stale data', reps: [...demo.members, ...sixty.members].map((m) => ({ ...m, dataHealth: STALE })) },
  {
    name: 'ramping, stale, long names',
    reps: [...demo.members, ...sixty.members].map((m) => ({ ...m, ramp: { week: 3, of: 12, share: 0.25 }, dataHealth: STALE, rep: { ...m.rep, name: LONG_NAME, team: LONG_NAME } })),
  },
];

const nudgeOf = (r: RepReport) => renderRepNudge({ report: r, feedbackSubject: 'rep_nudge:2026-11-23', appHomeUrl: APP_HOME });
const myKpisOf = (r: RepReport, period: 'this_week' | 'last_week' = 'this_week', viewerIsSubject = true) => renderMyKpis({ report: r, period, appHomeUrl: APP_HOME, viewerIsSubject });
const homeOf = (r: RepReport) => renderRepHome({ report: r, settings: { nudgesEnabled: true, sendTime: '08:30' }, generatedAt: BUDGET_AS_OF.toISOString() });

const buttons = (blocks: readonly AnyBlock[]): Button[] =>
  blocks.flatMap((b: any) => [...(b.type === 'actions' ? b.elements : []), ...(b.accessory ? [b.accessory] : [])]).filter((e: any) => e.type === 'button');
const headerText = (blocks: readonly KnownBlock[]) => (blocks[0]?.type === 'header' ? blocks[0].text.text : '');
const askText = (blocks: readonly AnyBlock[]) => sections(blocks).find((b) => b.block_id === 'ask');

describe('the fixtures cover the states the budgets are asserted in', () => {
  it('has reps with a results gap, recognised, ramping, with too_few figures, and a team without a baseline', () => {
    const all = [...demo.members, ...sixty.members];
    expect(all.some((m) => m.diagnosis.results.gap && askOf(m)?.kind === 'goal')).toBe(true);
    expect(all.some((m) => m.diagnosis.outcome === 'look_past_rep')).toBe(true);
    expect(all.some((m) => m.diagnosis.outcome === 'recognise')).toBe(true);
    expect(all.some((m) => m.ramp !== null)).toBe(true);
    expect(all.some((m) => m.leading.some((l) => m.focus.includes(l.key) && l.status === 'too_few'))).toBe(true);
    expect(noBaseline.hasBaseline).toBe(false);
  });
});

describe.each(states)('rep messages within their budgets: $name', ({ reps }) => {
  it(`the nudge: ≤ ${LENGTH_BUDGET.nudge} visible characters`, () => {
    const over = reps.map((r) => ({ rep: r.rep.email, length: visibleLength(nudgeOf(r).blocks) })).filter((x) => x.length > LENGTH_BUDGET.nudge);
    expect(over).toEqual([]);
  });

  it(`/mykpis, /mykpis last and a manager’s /mykpis @rep: ≤ ${LENGTH_BUDGET.mykpis} visible characters`, () => {
    const over = reps.flatMap((r) =>
      [myKpisOf(r), myKpisOf(r, 'last_week'), myKpisOf(r, 'this_week', false)].map((m, i) => ({ rep: r.rep.email, i, length: visibleLength(m.blocks) })).filter((x) => x.length > LENGTH_BUDGET.mykpis),
    );
    expect(over).toEqual([]);
  });

  it('keeps headlines, asks and buttons whole, shows every focus indicator, and draws no bar as inline code', () => {
    for (const r of reps) {
      for (const m of [nudgeOf(r), myKpisOf(r), myKpisOf(r, 'last_week')]) {
        expect(validateBlocks(m.blocks, { surface: 'message' })).toEqual([]);
        expect(headerText(m.blocks)).not.toContain('…');
        expect(askText(m.blocks) ? sectionText(askText(m.blocks)!) : '').not.toContain('…');
        for (const b of buttons(m.blocks)) expect(b.text.text).not.toContain('…');
        expect(m.text).not.toContain('…');
        const texts = allTexts(m.blocks).join('\n');
        expect(texts).not.toContain('`');
        for (const l of r.leading.filter((x) => r.focus.includes(x.key))) expect(texts).toContain(`*${l.label}*`);
      }
      expect(buttons(nudgeOf(r).blocks).map((b) => b.text.text)).toEqual(['Open dashboard', '👍 Useful', '👎 Not useful']);
      expect(buttons(myKpisOf(r).blocks).map((b) => b.text.text)).toEqual(['Open your dashboard']);
    }
  });

  it('has the one-line headline as the notification text: the ask, else the recognition', () => {
    for (const r of reps) {
      const ask = askOf(r);
      for (const m of [nudgeOf(r), myKpisOf(r)]) {
        expect(m.text).not.toContain('\n');
        expect(m.text.length).toBeLessThanOrEqual(200);
        if (ask) expect(m.text).toMatch(ask.kind === 'goal' ? /^🎯 This week’s goal: / : /^🎯 Focus: /);
        else if (r.dataHealth.stale) expect(m.text).toMatch(/^⚠️ /);
        else if (r.diagnosis.outcome === 'recognise') expect(m.text).toMatch(/^🌟 On track — /);
      }
      // A past week asks nothing.
      expect(myKpisOf(r, 'last_week').text).not.toMatch(/^🎯/);
    }
  });

  it('gives the App Home one way to the events behind a figure, and no inline code', () => {
    for (const r of reps.slice(0, 12)) {
      const home = homeOf(r);
      expect(validateView(home, 'home')).toEqual([]);
      const events = home.blocks.filter((b: any) => b.accessory?.action_id === 'show_events' || b.elements?.some((e: any) => e.action_id === 'show_events'));
      expect(events).toHaveLength(1);
      expect(allTexts(home.blocks).join('\n')).not.toContain('`');
    }
  });
});

describe('moments in the reader’s zone', () => {
  it('shows when the numbers are as of (/mykpis) or were updated (App Home) through Slack’s date token, with a readable fallback', () => {
    const token = /<!date\^(\d+)\^\{date_short_pretty\}(?: at)? \{time\}\|([A-Z][a-z]{2} \d{1,2}, \d\d:\d\d \(UTC[−+]?[\d:]*\))>/;
    const r = demo.members[0]!;
    for (const texts of [allTexts(myKpisOf(r).blocks), allTexts(homeOf(r).blocks)]) {
      const line = texts.find((t) => token.test(t))!;
      expect(line).toBeDefined();
      expect(Number(token.exec(line)![1]) * 1000).toBe(Date.parse(r.asOf));
      expect(texts.join('\n')).not.toMatch(/\d{4}-\d\d-\d\dT/);
    }
  });
});

describe('choosing what to show when long labels would go over the budget', () => {
  /** A team's focus indicators named at length (a config's stage names can be long). */
  const longLabels = (r: RepReport): RepReport => ({
    ...r,
    leading: r.leading.map((l) => (r.focus.includes(l.key) ? { ...l, label: `${l.label} — as the team’s own sales playbook names this stage of the deal` } : l)),
  });
  const pressed = [...demo.members, ...sixty.members].map((m) => longLabels({ ...m, dataHealth: STALE, ramp: { week: 3, of: 12, share: 0.25 } }));

  it('leaves out last week’s figures and the win before going over, never a focus indicator or the ask', () => {
    let trimmed = 0;
    for (const r of pressed) {
      const m = nudgeOf(r);
      expect(visibleLength(m.blocks), r.rep.email).toBeLessThanOrEqual(LENGTH_BUDGET.nudge);
      const texts = allTexts(m.blocks).join('\n');
      for (const l of r.leading.filter((x) => r.focus.includes(x.key))) expect(texts).toContain(`*${l.label}*`);
      if (askOf(r)) expect(askText(m.blocks)).toBeDefined();
      if (!texts.includes(' last week\n') && !/ last week$/m.test(texts)) trimmed += 1;
    }
    expect(trimmed).toBeGreaterThan(0);
  });

  it('leaves out the weeks shown and the window’s results line before /mykpis goes over', () => {
    let trimmed = 0;
    for (const r of pressed) {
      const m = myKpisOf(r, 'this_week', false);
      expect(visibleLength(m.blocks), r.rep.email).toBeLessThanOrEqual(LENGTH_BUDGET.mykpis);
      const texts = allTexts(m.blocks).join('\n');
      for (const l of r.leading.filter((x) => r.focus.includes(x.key))) expect(texts).toContain(`*${l.label}*`);
      expect(texts).toContain('📈 *Booked ');
      if (!texts.includes('run-rate forecast')) trimmed += 1;
    }
    expect(trimmed).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------
// The same number everywhere for the same ask (issue 12, item 2)

/** "$30.2K" or "38" as a number, and how far the shown figure may be from it: half its last digit. */
function amountOf(shown: string): { value: number; within: number } {
  const m = /^[^\d-]*(-?[\d,]+)(?:\.(\d+))?([KMB]?)$/.exec(shown);
  expect(m, shown).not.toBeNull();
  const scale = { '': 1, K: 1e3, M: 1e6, B: 1e9 }[m![3] as '' | 'K'];
  const decimals = m![2]?.length ?? 0;
  return { value: Number(`${m![1]!.replace(/,/g, '')}.${m![2] ?? 0}`) * scale, within: scale === 1 ? 0 : scale / 10 ** decimals / 2 };
}

/**
 * The lines the manager reads about one rep — the digest's reps to coach first, then the See all
 * reps modal's pages: from the line naming them to the next line naming another rep.
 */
function digestEntry(t: TeamReport, r: RepReport): string {
  const digest = renderManagerDigest({ report: t, previous: null, openAlerts: {}, includeLinks: false, feedbackSubject: 's' });
  const pages = Array.from({ length: Math.ceil(t.members.length / 10) }, (_, page) => renderAllRepsModal({ report: t, openAlerts: {}, page, pageSize: 10 }));
  const lines = [digest, ...pages].flatMap((m) => allTexts(m.blocks)).flatMap((x) => x.split('\n'));
  const names = (line: string, m: RepReport) => new RegExp(`(^|[^\\p{L}])${escapeRe(m.rep.name)}([^\\p{L}]|$)`, 'u').test(line);
  const at = lines.findIndex((l) => names(l, r));
  if (at < 0) return '';
  const end = lines.findIndex((l, i) => i > at && t.members.some((m) => m !== r && names(l, m)));
  return lines.slice(at, end < 0 ? undefined : end).join('\n');
}

describe('the same goal figure on every surface', () => {
  it.each([
    ['the demo org’s largest team', demo],
    ['a 60-rep team', sixty],
  ])('%s: App Home, /mykpis, the nudge (blocks and notification) and the manager’s digest show one number per ask', (_name, team) => {
    let inDigest = 0;
    const asked = team.members.filter((m) => askOf(m)?.kind === 'goal');
    expect(asked.length).toBeGreaterThan(0);
    for (const r of asked) {
      const shown = [askText(homeOf(r).blocks), askText(myKpisOf(r).blocks), askText(nudgeOf(r).blocks)].map((b) => /This week’s goal: (\S+)/.exec(b ? sectionText(b) : '')?.[1]);
      shown.push(/^🎯 This week’s goal: (\S+)/.exec(myKpisOf(r).text)?.[1], /^🎯 This week’s goal: (\S+)/.exec(nudgeOf(r).text)?.[1]);
      const digest = /this week’s goal (\S+)/.exec(digestEntry(team, r))?.[1];
      if (digest !== undefined) {
        inDigest += 1;
        shown.push(digest);
      }
      expect(new Set(shown), r.rep.name).toEqual(new Set([shown[0]]));
      expect(shown[0], r.rep.name).toBeDefined();
      // The figure is report.goal.goal: whole for a count, a compact amount within its rounding for pipeline.
      const { value, within } = amountOf(shown[0]!);
      expect(Math.abs(value - r.goal!.goal), r.rep.name).toBeLessThanOrEqual(within);
    }
    expect(inDigest).toBeGreaterThan(0);
  });
});
