/**
 * Proof of equivalence on the demo org (issue 14): every team's report of a seeded org (src/seed,
 * 20 reps over 12 weeks, ingested by two concurrent writers) equals the raw oracle's as of
 * several instants — the seed's end, mid-week two weeks before, the start of last week in the
 * team's zone and a day of the week New York left daylight saving time.
 */
import { addDays } from 'date-fns';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { weekContaining } from '../../src/metrics/windows.js';
import { seedDatabase } from '../../src/seed/run.js';
import { createTestDatabase } from '../helpers/db.js';
import { assertReportsEqualOracle, readOracleState } from '../helpers/report-oracle.js';

// A Wednesday 17:00 UTC; the 12 weeks before it span London's (Oct 25) and New York's (Nov 1) DST ends.
const END = new Date('2026-11-25T17:00:00Z');
const DST_WEEK = new Date('2026-11-03T15:30:00Z');

let db: Database | undefined;
afterAll(async () => {
  await db?.close();
});

describe('the seeded org', () => {
  it('has every team report equal to the raw oracle as of several instants', async () => {
    db = await createTestDatabase('postgres');
    const seeded = await seedDatabase(db, { reps: 20, weeks: 12, seed: 5, end: END, workspace: 'T0ORACLESEED', verify: false, concurrency: 2 });
    const state = await readOracleState(db, seeded.workspaceId);
    expect(state.teams.length).toBe(seeded.teams);
    expect(state.events.length).toBe(seeded.events);
    let compared = 0;
    for (const { input } of state.teams) {
      const week = { timezone: input.timezone, weekStartsOn: input.weekStartsOn };
      for (const asOf of [END, addDays(END, -14), weekContaining(addDays(END, -7), week).start, DST_WEEK]) {
        await assertReportsEqualOracle(db, seeded.workspaceId, input.name, asOf, END, state);
        compared += 1;
      }
    }
    expect(compared).toBe(4 * seeded.teams);
  });
});
