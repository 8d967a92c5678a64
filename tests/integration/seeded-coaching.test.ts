import { TZDate } from '@date-fns/tz';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { teamReport } from '../../src/reports/build-report.js';
import type { RepReport } from '../../src/reports/types.js';
import { isActivityIndicator } from '../../src/metrics/indicators.js';
import { buildOrg } from '../../src/seed/org.js';
import { seedDatabase } from '../../src/seed/run.js';
import { needsAttention } from '../../src/slack/blocks/home.js';
import { createTestDatabase } from '../helpers/db.js';

/**
 * The seeded org of issue 11, pinned: `pacer seed --reps 24 --weeks 13 --seed S --end` a
 * Wednesday 14:00 in the first team's zone. Revision 1 failed every check below on it (seed 7:
 * 10 reps without a results gap with an ask, 3 ramping reps judged against the team median,
 * 50 rate figures on fewer than 8 leads or deals called behind, 10 and 11 of 12 reps needing
 * attention; seed 11: 10, 0, 25, and 11 and 12 of 12).
 */
const opened: Database[] = [];
afterAll(async () => {
  await Promise.all(opened.map((db) => db.close()));
});

/** An ask: this week's goal, or the "N more this week" every surface renders from it. */
const hasAsk = (m: RepReport) => m.goal !== null || (m.focusSuggestion?.moreThisWeek ?? null) !== null;

describe.each([7, 11])('the seeded org, seed %i, as of a Wednesday 14:00', (seed) => {
  it('asks only reps with a results gap, never judges ramping reps by the team median, never calls a thin rate behind, and flags fewer than half of each team', async () => {
    const probe = buildOrg({ reps: 24, weeks: 13, seed, end: new Date('2026-11-25T19:00:00Z'), workspace: 'T0PINNED' });
    const end = new Date(new TZDate(2026, 10, 25, 14, 0, 0, probe.teams[0]!.timezone).getTime());
    const db = await createTestDatabase('postgres');
    opened.push(db);
    const summary = await seedDatabase(db, { reps: 24, weeks: 13, seed, end, workspace: 'T0PINNED', verify: false });
    const org = buildOrg({ reps: 24, weeks: 13, seed, end, workspace: 'T0PINNED' });

    let asked = 0;
    let ramping = 0;
    for (const team of org.teams) {
      const report = await teamReport(db, summary.workspaceId, team.name, end);
      const minRateN = report.minRateN;
      for (const m of report.members) {
        const who = `${team.name} / ${m.rep.email}`;
        if (hasAsk(m)) asked += 1;
        // Results judged and on track: never an ask. A ramping rep without a target of their own has
        // no results basis (docs/metrics.md): asked only when a focus activity is far behind the ramped expectation.
        if (!m.diagnosis.results.gap && m.diagnosis.results.basis !== 'none') {
          expect({ who, outcome: m.diagnosis.outcome, ask: hasAsk(m) }).toEqual({ who, outcome: m.diagnosis.outcome, ask: false });
        }
        if (m.diagnosis.outcome === 'ramping' && hasAsk(m)) {
          const focus = m.leading.find((l) => l.key === m.goal?.key);
          expect({ who, status: focus?.status }).toEqual({ who, status: 'far_behind' });
        }
        if (m.ramp !== null) {
          ramping += 1;
          expect({ who, basis: m.diagnosis.results.basis }).not.toEqual({ who, basis: 'team_median' });
        }
        for (const l of m.leading.filter((x) => !isActivityIndicator(x.key) && x.n < minRateN)) {
          expect({ who, key: l.key, n: l.n, behind: l.status === 'behind' || l.status === 'far_behind' }).toEqual({ who, key: l.key, n: l.n, behind: false });
        }
      }
      const flagged = report.members.filter(needsAttention).length;
      expect({ team: team.name, flagged: flagged < report.members.length / 2 }).toEqual({ team: team.name, flagged: true });
    }
    // Not vacuous: the org has ramping reps, and some reps are asked for something.
    expect(ramping).toBeGreaterThanOrEqual(2 * org.teams.length);
    expect(asked).toBeGreaterThan(0);
  }, 240_000);
});
