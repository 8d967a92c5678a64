/**
 * Team snapshots (docs/rollups.md "Team snapshots"): a team's reports of one week read its
 * snapshot as of the week's start with the open week's facts, and equal the raw oracle's. The
 * snapshot built by the first report of the week is reused by the next ones, whatever they are
 * as of and whatever happened in the open week since; a late event (before the week's start) or a
 * config change makes the next report rebuild it. The process holds the snapshot decoded
 * (src/reports/snapshot-memo.ts): reports after the first take it from there, the database
 * sending no body while the fingerprint holds, and a rebuilt snapshot replaces it.
 */
import { addDays, addHours } from 'date-fns';
import { afterAll, describe, expect, it } from 'vitest';
import { applyConfig } from '../../src/config/apply.js';
import { parseCoachingConfig } from '../../src/config/coaching.js';
import type { Database } from '../../src/db/client.js';
import { ingestEvents } from '../../src/ingest/ingest-events.js';
import { weekContaining } from '../../src/metrics/windows.js';
import { buildOrg, seedConfigDocument } from '../../src/seed/org.js';
import { seedDatabase } from '../../src/seed/run.js';
import { readCurrentTeamSnapshot } from '../../src/db/snapshot-repo.js';
import { snapshotConfigFingerprint } from '../../src/reports/snapshot.js';
import { snapshotMemo } from '../../src/reports/snapshot-memo.js';
import { createTestDatabase, DATABASE_KINDS } from '../helpers/db.js';
import { assertReportsEqualOracle, forgetKeptLinks, readOracleState } from '../helpers/report-oracle.js';

// A Thursday 17:00 UTC: every team's week has started at least two days before.
const END = new Date('2026-11-26T17:00:00Z');

const opened: Database[] = [];
afterAll(async () => {
  await Promise.all(opened.map((db) => db.close()));
});

