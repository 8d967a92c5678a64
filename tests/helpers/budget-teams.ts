import { DEMO_ORG } from '../../src/sandbox/demo-org.js';
import { buildOrg } from '../../src/seed/org.js';
import type { SeedTeam } from '../../src/seed/types.js';
import type { TeamReport } from '../../src/reports/types.js';
import { seededTeamReport } from './seeded-report.js';

/**
 * The two teams the message length budgets are asserted on (issue "Messages people read"): the
 * sandbox demo org's largest team, and a 60-rep team made of the reps of a 60-rep org's teams
 * that share the first team's pipeline, reported as one team.
 */

/** A Wednesday afternoon in the weeks after the seeded history (the generator ends there). */
export const BUDGET_AS_OF = new Date('2026-11-25T19:00:00Z');

export function demoLargestTeam(): TeamReport {
  const org = buildOrg({ ...DEMO_ORG, end: BUDGET_AS_OF, workspace: 'T0DEMO' });
  const largest = [...org.teams].sort((a, b) => b.reps.length - a.reps.length)[0]!;
  return seededTeamReport(org, largest, BUDGET_AS_OF);
}

export function sixtyRepTeam(): TeamReport {
  const org = buildOrg({ reps: 90, weeks: 13, seed: 3, end: BUDGET_AS_OF, workspace: 'T0SIXTY' });
  const first = org.teams[0]!;
  const reps = org.teams.filter((t) => t.pipelineStages.join() === first.pipelineStages.join()).flatMap((t) => t.reps);
  if (reps.length < 60) throw new Error(`only ${reps.length} reps share the first team's pipeline; pick another seed`);
  const team: SeedTeam = { ...first, name: 'Sixty', reps: reps.slice(0, 60) };
  return seededTeamReport(org, team, BUDGET_AS_OF);
}
