import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { ingestEvents } from '../../src/ingest/ingest-events.js';
import { teamReport } from '../../src/reports/build-report.js';
import { TeamReportCache } from '../../src/reports/report-cache.js';
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
    const cache = new TeamReportCache(db, { maxAgeMs: 60_000, maxEntries: 10 });
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
    const weekly = new TeamReportCache(db, { maxAgeMs: 7 * 86_400_000, maxEntries: 10 });
    const sunday = await weekly.teamReport(ws, 'Central', new Date('2026-11-23T05:59:00Z'));
    const monday = await weekly.teamReport(ws, 'Central', new Date('2026-11-23T06:01:00Z'));
    expect(monday).not.toBe(sunday);
    expect(monday.windows.cadence.end).not.toBe(sunday.windows.cadence.end);
  });
});