describe.each(DATABASE_KINDS)('team snapshots on %s', (kind) => {
  it('are reused through a week, rebuilt after a late event, a config change or over a body of an earlier format, and every report equals the oracle', async () => {
    const db = await createTestDatabase(kind);
    opened.push(db);
    const options = { reps: 8, weeks: 6, seed: 11, end: END, workspace: `T0SNAP${kind.toUpperCase()}`, verify: false };
    const { workspaceId } = await seedDatabase(db, options);
    let state = await readOracleState(db, workspaceId);
    const team = state.teams[0]!;
    const name = team.input.name;
    const week = weekContaining(END, { timezone: team.input.timezone, weekStartsOn: team.input.weekStartsOn });
    const rep = team.input.reps[0]!;
    const kept = async () => {
      const rows = await db.query<{ computed_at: Date | string; fingerprint: string }>('SELECT computed_at, fingerprint FROM team_snapshot WHERE team_id = $1 AND week_start = $2', [
        team.id,
        week.start,
      ]);
      expect(rows).toHaveLength(1);
      // The memo holds the kept snapshot, under its fingerprint.
      expect(held()?.fingerprint).toBe(rows[0]!.fingerprint);
      return new Date(rows[0]!.computed_at).getTime();
    };
    const held = () => snapshotMemo(db).get(`${team.id}/${week.start.toISOString()}`);
    const ingest = async (events: Record<string, unknown>[]) => {
      const outcome = await ingestEvents(db, workspaceId, events, { receivedAt: END });
      expect(outcome.rejected).toEqual([]);
      await forgetKeptLinks(db, workspaceId);
      state = await readOracleState(db, workspaceId);
    };

    // Reused across instants of the week.
    await assertReportsEqualOracle(db, workspaceId, name, addHours(week.start, 3), END, state);
    const built = await kept();
    await assertReportsEqualOracle(db, workspaceId, name, addHours(week.start, 40), END, state);
    await assertReportsEqualOracle(db, workspaceId, name, END, END, state);
    expect(await kept()).toBe(built);
    const decoded = held()!.snapshot;
    expect([decoded.counted.length, decoded.leads.length, decoded.deals.length].every((n) => n > 0)).toBe(true);
    // Shared by every report of the process: frozen under tests, so that a report writing to it fails here.
    const deal = decoded.deals[0]!.deal;
    expect(() => (deal.touches = -1)).toThrow(TypeError);
    expect(Object.isFrozen(deal.stages[0]) && Object.isFrozen(decoded.leads[0]) && Object.isFrozen(decoded.counted)).toBe(true);
    // The database sends the body only to a reader that does not hold it under the current fingerprint.
    const scope = { teamId: team.id, memberIds: team.input.reps.map((r) => r.id), weekEnd: week.start };
    const current = await readCurrentTeamSnapshot(db, workspaceId, scope, snapshotConfigFingerprint(team.input), true, held()!.fingerprint);
    expect(current).toMatchObject({ kept: true, body: null, fingerprint: held()!.fingerprint });
    expect((await readCurrentTeamSnapshot(db, workspaceId, scope, snapshotConfigFingerprint(team.input), true, 'another')).body).not.toBeNull();

    // Events of the open week, on old deals and leads too, leave it as it is.
    const day = addHours(week.start, 26).toISOString();
    const oldDeal = state.events.find((e) => e.repId === rep.id && e.type === 'opportunity_created' && e.at < week.start.getTime() - 14 * 86_400_000);
    await ingest([
      { id: 'snap-open-call', type: 'call', occurredAt: day, repEmail: rep.email },
      ...(oldDeal ? [{ id: 'snap-open-won', type: 'deal_won', occurredAt: day, repEmail: rep.email, dealId: oldDeal.dealId, amount: 4321 }] : []),
    ]);
    expect(oldDeal).toBeDefined();
    await assertReportsEqualOracle(db, workspaceId, name, END, END, state);
    await assertReportsEqualOracle(db, workspaceId, name, addHours(week.start, 20), END, state);
    expect(await kept()).toBe(built);
    expect(held()!.snapshot).toBe(decoded);

    // A late event (last week) rebuilds it.
    const late = addDays(week.start, -4).toISOString();
    await ingest([
      { id: 'snap-late-open', type: 'opportunity_created', occurredAt: late, repEmail: rep.email, dealId: 'snap-late-deal', amount: 1500 },
      { id: 'snap-late-won', type: 'deal_won', occurredAt: addHours(new Date(late), 2).toISOString(), repEmail: rep.email, dealId: 'snap-late-deal', amount: 1500 },
    ]);
    await assertReportsEqualOracle(db, workspaceId, name, END, END, state);
    const rebuilt = await kept();
    expect(rebuilt).toBeGreaterThan(built);
    expect(held()!.snapshot).not.toBe(decoded);

    // A config change (the stage timeout) rebuilds it.
    const document = seedConfigDocument(buildOrg(options));
    const teams = document.teams.map((t) => (t.name === name ? { ...t, thresholds: { stageTimeoutDays: 9 } } : t));
    const parsed = parseCoachingConfig({ ...document, teams });
    if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; '));
    await applyConfig(db, parsed.config);
    await forgetKeptLinks(db, workspaceId);
    state = await readOracleState(db, workspaceId);
    expect(state.teams.find((t) => t.id === team.id)!.input.settings.thresholds.stageTimeoutDays).toBe(9);
    await assertReportsEqualOracle(db, workspaceId, name, END, END, state);
    const configured = await kept();
    expect(configured).toBeGreaterThan(rebuilt);

    // A body of an earlier shape (rows of arrays), kept by an earlier Pacer under the fingerprint it
    // had then (without the format), is rebuilt, never decoded as today's.
    const [row] = await db.query<{ fingerprint: string }>('SELECT fingerprint FROM team_snapshot WHERE team_id = $1 AND week_start = $2', [team.id, week.start]);
    const earlier = row!.fingerprint.slice(row!.fingerprint.indexOf(':') + 1);
    expect(`${snapshotConfigFingerprint(team.input).split(':')[0]}:${earlier}`).toBe(row!.fingerprint);
    await db.query('UPDATE team_snapshot SET fingerprint = $3, body = $4::json WHERE team_id = $1 AND week_start = $2', [
      team.id,
      week.start,
      earlier,
      JSON.stringify({ counted: [['week:1:call:0', rep.id, 'call', week.start.getTime() - 86_400_000, null, 99]], leads: [], deals: [] }),
    ]);
    snapshotMemo(db).clear();
    await assertReportsEqualOracle(db, workspaceId, name, END, END, state);
    expect(await kept()).toBeGreaterThan(configured);
  });
});
