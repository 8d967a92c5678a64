import type { AnyBlock, Button, KnownBlock, ModalView } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { validateBlocks, validateView } from '../../src/local-slack/block-kit.js';
import type { DataHealthJson, RepReport, TeamReport } from '../../src/reports/types.js';
import { ALL_REPS_NEXT_ACTION, ALL_REPS_PREVIOUS_ACTION, renderAllRepsModal, SEE_ALL_REPS_ACTION } from '../../src/slack/blocks/all-reps.js';
import { LENGTH_BUDGET } from '../../src/slack/blocks/budgets.js';
import type { PausedAlertRule, RuleFeedbackCount } from '../../src/metrics/rules.js';
import { renderManagerDigest } from '../../src/slack/blocks/digest.js';
import { renderTeamRecap } from '../../src/slack/blocks/recap.js';
import { renderTeamKpis } from '../../src/slack/blocks/teamkpis.js';
import { visibleLength, visibleText } from '../../src/slack/blocks/visible-text.js';
import { allTexts, sections, sectionText } from '../helpers/blocks.js';
import { demoLargestTeam, sixtyRepTeam } from '../helpers/budget-teams.js';

// Issue 12, item 1: the manager digest and /teamkpis at most 2,000 visible characters, the team
// recap 1,500, on the demo org's largest team and a 60-rep team, in every state a message can be
// in; fitted by choosing what to show, never by clipping a headline, an ask or a button.

const TEAMS = [
  ['the demo org’s largest team', demoLargestTeam()],
  ['a 60-rep team', sixtyRepTeam()],
] as const;

// ---------------------------------------------------------------------------------------------
// The states a message can be in

/** The report a week earlier with two reps' focus paces 0.25 lower then: they improved, and the wins may name them. */
function weekEarlier(r: TeamReport): TeamReport {
  const movers = new Set(r.members.slice(0, 2).map((m) => m.rep.email));
  return {
    ...r,
    members: r.members.map((m) =>
      movers.has(m.rep.email) ? { ...m, leading: m.leading.map((l) => (l.pace === null || !r.focus.includes(l.key) ? l : { ...l, pace: Math.max(0, l.pace - 0.25) })) } : m,
    ),
  };
}

/** The workspace-wide test done for every focus indicator, with each label once. */
function withWorkspaceLinks(r: TeamReport): TeamReport {
  const labels = ['tracks_results', 'possible_link', 'weak_or_no_link', 'too_few_reps'] as const;
  return { ...r, links: r.links.map((l, i) => ({ ...l, workspace: { rho: 0.41 - i / 10, n: 36 + i, p: [0.0004, 0.12, 0.61, null][i % 4]!, label: labels[i % 4]! } })) };
}

/** No events for two days: the team's data and every rep's is stale (docs/metrics.md "Data health"). */
function stale(r: TeamReport): TeamReport {
  const dataHealth: DataHealthJson = { ...r.dataHealth, stale: true, reason: 'no_events', lastReceivedAt: '2026-11-23T10:00:00-05:00' };
  return { ...r, dataHealth, members: r.members.map((m) => ({ ...m, dataHealth })) };
}

/** Too few established reps for a baseline: no paces, as computeTeamReport reports it. */
function noBaseline(r: TeamReport): TeamReport {
  const unpaced = (m: RepReport): RepReport => ({
    ...m,
    hasBaseline: false,
    leading: m.leading.map((l) => ({ ...l, baseline: null, expectation: null, pace: null, status: 'no_baseline' as const })),
  });
  return {
    ...r,
    hasBaseline: false,
    topPerformers: [],
    members: r.members.map(unpaced),
    totals: { ...r.totals, paceAgainstTop: Object.fromEntries(Object.keys(r.totals.paceAgainstTop).map((k) => [k, null])) },
  };
}

const FEEDBACK: RuleFeedbackCount[] = [
  { rule: 'untouched_lead', useful: 12, notUseful: 3 },
  { rule: 'stalled_deal', useful: 4, notUseful: 7 },
  { rule: 'missed_follow_up', useful: 0, notUseful: 2 },
  { rule: 'activity_drop', useful: 5, notUseful: 1 },
];
const RULES = ['stalled_deal', 'missed_follow_up', 'untouched_lead', 'activity_drop', 'stalled_deal'] as const;
const paused = (r: TeamReport): PausedAlertRule[] => RULES.map((rule, i) => ({ name: r.members[i]!.rep.name, rule, until: new Date('2027-01-02T15:00:00Z') }));

