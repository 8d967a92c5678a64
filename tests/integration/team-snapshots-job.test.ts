/**
 * The team-snapshots job (src/jobs/team-snapshots.ts): it builds every active team's snapshot for
 * its current week and the week's links, keeps the paces of a week earlier where none were kept, rebuilds only what a late event made stale, builds the next week's when the
 * week turns, and the reports that follow read what it built (they keep no snapshot of their
 * own) and still equal the raw oracle.
 */
import { addDays, addHours } from 'date-fns';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { ingestEvents } from '../../src/ingest/ingest-events.js';
import { keepTeamPaces, readTeamPaces } from '../../src/db/team-paces-repo.js';
import { pacesOf, weekBeforeEnd } from '../../src/jobs/paces.js';
import { runTeamSnapshots } from '../../src/jobs/team-snapshots.js';
import { createLogger } from '../../src/logger.js';
import { weekContaining } from '../../src/metrics/windows.js';
import { teamReport } from '../../src/reports/build-report.js';
import { seedDatabase } from '../../src/seed/run.js';
import { createTestDatabase, DATABASE_KINDS } from '../helpers/db.js';
import { assertReportsEqualOracle, forgetKeptLinks, readOracleState } from '../helpers/report-oracle.js';

// A Thursday 17:00 UTC: every team's week has started at least two days before.
const END = new Date('2026-11-26T17:00:00Z');

const opened: Database[] = [];
afterAll(async () => {
  await Promise.all(opened.map((db) => db.close()));
});

describe.each(DATABASE_KINDS)('the team-snapshots job on %s', (kind) => {
  it('builds each team’s current snapshot once, rebuilds what a late event made stale, and reports read them', async () => {
    const db = await createTestDatabase(kind);
    opened.push(db);
    const { workspaceId } = await seedDatabase(db, { reps: 20, weeks: 6, seed: 12, end: END, workspace: `T0SNAPJOB${kind.toUpperCase()}`, verify: false });
    const logger = createLogger({ level: 'silent' });
    let state = await readOracleState(db, workspaceId);
    expect(state.teams.length).toBeGreaterThan(1);
    const weekOf = (t: (typeof state.teams)[number], at: Date) => weekContaining(at, { timezone: t.input.timezone, weekStartsOn: t.input.weekStartsOn }).start;
    // Snapshots of END's weeks and later: the reports of a week earlier the job computes for the
    // paces keep their own week's too (every team's week of END starts less than 7 days before it).
    const kept = async () => {
      const rows = await db.query<{ team_id: number; week_start: Date | string; computed_at: Date | string }>(
        'SELECT team_id, week_start, computed_at FROM team_snapshot WHERE week_start > $1 ORDER BY team_id, week_start',
        [addDays(END, -7)],
      );
      return rows.map((r) => ({ team: r.team_id, week: new Date(r.week_start).getTime(), at: new Date(r.computed_at).getTime() }));
    };

    expect(await kept()).toEqual([]);
    const n = state.teams.length;
    expect(await runTeamSnapshots(db, logger, END)).toEqual({ teams: n, built: n, pacesKept: n, failed: 0 });
    const first = await kept();
    expect(first.map((r) => [r.team, r.week])).toEqual(state.teams.map((t) => [t.id, weekOf(t, END).getTime()]).sort((a, b) => a[0]! - b[0]!));

    // And every team's links for its last complete week.
    const links = async () => {
      const rows = await db.query<{ team_id: number; week_start: Date | string; computed_at: Date | string }>('SELECT team_id, week_start, computed_at FROM team_links ORDER BY team_id, week_start');
      return rows.map((r) => ({ team: r.team_id, week: new Date(r.week_start).getTime(), at: new Date(r.computed_at).getTime() }));
    };
    const linked = await links();
    expect(linked.map((r) => [r.team, r.week])).toEqual(state.teams.map((t) => [t.id, addDays(weekOf(t, END), -7).getTime()]).sort((a, b) => a[0]! - b[0]!));

    // Nothing changed: nothing is built, and a report (links included) reads the kept snapshot and links without writing any.
    // No paces were kept a week earlier (the org's first week in Pacer): the job kept those of a
    // report as of a week before, which the weekly run's "who improved" then reads.
    for (const t of state.teams) {
      const week = { timezone: t.input.timezone, weekStartsOn: t.input.weekStartsOn };
      const paces = await readTeamPaces(db, t.id, weekBeforeEnd(END, week));
      expect(paces).toEqual(pacesOf(await teamReport(db, workspaceId, t.input.name, addDays(END, -7), END, { links: false })));
      expect(paces!.reps.length).toBe(t.input.reps.length);
    }

    expect(await runTeamSnapshots(db, logger, addHours(END, 1))).toEqual({ teams: n, built: 0, pacesKept: 0, failed: 0 });
    const team = state.teams[0]!;
    await assertReportsEqualOracle(db, workspaceId, team.input.name, END, END, state);
    expect(await kept()).toEqual(first);
    expect(await links()).toEqual(linked);

    // A late event (last week) on one team's rep: that team's snapshot alone is rebuilt.
    const rep = team.input.reps[0]!;
    const late = addDays(weekOf(team, END), -3).toISOString();
    const outcome = await ingestEvents(db, workspaceId, [{ id: 'snapjob-late-call', type: 'call', occurredAt: late, repEmail: rep.email }], { receivedAt: END });
    expect(outcome.rejected).toEqual([]);
    expect(await runTeamSnapshots(db, logger, END)).toEqual({ teams: n, built: 1, pacesKept: 0, failed: 0 });
    const after = await kept();
    for (const row of after) {
      const before = first.find((r) => r.team === row.team)!;
      if (row.team === team.id) expect(row.at).toBeGreaterThan(before.at);
      else expect(row.at).toBe(before.at);
    }
    await forgetKeptLinks(db, workspaceId);
    state = await readOracleState(db, workspaceId);
    await assertReportsEqualOracle(db, workspaceId, team.input.name, END, END, state);
    expect(await kept()).toEqual(after);

    // The week turns: every team gets the next week's snapshot, and keeps this week's; one team's
    // weekly run kept its paces meanwhile, so the others' alone are computed.
    const next = addDays(END, 7);
    const other = state.teams[1]!;
    await keepTeamPaces(db, other.id, weekBeforeEnd(next, { timezone: other.input.timezone, weekStartsOn: other.input.weekStartsOn }), { asOf: END, reps: [] });
    expect(await runTeamSnapshots(db, logger, next)).toEqual({ teams: n, built: n, pacesKept: n - 1, failed: 0 });
    const weeks = await kept();
    for (const t of state.teams) expect(weeks.filter((r) => r.team === t.id).map((r) => r.week)).toEqual([weekOf(t, END).getTime(), weekOf(t, next).getTime()]);
  });
});
