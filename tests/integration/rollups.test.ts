import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyConfig } from '../../src/config/apply.js';
import { parseCoachingConfig } from '../../src/config/coaching.js';
import type { Database, SqlRunner } from '../../src/db/client.js';
import { deleteEvents } from '../../src/db/events-repo.js';
import { enqueueRollups, foldRollups, rebuildWorkspaceRollups, type FoldBudget, type RolledEvent } from '../../src/db/rollups-write.js';
import { ingestEvents } from '../../src/ingest/ingest-events.js';
import { createTestDatabase, DATABASE_KINDS } from '../helpers/db.js';

// Every write leaves its rollup changes for folding (src/db/rollups-write.ts). Whatever the writes —
// new events, new versions moving an event to another week, rep, lead or deal, deletes, writers
// and background folders at the same time — once folded the rollups must equal a rebuild from the
// events alone.

const REPS = ['ana@example.com', 'bo@example.com', 'cy@example.com', 'stranger@example.com'];
const TYPES = ['call', 'email', 'meeting', 'lead_assigned', 'lead_qualified', 'opportunity_created', 'stage_changed', 'deal_won', 'deal_lost'];
const START = Date.parse('2026-03-02T00:00:00Z');
const SPAN = 10 * 7 * 86_400_000;

function config(slackTeamId: string, timezone: string, weekStartsOn: string, moreReps: { email: string; name: string }[] = [], west = [{ email: 'cy@example.com', name: 'Cy' }]) {
  const parsed = parseCoachingConfig({
    workspace: { id: slackTeamId, currency: 'USD' },
    defaults: { focus: ['cadence.call'] },
    teams: [
      {
        name: 'East',
        timezone,
        weekStartsOn,
        pipelineStages: ['discovery', 'demo'],
        members: [{ email: 'mgr@example.com', name: 'Mia', role: 'manager' }, { email: 'ana@example.com', name: 'Ana' }, { email: 'bo@example.com', name: 'Bo' }, ...moreReps],
      },
      { name: 'West', timezone: 'Asia/Kolkata', pipelineStages: ['discovery', 'demo'], members: west },
    ],
  });
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return parsed.config;
}

/** Every rollup row of the workspace, in one order, with numbers as numbers. */
async function snapshot(db: SqlRunner, workspaceId: number) {
  const weeks = await db.query(
    `SELECT i.kind || ':' || i.value AS who, w.week_start, w.type, w.n, w.amount::float8 AS amount, i.rollup_zone
     FROM rollup_week w JOIN identity i ON i.id = w.identity_id WHERE w.workspace_id = $1 ORDER BY 1, 2, 3`,
    [workspaceId],
  );
  const leads = await db.query(
    `SELECT i.value AS who, l.lead_id, l.last_at, (SELECT jsonb_agg(x ORDER BY x->>0) FROM jsonb_array_elements(l.events) x) AS events
     FROM rollup_lead l JOIN identity i ON i.id = l.identity_id WHERE l.workspace_id = $1 ORDER BY 1, 2`,
    [workspaceId],
  );
  const deals = await db.query(
    `SELECT i.value AS who, d.deal_id, d.last_at, d.touches, (SELECT jsonb_agg(x ORDER BY x->>0) FROM jsonb_array_elements(d.events) x) AS events
     FROM rollup_deal d JOIN identity i ON i.id = d.identity_id WHERE d.workspace_id = $1 ORDER BY 1, 2`,
    [workspaceId],
  );
  return { weeks, leads, deals };
}

async function expectRollupsEqualRebuild(db: Database, workspaceId: number, budget?: FoldBudget): Promise<void> {
  await foldRollups(db, workspaceId, 'wait', budget);
  expect(await db.query('SELECT id FROM rollup_outbox WHERE workspace_id = $1', [workspaceId])).toEqual([]);
  const kept = await snapshot(db, workspaceId);
  await db.transactionScript((tx) => rebuildWorkspaceRollups(tx, workspaceId));
  const rebuilt = await snapshot(db, workspaceId);
  expect(kept).toEqual(rebuilt);
}