type DigestInput = Parameters<typeof renderManagerDigest>[0];
const openAlerts = (r: TeamReport) => Object.fromEntries(r.members.map((m) => [m.rep.email, m.alerts]));
const digestStates = (r: TeamReport): [string, DigestInput][] => {
  const base: DigestInput = { report: r, previous: null, openAlerts: openAlerts(r), includeLinks: false, feedbackSubject: 'manager_digest:2026-11-23' };
  return [
    ['a usual week, no previous week', base],
    ['the monthly links, with improvers', { ...base, previous: weekEarlier(r), includeLinks: true }],
    ['the workspace-wide links', { ...base, report: withWorkspaceLinks(r), previous: weekEarlier(r) }],
    ['the workspace-wide and the monthly links', { ...base, report: withWorkspaceLinks(r), previous: weekEarlier(r), includeLinks: true }],
    ['no baseline', { ...base, report: noBaseline(r), includeLinks: true }],
    ['stale data, the first digest of the spell', { ...base, report: stale(r), firstOfStaleSpell: true, heldAlerts: 4 }],
    ['several paused rules and feedback on every rule', { ...base, previous: weekEarlier(r), alertFeedback: FEEDBACK, pausedAlertRules: paused(r) }],
    [
      'all of them at once',
      { ...base, report: stale(withWorkspaceLinks(r)), previous: weekEarlier(r), includeLinks: true, firstOfStaleSpell: true, heldAlerts: 4, alertFeedback: FEEDBACK, pausedAlertRules: paused(r) },
    ],
  ];
};

// ---------------------------------------------------------------------------------------------
// Reading messages back

const buttons = (blocks: readonly AnyBlock[]): Button[] =>
  blocks.flatMap((b: any) => [...(b.type === 'actions' ? b.elements : []), ...(b.accessory ? [b.accessory] : [])]).filter((e: any) => e.type === 'button');

/** The reps named to coach first: the sections after the headline, up to the wins, each led by the bold name. */
function coachedNames(blocks: readonly KnownBlock[]): string[] {
  const texts = sections(blocks).map(sectionText);
  return texts.filter((t) => /^(⚠️ )?\*(★ )?[^*]+\*/.test(t) && !t.startsWith('*Team pace*') && !/^\*\d+ reps? to coach first/.test(t)).map((t) => /^(?:⚠️ )?\*(?:★ )?([^*]+)\*/.exec(t)![1]!);
}

/** Whole headlines, asks and buttons: nothing a person reads was cut short. */
function expectNothingClipped(m: { text: string; blocks: readonly KnownBlock[] }) {
  expect(visibleText(m.blocks)).not.toContain('…');
  expect(m.text).not.toContain('…');
  for (const b of buttons(m.blocks)) expect(b.text.text).not.toContain('…');
}

/** The notification is the one-line headline: who to coach first, by name. */
function expectHeadline(m: { text: string; blocks: readonly KnownBlock[] }, r: TeamReport) {
  expect(m.text).not.toContain('\n');
  const names = coachedNames(m.blocks);
  const headline =
    names.length === 0 ? 'Nobody to coach first: every rep is on track on results and on pace' : `${names.length} rep${names.length === 1 ? '' : 's'} to coach first: ${names.join(', ')}`;
  expect(m.text).toMatch(new RegExp(`^${r.team}(, this week)? — ${headline}$`));
  expect(sections(m.blocks).some((b) => sectionText(b) === `*${headline}*` || sectionText(b) === `✅ *${headline}.*`)).toBe(true);
}

describe.each(TEAMS)('the manager digest on %s', (_, team) => {
  it.each(digestStates(team))('fits 2,000 visible characters in one valid message: %s', (_state, input) => {
    const m = renderManagerDigest(input);
    expect(visibleLength(m.blocks)).toBeLessThanOrEqual(LENGTH_BUDGET.digest);
    expect(validateBlocks(m.blocks, { surface: 'message' })).toEqual([]);
    expectNothingClipped(m);
    expectHeadline(m, input.report);
    expect(buttons(m.blocks).map((b) => b.text.text)).toEqual(['See all reps', '👍 Useful', '👎 Not useful']);
  });

  it('keeps what it must say when everything happens at once: the stale note, 3 reps, the workspace line, the paused rules', () => {
    const [, input] = digestStates(team).at(-1)!;
    const texts = allTexts(renderManagerDigest(input).blocks);
    expect(texts.some((t) => t.startsWith('⚠️ No new CRM data since'))).toBe(true);
    expect(coachedNames(renderManagerDigest(input).blocks)).toHaveLength(3);
    expect(texts.some((t) => t.startsWith('🌐 *Across the workspace*'))).toBe(true);
    expect(texts.some((t) => t.startsWith('Paused after 2 👎:'))).toBe(true);
  });

  it('shows the wins and the monthly links when there is room', () => {
    const [, input] = digestStates(team)[1]!;
    const texts = allTexts(renderManagerDigest(input).blocks);
    expect(texts.some((t) => t.startsWith('🏆 *Wins:*'))).toBe(true);
    expect(texts.some((t) => t.startsWith('📊 *What tracks results on this team*'))).toBe(true);
  });
});

