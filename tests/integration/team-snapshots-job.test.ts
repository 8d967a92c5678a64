/**
 * The team-snapshots job (src/jobs/team-snapshots.ts): it builds every active team's snapshot for
 * its current week and the week's links, rebuilds only what a late event made stale, builds the next week's when the
 * week turns, and the reports that follow read what it built (they keep no snapshot of their
 * own) and still equal the raw oracle.
 */
import { addDays, addHours } from 'date-fns';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { ingestEvents } from '../../src/ingest/ingest-events.js';
import { runTeamSnapshots } from '../../src/jobs/team-snapshots.js';
import { createLogger } from '../../src/logger.js';
import { weekContaining } from '../../src/metrics/windows.js';
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
    const kept = async () => {
      const rows = await db.query<{ team_id: number; week_start: Date | string; computed_at: Date | string }>(
        'SELECT team_id, week_start, computed_at FROM team_snapshot ORDER BY team_id, week_start',
      );
      return rows.map((r) => ({ team: r.team_id, week: new Date(r.week_start).getTime(), at: new Date(r.computed_at).getTime() }));
    };

    expect(await kept()).toEqual([]);
    expect(await runTeamSnapshots(db, logger, END)).toEqual({ teams: state.teams.length, built: state.teams.length, failed: 0 });
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
    expect(await runTeamSnapshots(db, logger, addHours(END, 1))).toEqual({ teams: state.teams.length, built: 0, failed: 0 });
    const team = state.teams[0]!;
    await assertReportsEqualOracle(db, workspaceId, team.input.name, END, END, state);
    expect(await kept()).toEqual(first);
    expect(await links()).toEqual(linked);

    // A late event (last week) on one team's rep: that team's snapshot alone is rebuilt.
    const rep = team.input.reps[0]!;
    const late = addDays(weekOf(team, END), -3).toISOString();
    const outcome = await ingestEvents(db, workspaceId, [{ id: 'snapjob-late-call', type: 'call', occurredAt: late, repEmail: rep.email }], { receivedAt: END });
    expect(outcome.rejected).toEqual([]);
    expect(await runTeamSnapshots(db, logger, END)).toEqual({ teams: state.teams.length, built: 1, failed: 0 });
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

    // The week turns: every team gets the next week's snapshot, and keeps this week's.
    const next = addDays(END, 7);
    expect(await runTeamSnapshots(db, logger, next)).toEqual({ teams: state.teams.length, built: state.teams.length, failed: 0 });
    const weeks = await kept();
    for (const t of state.teams) expect(weeks.filter((r) => r.team === t.id).map((r) => r.week)).toEqual([weekOf(t, END).getTime(), weekOf(t, next).getTime()]);
  });
});
