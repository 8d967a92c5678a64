import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { ingestEvents } from '../../src/ingest/ingest-events.js';
import { teamReport } from '../../src/reports/build-report.js';
import { TeamReportCache } from '../../src/reports/report-cache.js';
import { snapshotMemo } from '../../src/reports/snapshot-memo.js';
import type { RepReport } from '../../src/reports/types.js';
import { seedDatabase } from '../../src/seed/run.js';
import { createTestDatabase } from '../helpers/db.js';
import { loadScenario, SCENARIO_AS_OF } from '../helpers/scenario.js';

describe('team report cache (PostgreSQL)', () => {
  let db: Database;
  let ws: number;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    ws = await loadScenario(db, 'T0CACHE');
  });
  afterAll(() => db.close());

  it('serves one computation to everyone until the data changes, the entry ages out or the week turns', async () => {
    const cache = new TeamReportCache(db, { maxAgeMs: 60_000, maxEntries: 10, concurrentComputations: 2 });
    const first = await cache.teamReport(ws, 'Central', SCENARIO_AS_OF);
    expect(first).toEqual(await teamReport(db, ws, 'Central', SCENARIO_AS_OF));
    const [a, b] = await Promise.all([cache.teamReport(ws, 'Central', new Date(SCENARIO_AS_OF.getTime() + 1000)), cache.teamReport(ws, 'Central', new Date(SCENARIO_AS_OF.getTime() + 2000))]);
    expect(a).toBe(first);
    expect(b).toBe(first);
    expect((await cache.repReport(ws, 'ANNA@example.com', SCENARIO_AS_OF)).rep.email).toBe('anna@example.com');

    // An event arrives: the next request computes afresh and sees it.
    const before = first.members.find((m) => m.rep.email === 'ben@example.com')!.weekToDate['cadence.call']!.value;
    await ingestEvents(db, ws, [{ id: 'ben-wtd-2', type: 'call', occurredAt: '2026-11-23T14:40:00Z', repEmail: 'ben@example.com' }], { receivedAt: SCENARIO_AS_OF });
    const after = await cache.teamReport(ws, 'Central', new Date(SCENARIO_AS_OF.getTime() + 3000));
    expect(after).not.toBe(first);
    expect(after.members.find((m) => m.rep.email === 'ben@example.com')!.weekToDate['cadence.call']!.value).toBe((before ?? 0) + 1);

    // Older than maxAge: recomputed.
    const aged = await cache.teamReport(ws, 'Central', new Date(SCENARIO_AS_OF.getTime() + 120_000));
    expect(aged).not.toBe(after);
    expect(aged.asOf).not.toBe(after.asOf);

    // A new week: never last week's report, however fresh.
    const weekly = new TeamReportCache(db, { maxAgeMs: 7 * 86_400_000, maxEntries: 10, concurrentComputations: 2 });
    const sunday = await weekly.teamReport(ws, 'Central', new Date('2026-11-23T05:59:00Z'));
    const monday = await weekly.teamReport(ws, 'Central', new Date('2026-11-23T06:01:00Z'));
    expect(monday).not.toBe(sunday);
    expect(monday.windows.cadence.end).not.toBe(sunday.windows.cadence.end);
  });

  it('answers a burst of first asks in turn with their own reports, then keeps each team report for the asks to come', async () => {
    const end = new Date('2026-11-23T12:00:00Z');
    const { workspaceId } = await seedDatabase(db, { reps: 36, weeks: 6, seed: 5, end, workspace: 'T0CACHEBURST', verify: false });
    const teams = (await db.prisma.team.findMany({ where: { workspaceId }, orderBy: { name: 'asc' }, select: { name: true } })).map((t) => t.name);
    expect(teams.length).toBeGreaterThanOrEqual(3);
    const expected = await Promise.all(teams.map((t) => teamReport(db, workspaceId, t, end, end, { links: false })));
    const repOf = (team: string, i = 0) => expected.find((r) => r.team === team)!.members[i]!.rep.email;
    const tick = () => new Promise((r) => setImmediate(r));

    const burst = async (cache: TeamReportCache) => {
      const answered: string[] = [];
      let mostAtOnce = 0;
      let settled = false;
      const queued = () => cache.computations.computing + cache.computations.waiting;
      const pending: Promise<RepReport>[] = [];
      // Each ask reaches the cache once the one before it is queued: the order they are asked in.
      for (const t of teams) {
        pending.push(
          cache.repReport(workspaceId, repOf(t), end).then((r) => {
            answered.push(r.rep.team);
            return r;
          }),
        );
        while (queued() + answered.length < pending.length) await tick();
        mostAtOnce = Math.max(mostAtOnce, cache.computations.computing);
      }
      const asks = Promise.all(pending).finally(() => (settled = true));
      while (!settled) {
        mostAtOnce = Math.max(mostAtOnce, cache.computations.computing);
        await tick();
      }
      return { reports: await asks, answered, mostAtOnce };
    };
    const drained = async (cache: TeamReportCache) => {
      while (Object.values(cache.computations).some((n) => n > 0)) await tick();
    };

    const cache = new TeamReportCache(db, { maxAgeMs: 60_000, maxEntries: 10, concurrentComputations: 1 });
    const inTurn = await burst(cache);
    expect(inTurn.mostAtOnce).toBe(1);
    expect(inTurn.answered).toEqual(teams);
    expect(inTurn.reports).toEqual(expected.map((r) => r.members[0]));
    // Its computations keep each team's decoded snapshot in the process's memo.
    expect(snapshotMemo(db).size).toBeGreaterThanOrEqual(teams.length);
    // Once nobody waits, the team reports are computed and serve every member.
    await drained(cache);
    for (const t of teams) {
      const again = await cache.repReport(workspaceId, repOf(t, 1), end);
      expect(again).toEqual(expected.find((r) => r.team === t)!.members[1]);
      expect(await cache.repReport(workspaceId, repOf(t, 1), end)).toBe(again);
    }

    // A teammate asking while the team's report is deferred is served from it, not from a report of their own.
    const later = new Date(end.getTime() + 1000);
    const fresh = new TeamReportCache(db, { maxAgeMs: 60_000, maxEntries: 10, concurrentComputations: 1 });
    const first = fresh.repReport(workspaceId, repOf(teams[0]!), later);
    const other = fresh.repReport(workspaceId, repOf(teams[1]!), later);
    while (fresh.computations.deferred < 2) await tick();
    const teammate = await fresh.repReport(workspaceId, repOf(teams[0]!, 1), later);
    await Promise.all([first, other]);
    const team = await fresh.teamReport(workspaceId, teams[0]!, later);
    expect(teammate).toBe(team.members.find((m) => m.rep.email === repOf(teams[0]!, 1)));
    await drained(fresh);

    // The same burst with room for every ask computes them side by side.
    expect((await burst(new TeamReportCache(db, { maxAgeMs: 60_000, maxEntries: 10, concurrentComputations: teams.length }))).mostAtOnce).toBeGreaterThan(1);
  });
});