describe.each(TEAMS)('/teamkpis on %s', (_, team) => {
  const states: [string, Parameters<typeof renderTeamKpis>[0]][] = [
    ['one team', { report: team, openAlerts: openAlerts(team) }],
    ['the workspace-wide links and other teams to open', { report: withWorkspaceLinks(team), openAlerts: openAlerts(team), otherTeams: ['London & Co', 'Berlin', 'Tokyo', 'Sydney', 'Lima'] }],
    ['no baseline', { report: noBaseline(team), openAlerts: openAlerts(team) }],
    ['stale data', { report: stale(team), openAlerts: openAlerts(team) }],
  ];

  it.each(states)('fits 2,000 visible characters in one valid message: %s', (_state, input) => {
    const m = renderTeamKpis(input);
    expect(visibleLength(m.blocks)).toBeLessThanOrEqual(LENGTH_BUDGET.teamkpis);
    expect(validateBlocks(m.blocks, { surface: 'message' })).toEqual([]);
    expectNothingClipped(m);
    expectHeadline(m, input.report);
    expect(buttons(m.blocks).filter((b) => b.action_id === SEE_ALL_REPS_ACTION)).toHaveLength(1);
  });
});

describe.each(TEAMS)('the team recap on %s', (_, team) => {
  const chart = { fileId: 'F0CHART', altText: 'Bar chart, calls.' };
  it.each([
    ['no previous week', { report: team, previous: null }],
    ['steps up named, with its chart', { report: team, previous: weekEarlier(team), chart }],
    ['no baseline', { report: noBaseline(team), previous: null }],
  ] as const)('fits 1,500 visible characters, with a one-line headline: %s', (_state, input) => {
    const m = renderTeamRecap(input);
    expect(visibleLength(m.blocks)).toBeLessThanOrEqual(LENGTH_BUDGET.recap);
    expect(validateBlocks(m.blocks, { surface: 'message' })).toEqual([]);
    expectNothingClipped(m);
    expect(m.text).not.toContain('\n');
    expect(m.text.startsWith(`${team.team}: `)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Who comes first

/** The lowest focus pace, computed here independently: Infinity when no focus indicator is paced. */
const lowest = (m: RepReport) => Math.min(...m.focus.flatMap((k) => m.leading.filter((l) => l.key === k && l.pace !== null).map((l) => l.pace!)));
const hasNeed = (m: RepReport) => m.diagnosis.results.gap || m.focus.some((k) => ['behind', 'far_behind'].includes(m.leading.find((l) => l.key === k)!.status));

describe('the order of need: a results gap first, then the lowest focus pace', () => {
  /** A rep of the team made to have a results gap or not, and its focus paces all equal to `pace` (null: none paced). */
  const made = (m: RepReport, name: string, gap: boolean, pace: number | null): RepReport => ({
    ...m,
    rep: { ...m.rep, name, email: `${name.toLowerCase()}@example.com` },
    diagnosis: { ...m.diagnosis, results: { ...m.diagnosis.results, gap }, prompt: `${name} needs a word.` },
    leading: m.leading.map((l) =>
      m.focus.includes(l.key) ? { ...l, pace, status: pace === null ? ('too_few' as const) : pace < 0.6 ? ('far_behind' as const) : pace < 0.9 ? ('behind' as const) : ('on_pace' as const) } : l,
    ),
  });

  it('names the gap with the lowest pace first, an unpaced gap after paced ones, and no-gap reps after every gap', () => {
    const base = demoLargestTeam();
    const m = base.members[0]!;
    const reps = [made(m, 'Avery', true, 0.8), made(m, 'Blake', false, 0.2), made(m, 'Casey', true, 0.3), made(m, 'Devon', true, null), made(m, 'Emery', false, 1.2)];
    const team: TeamReport = { ...base, members: reps };
    expect(coachedNames(renderManagerDigest({ report: team, previous: null, openAlerts: {}, includeLinks: false, feedbackSubject: 's' }).blocks)).toEqual(['Casey', 'Avery', 'Devon']);
    expect(coachedNames(renderTeamKpis({ report: team, openAlerts: {} }).blocks)).toEqual(['Casey', 'Avery', 'Devon']);
    const modal = renderAllRepsModal({ report: team, openAlerts: {}, page: 0 });
    expect(modalNames(modal)).toEqual(['Casey', 'Avery', 'Devon', 'Blake', 'Emery']);
  });

  it('leaves out reps with nothing to coach, and says so when nobody has anything', () => {
    const base = demoLargestTeam();
    const m = base.members[0]!;
    const fine = (name: string) => made(m, name, false, 1.1);
    const one: TeamReport = { ...base, members: [fine('Avery'), made(m, 'Blake', false, 0.5), fine('Casey')] };
    const digest = renderManagerDigest({ report: one, previous: null, openAlerts: {}, includeLinks: false, feedbackSubject: 's' });
    expect(coachedNames(digest.blocks)).toEqual(['Blake']);
    expect(digest.text).toBe(`${base.team} — 1 rep to coach first: Blake`);
    const none = renderManagerDigest({ report: { ...base, members: [fine('Avery'), fine('Casey')] }, previous: null, openAlerts: {}, includeLinks: false, feedbackSubject: 's' });
    expect(coachedNames(none.blocks)).toEqual([]);
    expect(none.text).toBe(`${base.team} — Nobody to coach first: every rep is on track on results and on pace`);
  });

  it.each(TEAMS)('coaches first, on %s, the reps an independent reading of the rule picks', (_, team) => {
    const expected = team.members
      .filter(hasNeed)
      .sort((a, b) => Number(b.diagnosis.results.gap) - Number(a.diagnosis.results.gap) || (lowest(a) === lowest(b) ? 0 : lowest(a) - lowest(b)) || a.rep.name.localeCompare(b.rep.name))
      .slice(0, 3)
      .map((m) => m.rep.name);
    expect(expected).toHaveLength(3);
    expect(coachedNames(renderManagerDigest({ report: team, previous: null, openAlerts: openAlerts(team), includeLinks: true, feedbackSubject: 's' }).blocks)).toEqual(expected);
    expect(coachedNames(renderTeamKpis({ report: team, openAlerts: openAlerts(team) }).blocks)).toEqual(expected);
  });
});

// ---------------------------------------------------------------------------------------------
// "See all reps"

/** The reps of a modal page, by the bold name leading each entry. */
const modalNames = (view: ModalView) =>
  sections(view.blocks)
    .map(sectionText)
    .filter((t) => t.includes('\n*Results:*'))
    .map((t) => /^(?:⚠️ )?\*(?:★ )?([^*]+)\*/.exec(t)![1]!);

describe.each(TEAMS)('the “See all reps” modal on %s', (_, team) => {
  it('holds every rep exactly once across its pages, turned by Previous and Next, each page a valid modal', () => {
    const seen: string[] = [];
    let page = 0;
    for (let guard = 0; guard < 20; guard += 1) {
      const view = renderAllRepsModal({ report: team, openAlerts: openAlerts(team), page });
      expect(validateView(view, 'modal')).toEqual([]);
      expect(view.blocks.length).toBeLessThanOrEqual(100);
      seen.push(...modalNames(view));
      const nav = buttons(view.blocks);
      const previous = nav.find((b) => b.action_id === ALL_REPS_PREVIOUS_ACTION);
      if (page > 0) expect(JSON.parse(previous!.value!)).toEqual({ team: team.team, asOf: team.asOf, page: page - 1 });
      else expect(previous).toBeUndefined();
      const next = nav.find((b) => b.action_id === ALL_REPS_NEXT_ACTION);
      if (!next) break;
      expect(JSON.parse(next.value!)).toEqual({ team: team.team, asOf: team.asOf, page: page + 1 });
      page += 1;
    }
    expect(seen).toHaveLength(team.members.length);
    expect(new Set(seen)).toEqual(new Set(team.members.map((m) => m.rep.name)));
    expect(page + 1).toBe(Math.ceil(team.members.length / 20));
  });
});