const eventArb = fc.record({
  id: fc.integer({ min: 0, max: 40 }).map((n) => `e${n}`),
  type: fc.constantFrom(...TYPES),
  at: fc.integer({ min: 0, max: SPAN }),
  rep: fc.constantFrom(...REPS),
  lead: fc.option(fc.constantFrom('L1', 'L2', 'L3'), { nil: undefined }),
  deal: fc.option(fc.constantFrom('D1', 'D2', 'D3'), { nil: undefined }),
  amount: fc.option(
    fc.integer({ min: 0, max: 100_000 }).map((c) => c / 100),
    { nil: undefined },
  ),
  version: fc.integer({ min: 1, max: 5 }),
});
type Ev = typeof eventArb extends fc.Arbitrary<infer T> ? T : never;

function wire(e: Ev): Record<string, unknown> {
  const needsDeal = ['opportunity_created', 'stage_changed', 'deal_won', 'deal_lost'].includes(e.type);
  const needsLead = ['lead_assigned', 'lead_qualified'].includes(e.type);
  return {
    id: e.id,
    type: e.type,
    occurredAt: new Date(START + e.at).toISOString(),
    repEmail: e.rep,
    version: e.version,
    ...(needsLead || e.lead ? { leadId: e.lead ?? 'L1' } : {}),
    ...(needsDeal || e.deal ? { dealId: e.deal ?? 'D1' } : {}),
    ...(e.type === 'stage_changed' ? { stage: 'demo' } : {}),
    ...(e.type === 'lead_assigned' ? { leadSource: 'inbound' } : {}),
    ...(e.amount !== undefined && (e.type === 'opportunity_created' || e.type === 'deal_won') ? { amount: e.amount } : {}),
  };
}

