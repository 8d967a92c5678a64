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

    // Every alert about a deal or lead names it and links its page (docs/metrics.md rev 2).
    const records = reports.flatMap((r) => r.members.flatMap((m) => m.alerts.flatMap((a) => (a.record ? [a.record] : []))));
    expect(records.length).toBeGreaterThanOrEqual(3 * org.teams.length);
    for (const record of records) {
      expect(record).toMatchObject({ name: expect.any(String), accountName: expect.any(String), url: `http://127.0.0.1:3000/crm/${record.kind}s/${record.id}` });
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
    const top = team.reps.find((r) => r.profile.archetype === 'top')!;
    const again = await ingestEvents(db, summary.workspaceId, repEvents(buildOrg(options), team, top), { receivedAt: options.end });
    expect(again).toMatchObject({ accepted: 0, rejected: [] });
    expect(again.duplicates).toBeGreaterThan(14 * 150);
  });
});

describe.each([7, 11])('pacer seed --seed %i (its own check of the planted alerts)', (seed) => {
  // A Wednesday 14:00 in New York, the first team's zone (issue 11).
  const options: SeedOptions = { reps: 14, weeks: 13, seed, end: new Date('2026-12-02T19:00:00Z'), workspace: `T0SHAPE${seed}` };

  it('finds every planted alert; the activity drop is on a rep behind on results; ramping reps are outside the cohort; closers are over target', async () => {
    const db = await createTestDatabase('embedded');
    opened.push(db);
    const summary = await seedDatabase(db, options);
    expect(summary.verification?.problems).toEqual([]);
    const org = buildOrg(options);
    for (const team of org.teams) {
      const report = await teamReport(db, summary.workspaceId, team.name, options.end);
      const drop = team.plants.find((p) => p.rule === 'activity_drop')!;
      const dropRep = report.members.find((m) => m.rep.email === drop.rep)!;
      expect(dropRep.alerts.some((a) => a.rule === 'activity_drop')).toBe(true);
      expect(dropRep.forecast.onTrack).toBe(false);
      for (const rep of team.reps.filter((r) => r.ramping)) expect(report.cohort).not.toContain(rep.email);
      // Closers are over target on what the report counts as booked over the baseline window.
      const closers = team.reps.filter((r) => r.profile.archetype === 'closer');
      expect(closers).toHaveLength(2);
      for (const closer of closers) {
        expect(report.members.find((m) => m.rep.email === closer.email)!.lagging.baselineWindow.bookedRevenue).toBeGreaterThanOrEqual(closer.target!);
      }
    }
  });
});
