import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { ingestEvents } from '../../src/ingest/ingest-events.js';
import { teamReport } from '../../src/reports/build-report.js';
import type { TeamReport } from '../../src/reports/types.js';
import { repEvents } from '../../src/seed/events.js';
import { buildOrg } from '../../src/seed/org.js';
import { seedDatabase } from '../../src/seed/run.js';
import { PLANT_RULES, type SeedOptions } from '../../src/seed/types.js';
import { createTestDatabase, DATABASE_KINDS } from '../helpers/db.js';

const END = new Date('2026-11-23T12:00:00Z');
const opened: Database[] = [];
afterAll(async () => {
  await Promise.all(opened.map((db) => db.close()));
});

describe.each(DATABASE_KINDS)('seed on %s', (kind) => {
  // The embedded database ingests slower: one team there, two on PostgreSQL.
  const options: SeedOptions = { reps: kind === 'embedded' ? 12 : 20, weeks: 14, seed: 3, end: END, workspace: `T0SEED${kind.toUpperCase()}` };
  const org = buildOrg(options);

  it('stores the org and its events; as of the end every team has an alert of each rule', async () => {
    const db = await createTestDatabase(kind);
    opened.push(db);
    const summary = await seedDatabase(db, options);
    expect(summary).toMatchObject({ teams: org.teams.length, reps: options.reps, duplicates: 0, end: END });
    expect(summary.events).toBeGreaterThan(options.reps * 14 * 150);
    expect(summary.planted).toEqual({ untouched_lead: org.teams.length, stalled_deal: org.teams.length, missed_follow_up: org.teams.length, activity_drop: org.teams.length });
    expect(summary.verification?.plantedFound).toEqual(summary.planted);
    expect(summary.verification?.problems).toEqual([]);

    // The same check, independently of seedDatabase's own.
    const reports: TeamReport[] = [];
    for (const team of org.teams) reports.push(await teamReport(db, summary.workspaceId, team.name, END));
    for (const report of reports) {
      const rules = new Set(report.members.flatMap((m) => m.alerts.map((a) => a.rule)));
      expect([...rules].sort()).toEqual([...PLANT_RULES].sort());
    }

    for (const [i, team] of org.teams.entries()) {
      const report = reports[i]!;
      // Top performers really work more: their cadence (the baseline) beats the team median.
      for (const key of ['cadence.call', 'cadence.email', 'cadence.meeting']) {
        expect(report.baselines[key]).toBeGreaterThan(report.teamMedians[key]!);
      }
      expect(report.hasBaseline).toBe(true);
      // Ramping reps are members with reports but not in the cohort.
      const ramping = team.reps.filter((r) => r.ramping).map((r) => r.email);
      expect(ramping.length).toBeGreaterThan(0);
      for (const email of ramping) {
        expect(report.cohort).not.toContain(email);
        expect(report.members.map((m) => m.rep.email)).toContain(email);
      }
      const veterans = team.reps.filter((r) => !r.ramping).map((r) => r.email);
      expect([...report.cohort].sort()).toEqual([...veterans].sort());
    }

    // Generating again gives the same ids and content: stored already, nothing new.
    const team = org.teams[0]!;
    const again = await ingestEvents(db, summary.workspaceId, repEvents(buildOrg(options), team, team.reps[0]!), { receivedAt: options.end });
    expect(again).toMatchObject({ accepted: 0, rejected: [] });
    expect(again.duplicates).toBeGreaterThan(14 * 150);
  });
});