describe.each(DATABASE_KINDS)('rollups on %s', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await db.close();
  });

  it('equal a rebuild after any writes: batches from concurrent writers, new versions, deletes', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(eventArb, { minLength: 1, maxLength: 25 }), { minLength: 1, maxLength: 4 }),
        fc.array(
          fc.integer({ min: 0, max: 40 }).map((n) => `e${n}`),
          { maxLength: 6 },
        ),
        // Folds in transactions and chunks of a few events or rows: a batch larger than either, claimed rows left for the next chunk or transaction.
        fc.record({ events: fc.integer({ min: 1, max: 60 }), chunkEvents: fc.integer({ min: 1, max: 30 }), claimRows: fc.integer({ min: 1, max: 4 }), weekRows: fc.integer({ min: 1, max: 40 }) }),
        async (batches, deletes, budget) => {
          run += 1;
          const { workspace } = await applyConfig(db, config(`TROLL${kind === 'postgres' ? 'P' : 'E'}${run}`, 'America/New_York', 'monday'));
          const receivedAt = new Date(START + SPAN);
          // Writers and a background folder at the same time: on PostgreSQL their transactions interleave.
          let writing = true;
          const folder = (async () => {
            while (writing) await foldRollups(db, null, 'skip', budget);
          })();
          await Promise.all(batches.map((batch) => ingestEvents(db, workspace.id, batch.map(wire), { receivedAt })));
          await deleteEvents(db, workspace.id, deletes);
          writing = false;
          await folder;
          await expectRollupsEqualRebuild(db, workspace.id, budget);
        },
      ),
      { numRuns: kind === 'postgres' ? 25 : 15, interruptAfterTimeLimit: 20_000 },
    );
  }, 60_000);

  it('follow a team’s change of zone and first day, a rep moving team, and an identity linked later', async () => {
    const { workspace } = await applyConfig(db, config(`TZONE${kind === 'postgres' ? 'P' : 'E'}`, 'America/New_York', 'monday'));
    const events = [
      // Sunday 23:30 in New York is Monday 04:30 UTC: the week it falls in depends on zone and first day.
      { id: 'z1', type: 'call', occurredAt: '2026-03-08T04:30:00Z', repEmail: 'ana@example.com' },
      { id: 'z2', type: 'call', occurredAt: '2026-03-09T12:00:00Z', repEmail: 'bo@example.com', dealId: 'D9' },
      { id: 'z3', type: 'opportunity_created', occurredAt: '2026-03-10T12:00:00Z', repEmail: 'bo@example.com', dealId: 'D9', amount: 1200.5 },
      { id: 'z4', type: 'email', occurredAt: '2026-03-11T12:00:00Z', repEmail: 'late@example.com' },
      { id: 'z5', type: 'call', occurredAt: '2026-03-08T04:30:00Z', repEmail: 'cy@example.com' },
    ];
    expect((await ingestEvents(db, workspace.id, events, { receivedAt: new Date('2026-03-12T00:00:00Z') })).accepted).toBe(5);
    const weekOf = async (email: string) => {
      await foldRollups(db, workspace.id, 'wait');
      const rows = await db.query<{ week_start: Date }>(`SELECT w.week_start FROM rollup_week w JOIN identity i ON i.id = w.identity_id WHERE i.value = $1 AND w.workspace_id = $2 ORDER BY 1`, [
        email,
        workspace.id,
      ]);
      return rows.map((r) => new Date(r.week_start).toISOString());
    };
    expect(await weekOf('ana@example.com')).toEqual(['2026-03-02T05:00:00.000Z']);
    expect(await weekOf('late@example.com')).toEqual([]);
    // Kolkata (+05:30) weeks start on Monday 00:00 local, Sunday 18:30 UTC.
    expect(await weekOf('cy@example.com')).toEqual(['2026-03-01T18:30:00.000Z']);

    const slackTeamId = `TZONE${kind === 'postgres' ? 'P' : 'E'}`;
    const moreReps = [
      { email: 'late@example.com', name: 'Lee' },
      { email: 'cy@example.com', name: 'Cy' },
    ];
    await applyConfig(db, config(slackTeamId, 'Europe/London', 'sunday', moreReps, [{ email: 'dee@example.com', name: 'Dee' }]));
    // Sunday 04:30 UTC is Sunday in London: the week starting that Sunday at 00:00 GMT.
    expect(await weekOf('ana@example.com')).toEqual(['2026-03-08T00:00:00.000Z']);
    expect(await weekOf('late@example.com')).toEqual(['2026-03-08T00:00:00.000Z']);
    expect(await weekOf('cy@example.com')).toEqual(['2026-03-08T00:00:00.000Z']);
    await expectRollupsEqualRebuild(db, workspace.id);
  });

  it('come out right when an event’s removal is folded before its addition (writers committing out of id order)', async () => {
    const { workspace } = await applyConfig(db, config(`TORDER${kind === 'postgres' ? 'P' : 'E'}`, 'America/New_York', 'monday'));
    await ingestEvents(db, workspace.id, [{ id: 'o0', type: 'call', occurredAt: '2026-03-02T12:00:00Z', repEmail: 'ana@example.com' }], { receivedAt: new Date('2026-03-20T00:00:00Z') });
    await foldRollups(db, workspace.id, 'wait');
    const [ana] = await db.query<{ id: number }>(`SELECT id FROM identity WHERE workspace_id = $1 AND value = 'ana@example.com'`, [workspace.id]);
    const won = (amount: number) => ({ identityId: ana!.id, type: 'deal_won', at: Date.parse('2026-03-11T12:00:00Z'), amount, leadId: null, dealId: null });
    const fold = async (added: RolledEvent[], removed: RolledEvent[]) => {
      await db.transactionScript((tx) => enqueueRollups(tx, workspace.id, added, removed));
      await foldRollups(db, workspace.id, 'wait');
      return db.query<{ n: number; amount: number }>(`SELECT n, amount::float8 AS amount FROM rollup_week WHERE identity_id = $1 AND type = 'deal_won'`, [ana!.id]);
    };
    // A won deal of 300 replaced before its first version was folded: the removal comes first.
    expect(await fold([], [won(300)])).toEqual([{ n: -1, amount: -300 }]);
    // Another deal of 500 lands meanwhile: no deal counted yet, but the amount is owed.
    expect(await fold([won(500)], [])).toEqual([{ n: 0, amount: 200 }]);
    expect(await fold([won(300)], [])).toEqual([{ n: 1, amount: 500 }]);
    // The 500 one removed first, then added: the row comes back to zero and goes.
    expect(await fold([], [won(500), won(300)])).toEqual([{ n: -1, amount: -300 }]);
    expect(await fold([won(300)], [])).toEqual([]);
  });
});
