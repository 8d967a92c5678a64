import type { AnyBlock } from '@slack/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DiagnosisOutcome, FocusPace } from '../../src/metrics/diagnosis.js';
import { isActivityIndicator } from '../../src/metrics/indicators.js';
import { askOf } from '../../src/reports/ask.js';
import { unitOf } from '../../src/reports/labels.js';
import { compactMoney, repReportText } from '../../src/reports/text.js';
import type { RepReport, TeamReport } from '../../src/reports/types.js';
import { buildOrg } from '../../src/seed/org.js';
import { ALL_REPS_PAGE_SIZE, renderAllRepsModal } from '../../src/slack/blocks/all-reps.js';
import { renderManagerDigest } from '../../src/slack/blocks/digest.js';
import { renderManagerHome, renderRepHome } from '../../src/slack/blocks/home.js';
import { renderMyKpis } from '../../src/slack/blocks/mykpis.js';
import { figureText } from '../../src/slack/blocks/format.js';
import { renderRepNudge } from '../../src/slack/blocks/nudge.js';
import { renderTeamRecap } from '../../src/slack/blocks/recap.js';
import { allTexts, escapeRe, sections, sectionText } from '../helpers/blocks.js';
import { seededTeamReport } from '../helpers/seeded-report.js';

// docs/metrics.md revision 2, "Diagnosis for coaching": only coach_activity and coach_stage ask (and
// ramping with an activity far behind); every surface shows the same goal.goal for the ask. Real
// reports from the seed generator at the weekly send moment (Monday 08:00 in New York), and the
// same reports with their diagnosis, ramp and figures generated over.
const AS_OF = new Date('2026-11-23T13:00:00Z');
const org = buildOrg({ reps: 24, weeks: 16, seed: 1, end: AS_OF, workspace: 'T0SEED' });
const teams = org.teams.map((t) => seededTeamReport(org, t, AS_OF));
const members = teams.flatMap((t) => t.members.map((m) => ({ team: t, rep: m })));
const PROPERTY = { numRuns: 150, interruptAfterTimeLimit: 20_000 };

// ---------------------------------------------------------------------------------------------
// What each surface says of one rep

interface Surfaces {
  mykpis: { text: string; blocks: readonly AnyBlock[] };
  home: { text: string; blocks: readonly AnyBlock[] };
  nudge: { text: string; blocks: readonly AnyBlock[] };
  /** The rep's entry in "See all reps", the modal the manager's digest and /teamkpis open. */
  digest: string;
  /** The rep's row on the manager's App Home. */
  managerHome: string;
}

const withMember = (t: TeamReport, r: RepReport): TeamReport => ({ ...t, members: t.members.map((m) => (m.rep.email === r.rep.email ? r : m)) });
const repEntry = (texts: readonly string[], r: RepReport) => {
  const entry = texts.find((t) => new RegExp(`^(⚠️ )?\\*(★ )?${escapeRe(r.rep.name)}\\*( —|\\n)`).test(t));
  expect(entry, r.rep.name).toBeDefined();
  return entry!;
};

function surfaces(t: TeamReport, r: RepReport): Surfaces {
  const team = withMember(t, r);
  const allReps = Array.from({ length: Math.ceil(team.members.length / ALL_REPS_PAGE_SIZE) }, (_, page) => renderAllRepsModal({ report: team, openAlerts: {}, page }));
  const digest = allReps.flatMap((v) => sections(v.blocks).map(sectionText));
  // A rep the digest coaches first has the same entry there, ask included.
  const coached = sections(renderManagerDigest({ report: team, previous: null, openAlerts: {}, includeLinks: false, feedbackSubject: 's' }).blocks).map(sectionText);
  const first = coached.find((t) => new RegExp(`^(⚠️ )?\\*(★ )?${escapeRe(r.rep.name)}\\*[^\\n]`).test(t));
  if (first)
    expect(first.split('\n').filter((l) => l.startsWith('🎯'))).toEqual(
      repEntry(digest, r)
        .split('\n')
        .filter((l) => l.startsWith('🎯')),
    );
  return {
    mykpis: renderMyKpis({ report: r, period: 'this_week', appHomeUrl: null, viewerIsSubject: true }),
    home: { text: '', blocks: renderRepHome({ report: r, settings: { nudgesEnabled: true, sendTime: '08:00' }, generatedAt: AS_OF.toISOString() }).blocks },
    nudge: renderRepNudge({ report: r, feedbackSubject: 's', appHomeUrl: null }),
    digest: repEntry(digest, r),
    managerHome: repEntry(sections(renderManagerHome({ teams: [team], settings: { digestEnabled: true, sendTime: '08:00' }, generatedAt: AS_OF.toISOString() }).blocks).map(sectionText), r),
  };
}

/**
 * An ask in words: a number to add this week, a goal, a gap to close (revision 1's "43 more calls
 * this week closes the gap" included). Never matched by information such as "and 2 more open alerts".
 */
const IMPERATIVE = /closes? the gap|this week['’]s goal|\bto go\b|\b\d[\d,.]*\s+more\b[^.\n]*\bweek\b/i;
const lines = (texts: readonly string[]) => texts.flatMap((t) => t.split('\n'));
/** A rep surface asks when it has the ask section, a line led by 🎯, or a sentence asking for a number. */
const repSurfaceAsks = (m: { text: string; blocks: readonly AnyBlock[] }) =>
  m.blocks.some((b) => b.block_id === 'ask') || lines([...allTexts(m.blocks), m.text]).some((l) => l.startsWith('🎯') || IMPERATIVE.test(l));
const entryAsks = (entry: string) => lines([entry]).some((l) => l.startsWith('🎯') || IMPERATIVE.test(l));
const recapAsks = (t: TeamReport) => {
  const m = renderTeamRecap({ report: t, previous: null });
  return repSurfaceAsks(m);
};

/** A goal as the surfaces write it: whole units, compact money for pipeline. */
const goalFigure = (key: string, x: number, currency: string) => (key === 'pipeline_created' ? compactMoney(x, currency) : x.toLocaleString('en-US'));
const askSection = (m: { blocks: readonly AnyBlock[] }) => {
  const asks = sections(m.blocks).filter((b) => b.block_id === 'ask');
  expect(asks).toHaveLength(1);
  return sectionText(asks[0]!);
};

// ---------------------------------------------------------------------------------------------
// Generated reports

const focusPace = (r: RepReport, key: string, status: FocusPace['status']): FocusPace => {
  const l = r.leading.find((x) => x.key === key)!;
  return { key, label: l.label, value: l.value, baseline: l.baseline, expectation: l.expectation, pace: l.pace, status, n: l.n };
};

/** A rep report made to `outcome`, its focus, goal and focus suggestion set as compute.ts would for an ask on `key`. */
function withDiagnosis(r: RepReport, outcome: DiagnosisOutcome, focus: { key: string; status: FocusPace['status']; goal: number; weekToDate: number } | null): RepReport {
  const f = focus ? focusPace(r, focus.key, focus.status) : null;
  const goal =
    focus && f && isActivityIndicator(focus.key) ? { key: focus.key, average: f.value ?? 0, goal: focus.goal, weekToDate: focus.weekToDate, toGo: Math.max(0, focus.goal - focus.weekToDate) } : null;
  return {
    ...r,
    // A prompt of the manager's that asks nothing: what is checked is what the surfaces add.
    diagnosis: { ...r.diagnosis, outcome, focus: f, prompt: `Notes on ${r.rep.name}.` },
    goal,
    focusSuggestion: f && {
      key: f.key,
      label: f.label,
      value: f.value,
      baseline: f.baseline,
      expectation: f.expectation,
      pace: f.pace,
      moreThisWeek: goal?.toGo ?? null,
      weekToDate: focus!.weekToDate,
    },
  };
}

/** A member by index: generated values stay small, so a counterexample reads as the spec it was built from. */
const arbMember = fc.nat(members.length - 1);
type SpecOf<A> = A extends fc.Arbitrary<infer T> ? T : never;
const memberAt = (i: number) => members[i]!;
/** The focus of a team that is a count (what a goal is set on). */
const countKeys = (t: TeamReport) => t.focus.filter(isActivityIndicator);

/**
 * Reports whose outcome asks nothing, with the rest of a coach_activity report left in place (a
 * focus, a goal, a focus suggestion): the surfaces must go by the outcome. A ramping rep's focus
 * here is never far behind.
 */
const arbNoAsk = fc.record({
  member: arbMember,
  outcome: fc.constantFrom<DiagnosisOutcome>('recognise', 'look_past_rep', 'no_basis', 'ramping'),
  ramp: fc.option(fc.record({ week: fc.integer({ min: 1, max: 12 }), of: fc.constant(12) }), { nil: null }),
  stale: fc.option(fc.record({ keyIndex: fc.nat(), status: fc.constantFrom<FocusPace['status']>('behind', 'on_pace'), goal: fc.integer({ min: 1, max: 400 }), weekToDate: fc.nat(400) }), {
    nil: null,
  }),
});
const noAskReport = ({ member: i, outcome, ramp, stale }: SpecOf<typeof arbNoAsk>) => {
  const member = memberAt(i);
  const keys = countKeys(member.team);
  const focus = stale && keys.length > 0 ? { ...stale, key: keys[stale.keyIndex % keys.length]! } : null;
  const r = withDiagnosis(member.rep, outcome, focus);
  return { team: member.team, rep: { ...r, ramp: ramp && { ...ramp, share: ramp.week / ramp.of } } };
};

/** Reports diagnosed coach_activity on a count of the team's focus, with a generated goal. */
const arbCoachActivity = fc
  .record({ member: arbMember, keyIndex: fc.nat(), goal: fc.integer({ min: 1, max: 5000 }), weekToDate: fc.nat(5000), ramping: fc.boolean() })
  .filter(({ member }) => countKeys(memberAt(member).team).length > 0);
const coachActivityReport = ({ member: i, keyIndex, goal, weekToDate, ramping }: SpecOf<typeof arbCoachActivity>) => {
  const member = memberAt(i);
  const keys = countKeys(member.team);
  const r = withDiagnosis(member.rep, 'coach_activity', { key: keys[keyIndex % keys.length]!, status: 'behind', goal, weekToDate });
  return { team: member.team, rep: { ...r, ramp: ramping ? { week: 5, of: 12, share: 5 / 12 } : null } };
};

describe('only coach_activity and coach_stage ask (docs/metrics.md revision 2)', () => {
  it('asks nothing on any surface for any other outcome, whatever else the report holds', () => {
    fc.assert(
      fc.property(arbNoAsk, (spec) => {
        const { team, rep } = noAskReport(spec);
        expect(askOf(rep)).toBeNull();
        const s = surfaces(team, rep);
        for (const [name, m] of [
          ['mykpis', s.mykpis],
          ['home', s.home],
          ['nudge', s.nudge],
        ] as const)
          expect(repSurfaceAsks(m), `${name}:\n${allTexts(m.blocks).join('\n')}`).toBe(false);
        expect(entryAsks(s.digest), s.digest).toBe(false);
        expect(s.managerHome).not.toMatch(IMPERATIVE);
        // A team of such reps: the recap asks nobody for anything either.
        expect(recapAsks({ ...team, members: team.members.map((m) => withDiagnosis(m, rep.diagnosis.outcome, null)) })).toBe(false);
      }),
      PROPERTY,
    );
  });

  it('shows the same goal.goal, and what is left of it, on every surface for coach_activity', () => {
    fc.assert(
      fc.property(arbCoachActivity, (spec) => {
        const { team, rep } = coachActivityReport(spec);
        const g = rep.goal!;
        const goal = goalFigure(g.key, g.goal, rep.currency);
        const toGo = g.toGo === 0 ? 'reached' : `${goalFigure(g.key, g.toGo, rep.currency)} to go`;
        const s = surfaces(team, rep);
        for (const m of [s.mykpis, s.home, s.nudge]) {
          const text = askSection(m);
          expect(text).toMatch(new RegExp(`^🎯 \\*This week’s goal: ${escapeRe(goal)} [^*]+\\* — ${escapeRe(toGo)} \\(`));
        }
        expect(lines([s.digest]).filter((l) => l.startsWith('🎯'))).toEqual([`🎯 this week’s goal ${goal} ${unitOf(g.key, g.goal)} (${toGo})`]);
        expect(s.managerHome).toContain(`this week’s goal ${goal} `);
        // The recap names what is asked and of how many, never the rep or the number.
        const recap = renderTeamRecap({ report: { ...team, members: team.members.map((m) => (m.rep.email === rep.rep.email ? rep : withDiagnosis(m, 'recognise', null))) }, previous: null });
        const focus = askSection(recap);
        expect(focus).toContain(`the one thing for 1 of ${team.members.length} reps this week`);
        expect(focus).not.toContain(rep.rep.name);
      }),
      PROPERTY,
    );
  });

  it('asks coach_stage about the weak stage with both conversions and its n, and no number to add', () => {
    const { team, rep: base } = members[0]!;
    const stage = { stage: 'proposal', repRate: 0.2, repDeals: 10, teamRate: 0.45 };
    const focus: FocusPace = { key: 'stage_conversion.proposal', label: 'Proposal conversion', value: 0.2, baseline: 0.8, expectation: 0.45, pace: 0.2 / 0.45, status: 'behind', n: 10 };
    const rep: RepReport = { ...base, goal: null, ramp: null, diagnosis: { ...base.diagnosis, outcome: 'coach_stage', focus, methodology: { gap: true, stage, indicator: null }, prompt: 'Notes.' } };
    const s = surfaces(team, rep);
    for (const m of [s.mykpis, s.home, s.nudge]) expect(askSection(m)).toBe('🎯 *Focus: Proposal conversion* — 20% converted (10 deals decided) against the team’s 45%.');
    expect(lines([s.digest]).filter((l) => l.startsWith('🎯'))).toEqual(['🎯 focus: Proposal conversion']);
    expect(lines([s.digest, ...allTexts(s.nudge.blocks)]).some((l) => IMPERATIVE.test(l))).toBe(false);
  });

  it('asks a ramping rep only when an activity is far behind the ramped expectation', () => {
    const { team, rep: base } = members.find((m) => countKeys(m.team).length > 0)!;
    const key = countKeys(team)[0]!;
    const ramp = { week: 3, of: 12, share: 0.25 };
    const far = { ...withDiagnosis(base, 'ramping', { key, status: 'far_behind', goal: 7, weekToDate: 2 }), ramp };
    const behind = { ...withDiagnosis(base, 'ramping', { key, status: 'behind', goal: 7, weekToDate: 2 }), ramp };
    for (const m of [renderMyKpis({ report: far, period: 'this_week', appHomeUrl: null, viewerIsSubject: true }), renderRepNudge({ report: far, feedbackSubject: 's', appHomeUrl: null })]) {
      expect(askSection(m)).toMatch(/^🎯 \*This week’s goal: 7 [^*]+\* — 5 to go \(/);
    }
    expect(repSurfaceAsks(renderRepNudge({ report: behind, feedbackSubject: 's', appHomeUrl: null }))).toBe(false);
  });
});

describe('the seeded org', () => {
  it('asks exactly the reps the diagnosis coaches, with report.goal on every surface', () => {
    let asked = 0;
    for (const { team, rep } of members) {
      const s = surfaces(team, rep);
      const coached = rep.diagnosis.outcome === 'coach_activity' || rep.diagnosis.outcome === 'coach_stage' || (rep.diagnosis.outcome === 'ramping' && rep.diagnosis.focus !== null);
      expect(repSurfaceAsks(s.nudge), rep.rep.name).toBe(coached);
      expect(repSurfaceAsks(s.mykpis), rep.rep.name).toBe(coached);
      expect(repSurfaceAsks(s.home), rep.rep.name).toBe(coached);
      expect(entryAsks(s.digest), rep.rep.name).toBe(coached);
      if (coached && rep.goal) {
        asked += 1;
        const goal = goalFigure(rep.goal.key, rep.goal.goal, rep.currency);
        for (const m of [s.mykpis, s.home, s.nudge]) expect(askSection(m)).toContain(`This week’s goal: ${goal} `);
        expect(s.digest).toContain(`🎯 this week’s goal ${goal} `);
      }
    }
    expect(asked).toBeGreaterThan(0);
  });

  it('asks nothing about a past week: /mykpis last shows the numbers only', () => {
    const { rep } = members.find((m) => m.rep.goal !== null)!;
    const last = renderMyKpis({ report: rep, period: 'last_week', appHomeUrl: null, viewerIsSubject: true });
    expect(repSurfaceAsks(last)).toBe(false);
    expect(repSurfaceAsks(renderMyKpis({ report: rep, period: 'this_week', appHomeUrl: null, viewerIsSubject: true }))).toBe(true);
  });

  it('keeps the diagnosis prompt (look_past_rep’s above all) for the manager: the rep’s App Home has none, the digest has it', () => {
    for (const outcome of ['look_past_rep', 'recognise', 'coach_activity'] as const) {
      const { team, rep } = members.find((m) => m.rep.diagnosis.outcome === outcome)!;
      expect(
        allTexts(surfaces(team, rep).home.blocks).some((t) => t.includes(rep.diagnosis.prompt)),
        outcome,
      ).toBe(false);
    }
    const { team, rep } = members.find((m) => m.rep.diagnosis.outcome === 'look_past_rep')!;
    expect(surfaces(team, rep).digest).toContain(`💬 ${rep.diagnosis.prompt}`);
  });

  it('prints the same ask in the CLI report, or that nothing is asked', () => {
    for (const { rep } of members) {
      const line = repReportText(rep)
        .split('\n')
        .find((l) => l.startsWith('This week'))!;
      const ask = askOf(rep);
      if (ask?.kind === 'goal') expect(line).toMatch(new RegExp(`^This week's goal: ${escapeRe(ask.label)} ${escapeRe(goalFigure(ask.key, ask.goal.goal, rep.currency))} \\(`));
      else if (!ask) expect(line).toBe('This week: nothing asked (the numbers are information)');
      expect(repReportText(rep)).not.toContain('closes the gap');
    }
  });
});

describe('too_few and ramping figures', () => {
  /** A rep with rate figures of its focus set to too_few on n below minRateN. */
  const arbTooFew = fc.record({ member: arbMember, ns: fc.array(fc.nat(7), { minLength: 4, maxLength: 4 }) }).filter(({ member }) => memberAt(member).team.focus.some((k) => !isActivityIndicator(k)));
  const tooFewReport = ({ member: i, ns }: SpecOf<typeof arbTooFew>) => {
    const member = memberAt(i);
    const rates = member.team.focus.filter((k) => !isActivityIndicator(k));
    const n = new Map(rates.map((k, j) => [k, ns[j]!]));
    const rep: RepReport = { ...member.rep, leading: member.rep.leading.map((l) => (n.has(l.key) ? { ...l, status: 'too_few' as const, pace: null, n: n.get(l.key)! } : l)) };
    return { team: member.team, rep, n };
  };

  it('shows a too_few figure with its n, never as behind, on every surface', () => {
    fc.assert(
      fc.property(arbTooFew, (spec) => {
        const { team, rep, n } = tooFewReport(spec);
        const s = surfaces(team, rep);
        for (const [key, count] of n) {
          const l = rep.leading.find((x) => x.key === key)!;
          const words = `${count} ${key.startsWith('stage_conversion.') || key === 'touches_per_closed_deal' ? 'deal' : 'lead'}${count === 1 ? '' : 's'} — too few to compare`;
          for (const m of [s.mykpis, s.home, s.nudge]) {
            const figure = figureOf(m, l.label);
            expect(figure.split('\n')[0]).toMatch(new RegExp(`^⚪ \\*${escapeRe(l.label)}\\* .* · ${escapeRe(words)}( · _lower is better_)?$`));
            expect(figure).not.toMatch(/behind|[▰▱]|🟡|🟠/u);
          }
          const row = capturedFigure(s.managerHome, l.label);
          expect(row).toBe(`(${words})`);
        }
      }),
      PROPERTY,
    );
  });

  it('says "Ramping: week W of R" on every rep surface, and paces counts against the ramped expectation', () => {
    fc.assert(
      fc.property(
        arbMember,
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 0, max: 16 }),
        fc.constantFrom<DiagnosisOutcome>('recognise', 'look_past_rep', 'no_basis', 'ramping', 'coach_activity'),
        (i, of, before, outcome) => {
          const { team, rep: base } = memberAt(i);
          const week = Math.max(1, of - before);
          const rep: RepReport = {
            ...withDiagnosis(base, outcome, null),
            ramp: { week, of, share: week / of },
            leading: base.leading.map((l) => (isActivityIndicator(l.key) && l.baseline !== null ? { ...l, expectation: l.baseline * (week / of) } : l)),
          };
          const s = surfaces(team, rep);
          for (const m of [s.mykpis, s.home, s.nudge]) {
            expect(allTexts(m.blocks)).toContainEqual(expect.stringMatching(new RegExp(`^🌱 \\*Ramping: week ${week} of ${of}\\*`)));
            for (const l of rep.leading.filter((x) => team.focus.includes(x.key) && isActivityIndicator(x.key) && x.expectation !== null)) {
              expect(figureOf(m, l.label)).toContain(` vs ${figureText(l.key, l.expectation, rep.currency)} expected`);
            }
          }
          if (outcome === 'ramping') expect(s.managerHome).toContain(`ramping, week ${week} of ${of}`);
        },
      ),
      PROPERTY,
    );
  });
});

/**
 * A focus indicator as a rep surface shows it: its own section (/mykpis, App Home), or its line of
 * the nudge's list; either way its first line names it in bold after its status emoji.
 */
function figureOf(m: { blocks: readonly AnyBlock[] }, label: string): string {
  const named = (l: string) => /^\S+ \*/u.test(l) && l.includes(`*${label}*`);
  for (const t of sections(m.blocks).map(sectionText)) {
    const lines = t.split('\n');
    const at = lines.findIndex(named);
    if (at < 0) continue;
    return lines.filter((l) => /^\S+ \*/u.test(l)).length > 1 ? lines[at]! : t;
  }
  throw new Error(`no figure of ${label}`);
}

/** What a manager's row shows after a figure's value: "(3 leads — too few to compare)". */
const capturedFigure = (row: string, label: string) => new RegExp(`${escapeRe(label)} \\*[^*]+\\* (\\([^)]*\\))`).exec(row)?.[1];
