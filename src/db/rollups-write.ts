import { weekBoundaries, weekStartOf } from '../metrics/week-index.js';
import type { Database, SqlRunner } from './client.js';

/**
 * Keeps the rollups (rollup_week, rollup_lead, rollup_deal; prisma/schema.prisma) equal to what
 * the events table holds. Every event write leaves its changes in rollup_outbox in its own
 * transaction (cheap: one row); folders apply them in batches, so a lead or deal named by many
 * writes is recomputed once per fold, not once per write (docs/rollups.md has the measurements).
 * A report folds whatever is pending for its workspace before it reads, so it never reads rollups
 * behind the events; the rollup-fold job keeps that pending work small.
 *
 * Concurrency: writers and folders hold the workspace's rollup lock in shared mode, rebuilds
 * exclusively. An outbox row is claimed (FOR UPDATE) and deleted in the transaction that applies
 * it: applied exactly once. Week counts change by deltas (commutative), upserted in key order; a
 * lead's or deal's row is recomputed from its events under a lock on its bucket (lockRecords), taken in
 * bucket order, by a statement that starts after the lock is held, so it sees every write committed
 * before it (READ COMMITTED takes a snapshot per statement). Last, in the same transaction, each
 * identity whose rows changed has its rollup_revision count incremented (reviseRollups), upserted
 * in key order: kept links check those counts instead of the rows (src/reports/links.ts).
 */

/** What a rollup needs of one event written or removed. */
export interface RolledEvent {
  identityId: number;
  type: string;
  /** Epoch milliseconds. */
  at: number;
  amount: number | null;
  leadId: string | null;
  dealId: string | null;
}

/** Advisory lock class of the workspace-wide rollup lock (the key is the workspace id). */
const ROLLUP_LOCK_CLASS = 1_330_925_900;
/** Advisory lock class of the lead and deal buckets (the key is workspace id × buckets + bucket). */
const RECORD_LOCK_CLASS = 1_330_925_901;

/** Event types that make a deal's history (the rest of its events are touches, summed). */
export const DEAL_STAGE_TYPES = ['opportunity_created', 'stage_changed', 'deal_won', 'deal_lost'] as const;

const STAGE_TYPES_SQL = `ARRAY[${DEAL_STAGE_TYPES.map((t) => `'${t}'`).join(',')}]`;
const MS = (column: string) => `(extract(epoch FROM ${column}) * 1000)::bigint`;

/** An outbox entry's events, compact: [identity id, type, epoch ms, amount, lead id, deal id]. */
type OutboxEvent = [number, string, number, number | null, string | null, string | null];

const toOutbox = (e: RolledEvent): OutboxEvent => [e.identityId, e.type, e.at, e.amount, e.leadId, e.dealId];
const fromOutbox = ([identityId, type, at, amount, leadId, dealId]: OutboxEvent): RolledEvent => ({ identityId, type, at, amount, leadId, dealId });

/** Leaves the rollup changes of a write (events added and removed; a replaced one is both) for folding, in the writer's transaction. */
export async function enqueueRollups(tx: SqlRunner, workspaceId: number, added: readonly RolledEvent[], removed: readonly RolledEvent[]): Promise<void> {
  if (added.length === 0 && removed.length === 0) return;
  await tx.query(
    `WITH locked AS (SELECT 1 FROM pg_advisory_xact_lock_shared($1, $2))
     INSERT INTO rollup_outbox (workspace_id, added, removed) SELECT $2, $3::jsonb, $4::jsonb FROM locked`,
    [ROLLUP_LOCK_CLASS, workspaceId, JSON.stringify(added.map(toOutbox)), JSON.stringify(removed.map(toOutbox))],
  );
}

/** How much one fold transaction takes on. */
export interface FoldBudget {
  /** Events per transaction (at least one outbox row is taken, whatever its size). */
  events: number;
  /** Events held in memory at once: a transaction applies its week counts chunk by chunk. */
  chunkEvents: number;
  /** Outbox rows claimed at most per chunk, to take the events' prefix from (rows of small writes). */
  claimRows: number;
  /** Week rows a transaction changes at most: it takes no further chunk past this (they are upserted in one statement). */
  weekRows: number;
}

/**
 * A fold transaction recomputes every lead and deal its events name from all of their events,
 * once, after its week counts: a backlog folded in fewer, larger transactions re-reads far less
 * (1M events of the ingest bench: 134 s at 20,000 events per transaction, 67 s at 100,000, ~30 s
 * at 250,000; docs/rollups.md). Chunks of 100,000 events keep node's share near 35 MB, and
 * 50,000 week rows (a 1,000-rep org's month) its week changes near 10 MB.
 */
export const DEFAULT_FOLD_BUDGET: FoldBudget = { events: 1_000_000, chunkEvents: 100_000, claimRows: 500, weekRows: 50_000 };

/** Leads or deals recomputed per statement (bounds each statement's memory and time). */
const RECORD_CHUNK = 2_000;

/**
 * Folds the pending rollup changes of a workspace (or of every workspace) into the rollups, one
 * transaction per chunk, until none is left. 'wait' also waits for rows another folder holds, so
 * on return everything committed before the call is folded (what a report needs); 'skip' leaves
 * them to that folder, and a workspace being rebuilt to its rebuild (the background job).
 * Returns how many events it folded.
 */
export async function foldRollups(db: Database, workspaceId: number | null, mode: 'wait' | 'skip', budget: FoldBudget = DEFAULT_FOLD_BUDGET): Promise<number> {
  const workspaces = workspaceId !== null ? [workspaceId] : (await db.query<{ workspace_id: number }>('SELECT DISTINCT workspace_id FROM rollup_outbox ORDER BY 1')).map((r) => r.workspace_id);
  let folded = 0;
  for (const id of workspaces) folded += await foldWorkspace(db, id, mode, budget);
  return folded;
}

async function foldWorkspace(db: Database, workspaceId: number, mode: 'wait' | 'skip', budget: FoldBudget): Promise<number> {
  // 'wait' owes the caller what was committed before the call, not what arrives while it folds.
  const [last] = await db.query<{ id: string | null }>('SELECT max(id)::text AS id FROM rollup_outbox WHERE workspace_id = $1', [workspaceId]);
  if (!last?.id) return 0;
  let folded = 0;
  for (;;) {
    const n = await db.transactionScript(async (tx) => {
      // The lock before the rows: a rebuild (exclusive) deletes rows, so it must never wait on a folder's claim while that folder waits on it.
      if (mode === 'wait') await tx.query('SELECT 1 AS locked FROM pg_advisory_xact_lock_shared($1, $2)', [ROLLUP_LOCK_CLASS, workspaceId]);
      else {
        const [got] = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock_shared($1, $2) AS locked', [ROLLUP_LOCK_CLASS, workspaceId]);
        if (!got?.locked) return null;
      }
      const changes = new FoldChanges();
      let events = 0;
      while (events < budget.events && changes.weekRows < budget.weekRows) {
        // Claimed rows past the chunk stay pending, locked only until this transaction ends (or taken by its next chunk).
        const claimed = await tx.query<{ id: string; events: number }>(
          `SELECT id::text AS id, jsonb_array_length(added) + jsonb_array_length(removed) AS events
           FROM rollup_outbox WHERE workspace_id = $1 AND id <= $2 ORDER BY id LIMIT $3 FOR UPDATE ${mode === 'skip' ? 'SKIP LOCKED' : ''}`,
          [workspaceId, last.id, budget.claimRows],
        );
        // A row larger than what is left of the transaction's budget waits for the next one.
        const ids = withinBudget(claimed, Math.min(budget.chunkEvents, budget.events - events), events === 0);
        if (ids.length === 0) break;
        const rows = await tx.query<{ added: OutboxEvent[]; removed: OutboxEvent[] }>('DELETE FROM rollup_outbox WHERE id = ANY($1::bigint[]) RETURNING added, removed', [ids]);
        if (rows.length === 0) break;
        const added = rows.flatMap((r) => r.added.map(fromOutbox));
        const removed = rows.flatMap((r) => r.removed.map(fromOutbox));
        await changes.add(tx, added, removed);
        events += added.length + removed.length;
      }
      if (events === 0) {
        // Waiting on another folder's rows can return none though more are pending (they were
        // deleted while this waited): only an empty outbox up to `last` ends a wait.
        if (mode === 'skip') return null;
        const [more] = await tx.query<{ pending: boolean }>('SELECT EXISTS (SELECT 1 FROM rollup_outbox WHERE workspace_id = $1 AND id <= $2) AS pending', [workspaceId, last.id]);
        return more?.pending ? 0 : null;
      }
      await changes.settle(tx, workspaceId);
      return events;
    });
    if (n === null) return folded;
    folded += n;
  }
}

/** The ids of the claimed rows' prefix that holds at most `budget` events (with `atLeastOne`, at least the first row, whatever its size). */
export function withinBudget(claimed: readonly { id: string; events: number }[], budget: number, atLeastOne = true): string[] {
  const ids: string[] = [];
  let events = 0;
  for (const row of claimed) {
    if ((ids.length > 0 || !atLeastOne) && events + row.events > budget) break;
    ids.push(row.id);
    events += row.events;
  }
  return ids;
}

/**
 * What a fold transaction's events changed beyond week counts: each lead's and deal's earliest
 * changed event (its rows are recomputed once, whatever the number of chunks that named it) and
 * each identity's earliest change (its revision).
 */
class FoldChanges {
  private readonly weeks = new Map<string, WeekDelta>();
  private readonly leads = new Map<string, number>();
  private readonly deals = new Map<string, number>();
  private readonly identities = new Map<number, number>();

  /** Distinct week rows changed so far. */
  get weekRows(): number {
    return this.weeks.size;
  }

  async add(tx: SqlRunner, added: readonly RolledEvent[], removed: readonly RolledEvent[]): Promise<void> {
    await addWeekDeltas(tx, this.weeks, added, removed);
    for (const events of [added, removed]) {
      for (const e of events) {
        earliest(this.identities, e.identityId, e.at);
        if (e.leadId !== null) earliest(this.leads, e.leadId, e.at);
        if (e.dealId !== null) earliest(this.deals, e.dealId, e.at);
      }
    }
  }

  /**
   * Applies the week counts (one upsert in key order, as every folder and writer takes them: no
   * deadlock between folders), recomputes the named leads and deals and counts the revisions, in
   * the caller's transaction (which holds the workspace's rollup lock).
   */
  async settle(tx: SqlRunner, workspaceId: number): Promise<void> {
    await upsertWeekDeltas(tx, workspaceId, this.weeks);
    await lockRecords(tx, workspaceId, new Set(this.leads.keys()), new Set(this.deals.keys()));
    const leadRows = await inChunks([...this.leads.keys()], (ids) => recomputeLeads(tx, workspaceId, ids));
    const dealRows = await inChunks([...this.deals.keys()], (ids) => recomputeDeals(tx, workspaceId, ids));
    await reviseRollups(tx, workspaceId, [
      ...[...this.identities].map(([identityId, at]) => ({ identityId, at })),
      ...leadRows.map((r) => ({ identityId: r.identityId, at: this.leads.get(r.id)! })),
      ...dealRows.map((r) => ({ identityId: r.identityId, at: this.deals.get(r.id)! })),
    ]);
  }
}

/** Recomputes leads or deals RECORD_CHUNK per statement, one statement after the other. */
async function inChunks(ids: readonly string[], recompute: (chunk: readonly string[]) => Promise<RecordRow[]>): Promise<RecordRow[]> {
  const rows: RecordRow[] = [];
  for (let i = 0; i < ids.length; i += RECORD_CHUNK) rows.push(...(await recompute(ids.slice(i, i + RECORD_CHUNK))));
  return rows;
}

function earliest<K>(map: Map<K, number>, key: K, at: number): void {
  const seen = map.get(key);
  if (seen === undefined || at < seen) map.set(key, at);
}

/** Applies rollup changes in the caller's transaction, which holds the workspace's rollup lock. */
async function applyRollups(tx: SqlRunner, workspaceId: number, added: readonly RolledEvent[], removed: readonly RolledEvent[]): Promise<void> {
  const changes = new FoldChanges();
  await changes.add(tx, added, removed);
  await changes.settle(tx, workspaceId);
}

/** A change to what reports read for an identity, from `at` (epoch ms; -Infinity: every week) on. */
interface Revision {
  identityId: number;
  at: number;
}

/**
 * Counts changes in rollup_revision: one per identity, in the week (of its rollup zone) of the
 * earliest instant it changed from, so every week end after that instant sees it; kept links
 * compare the sum before their week's end (src/reports/links.ts). An identity without a zone is
 * no active team's rep: a team's links also check its reps' identities and zones, and linking one
 * rebuilds it. Upserted in key order, after the week rows and record locks, as every folder does.
 */
async function reviseRollups(tx: SqlRunner, workspaceId: number, revisions: readonly Revision[]): Promise<void> {
  const earliest = new Map<number, number>();
  for (const r of revisions) earliest.set(r.identityId, Math.min(earliest.get(r.identityId) ?? Infinity, r.at));
  if (earliest.size === 0) return;
  const zones = await tx.query<{ id: number; rollup_zone: string | null }>('SELECT id, rollup_zone FROM identity WHERE id = ANY($1::int[])', [[...earliest.keys()]]);
  const rows = zones.flatMap(({ id, rollup_zone: zone }) => {
    const at = earliest.get(id)!;
    if (zone === null) return [];
    return [{ identity_id: id, week_start: at === -Infinity ? '-infinity' : new Date(weekStartOf(at, zone)).toISOString() }];
  });
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO rollup_revision AS r (identity_id, week_start, workspace_id, revision)
     SELECT x.identity_id, x.week_start, $1, 1 FROM jsonb_to_recordset($2::jsonb) AS x(identity_id int, week_start timestamptz)
     ORDER BY x.identity_id, x.week_start
     ON CONFLICT (identity_id, week_start) DO UPDATE SET revision = r.revision + 1`,
    [workspaceId, JSON.stringify(rows)],
  );
}

/** A change to one identity's count and sum of one event type in one week. */
interface WeekDelta {
  identity_id: number;
  week_start: string;
  type: string;
  n: number;
  amount: number;
}

/** Adds the events' week count changes to `deltas` (by identity, week of its rollup zone and type). */
async function addWeekDeltas(tx: SqlRunner, deltas: Map<string, WeekDelta>, added: readonly RolledEvent[], removed: readonly RolledEvent[]): Promise<void> {
  const identityIds = [...new Set([...added, ...removed].map((e) => e.identityId))];
  const zones = new Map(
    (await tx.query<{ id: number; rollup_zone: string | null }>('SELECT id, rollup_zone FROM identity WHERE id = ANY($1::int[])', [identityIds])).map((r) => [r.id, r.rollup_zone]),
  );
  const add = (e: RolledEvent, sign: 1 | -1) => {
    const zone = zones.get(e.identityId);
    // No zone: nobody's rep (yet); linking it later rebuilds its weeks (rebuildIdentityRollups).
    if (!zone) return;
    const weekStart = new Date(weekStartOf(e.at, zone)).toISOString();
    const key = `${e.identityId}\u0000${weekStart}\u0000${e.type}`;
    const d = deltas.get(key) ?? { identity_id: e.identityId, week_start: weekStart, type: e.type, n: 0, amount: 0 };
    d.n += sign;
    d.amount += sign * (e.amount ?? 0);
    deltas.set(key, d);
  };
  for (const e of added) add(e, 1);
  for (const e of removed) add(e, -1);
}

/** Upserts week count changes, in one statement and one key order. */
async function upsertWeekDeltas(tx: SqlRunner, workspaceId: number, deltas: ReadonlyMap<string, WeekDelta>): Promise<void> {
  const rows = [...deltas.values()].filter((d) => d.n !== 0 || d.amount !== 0);
  if (rows.length === 0) return;
  // Rows a change leaves at zero (no events, no amount) go, whatever its sign: folders may apply a
  // replaced event's removal before its addition (their writers committed out of id order), so
  // an addition can be what brings a row back to zero. A row at zero count but not zero amount is
  // waiting for such an addition and stays.
  const emptied = await tx.query<{ identity_id: number; week_start: Date; type: string }>(
    `WITH up AS (
       INSERT INTO rollup_week AS w (identity_id, week_start, type, workspace_id, n, amount)
       SELECT r.identity_id, r.week_start, r.type, $1, r.n, r.amount
       FROM jsonb_to_recordset($2::jsonb) AS r(identity_id int, week_start timestamptz, type text, n int, amount numeric)
       -- One order for every writer: concurrent batches meeting the same weeks cannot deadlock.
       ORDER BY r.identity_id, r.week_start, r.type COLLATE "C"
       ON CONFLICT (identity_id, week_start, type) DO UPDATE SET n = w.n + excluded.n, amount = w.amount + excluded.amount
       RETURNING w.identity_id, w.week_start, w.type, w.n, w.amount
     )
     SELECT identity_id, week_start, type FROM up WHERE n = 0 AND amount = 0`,
    [workspaceId, JSON.stringify(rows)],
  );
  if (emptied.length > 0) {
    await tx.query(
      `DELETE FROM rollup_week w USING jsonb_to_recordset($1::jsonb) AS r(identity_id int, week_start timestamptz, type text)
       WHERE w.identity_id = r.identity_id AND w.week_start = r.week_start AND w.type = r.type AND w.n = 0 AND w.amount = 0`,
      [JSON.stringify(emptied)],
    );
  }
}

/**
 * Lock buckets per workspace for recomputing leads and deals: a fold naming tens of thousands of
 * records takes at most this many advisory locks (PostgreSQL's lock table holds about 64 per
 * connection), and two folds wait on each other only where their records share a bucket.
 */
const RECORD_LOCK_BUCKETS = 256;

/** Locks the buckets of these leads and deals for recomputing, in one order for every folder. */
async function lockRecords(tx: SqlRunner, workspaceId: number, leads: ReadonlySet<string>, deals: ReadonlySet<string>): Promise<void> {
  const keys = [...[...leads].map((l) => `lead:${l}`), ...[...deals].map((d) => `deal:${d}`)];
  if (keys.length === 0) return;
  await tx.query(
    `SELECT count(pg_advisory_xact_lock($1, b))::int AS locked
     FROM (SELECT DISTINCT $2::int * ${RECORD_LOCK_BUCKETS} + abs(hashtext(k) % ${RECORD_LOCK_BUCKETS}) AS b FROM unnest($3::text[]) AS k ORDER BY 1) s`,
    [RECORD_LOCK_CLASS, workspaceId, keys],
  );
}

/** A lead's or deal's row of one identity, as it was before a recompute or is after. */
interface RecordRow {
  identityId: number;
  id: string;
}

/**
 * Rewrites the rows of these leads from their events: one row per identity the lead was assigned
 * to. Returns the rows it deleted and wrote: the identities whose reads of these leads changed.
 */
async function recomputeLeads(tx: SqlRunner, workspaceId: number, leadIds: readonly string[]): Promise<RecordRow[]> {
  if (leadIds.length === 0) return [];
  const before = await tx.query<{ identity_id: number; lead_id: string }>('DELETE FROM rollup_lead WHERE workspace_id = $1 AND lead_id = ANY($2::text[]) RETURNING identity_id, lead_id', [
    workspaceId,
    leadIds,
  ]);
  const after = await tx.query<{ identity_id: number; lead_id: string }>(
    `WITH agg AS (
       SELECT e.lead_id, max(e.occurred_at) AS last_at,
         array_agg(DISTINCT e.identity_id) FILTER (WHERE e.type = 'lead_assigned') AS assignees,
         jsonb_agg(jsonb_build_array(e.external_id, e.type, ${MS('e.occurred_at')}, e.identity_id, e.lead_source)) AS events
       FROM unnest($2::text[]) AS k(lead_id)
       JOIN activity_event e ON e.workspace_id = $1 AND e.lead_id = k.lead_id
       GROUP BY e.lead_id
     )
     INSERT INTO rollup_lead (identity_id, lead_id, workspace_id, last_at, events)
     SELECT a.identity_id, agg.lead_id, $1, agg.last_at, agg.events
     FROM agg CROSS JOIN LATERAL unnest(agg.assignees) AS a(identity_id)
     RETURNING identity_id, lead_id`,
    [workspaceId, leadIds],
  );
  return [...before, ...after].map((r) => ({ identityId: r.identity_id, id: r.lead_id }));
}

/**
 * Rewrites the rows of these deals from their events: one row per identity named on an
 * opportunity, stage or close event (a deal without one has no owner and counts nowhere).
 * Returns the rows it deleted and wrote, as recomputeLeads does.
 */
async function recomputeDeals(tx: SqlRunner, workspaceId: number, dealIds: readonly string[]): Promise<RecordRow[]> {
  if (dealIds.length === 0) return [];
  const before = await tx.query<{ identity_id: number; deal_id: string }>('DELETE FROM rollup_deal WHERE workspace_id = $1 AND deal_id = ANY($2::text[]) RETURNING identity_id, deal_id', [
    workspaceId,
    dealIds,
  ]);
  const after = await tx.query<{ identity_id: number; deal_id: string }>(
    `WITH ev AS (
       SELECT e.deal_id, e.external_id, e.type, e.occurred_at, e.identity_id, e.amount, e.stage
       FROM unnest($2::text[]) AS k(deal_id)
       JOIN activity_event e ON e.workspace_id = $1 AND e.deal_id = k.deal_id
     ),
     history AS (
       SELECT deal_id, array_agg(DISTINCT identity_id) AS parties,
         jsonb_agg(jsonb_build_array(external_id, type, ${MS('occurred_at')}, identity_id, amount::float8, stage)) AS events
       FROM ev WHERE type = ANY(${STAGE_TYPES_SQL}) GROUP BY deal_id
     ),
     touches AS (
       SELECT deal_id, jsonb_object_agg(type, jsonb_build_array(n, last_at)) AS touches
       FROM (SELECT deal_id, type, count(*)::int AS n, ${MS('max(occurred_at)')} AS last_at
             FROM ev WHERE NOT (type = ANY(${STAGE_TYPES_SQL})) GROUP BY deal_id, type) t
       GROUP BY deal_id
     ),
     latest AS (SELECT deal_id, max(occurred_at) AS last_at FROM ev GROUP BY deal_id)
     INSERT INTO rollup_deal (identity_id, deal_id, workspace_id, last_at, events, touches)
     SELECT p.identity_id, h.deal_id, $1, l.last_at, h.events, coalesce(t.touches, '{}'::jsonb)
     FROM history h JOIN latest l USING (deal_id) LEFT JOIN touches t USING (deal_id)
     CROSS JOIN LATERAL unnest(h.parties) AS p(identity_id)
     RETURNING identity_id, deal_id`,
    [workspaceId, dealIds],
  );
  return [...before, ...after].map((r) => ({ identityId: r.identity_id, id: r.deal_id }));
}

/**
 * Points each identity at its rollup zone and rebuilds its week counts from its events, with the
 * leads and deals its events name; identities whose zone becomes null lose their weeks. Run in a
 * transaction: it takes the workspace's rollup lock exclusively, so no batch writes meanwhile and
 * no report reads a half-rebuilt rollup.
 */
export async function rebuildIdentityRollups(tx: SqlRunner, workspaceId: number, identities: readonly { id: number; zone: string | null }[]): Promise<void> {
  if (identities.length === 0) return;
  await tx.query('SELECT 1 AS locked FROM pg_advisory_xact_lock($1, $2)', [ROLLUP_LOCK_CLASS, workspaceId]);
  // Pending changes of other identities stay valid; those of these are in the rebuild already.
  // Folding all first keeps the two apart (no folder holds any: they hold the lock in shared mode).
  const pending = await tx.query<{ added: OutboxEvent[]; removed: OutboxEvent[] }>('DELETE FROM rollup_outbox WHERE workspace_id = $1 RETURNING added, removed', [workspaceId]);
  if (pending.length > 0) {
    await applyRollups(
      tx,
      workspaceId,
      pending.flatMap((p) => p.added.map(fromOutbox)),
      pending.flatMap((p) => p.removed.map(fromOutbox)),
    );
  }
  const ids = identities.map((i) => i.id);
  await tx.query('DELETE FROM rollup_week WHERE identity_id = ANY($1::int[])', [ids]);
  await tx.query(`UPDATE identity i SET rollup_zone = r.zone FROM jsonb_to_recordset($1::jsonb) AS r(id int, zone text) WHERE i.id = r.id`, [JSON.stringify(identities)]);
  const byZone = new Map<string, number[]>();
  for (const i of identities) if (i.zone !== null) byZone.set(i.zone, [...(byZone.get(i.zone) ?? []), i.id]);
  for (const [zone, zoneIds] of byZone) {
    const [span] = await tx.query<{ first: string | null; last: string | null }>('SELECT min(occurred_at) AS first, max(occurred_at) AS last FROM activity_event WHERE identity_id = ANY($1::int[])', [
      zoneIds,
    ]);
    if (!span?.first || !span.last) continue;
    const bounds = weekBoundaries(new Date(span.first).getTime(), new Date(span.last).getTime(), zone).map((t) => new Date(t).toISOString());
    await tx.query(
      `INSERT INTO rollup_week (identity_id, week_start, type, workspace_id, n, amount)
       SELECT identity_id, ($3::timestamptz[])[width_bucket(occurred_at, $3::timestamptz[])], type, $1, count(*)::int, coalesce(sum(amount), 0)
       FROM activity_event WHERE identity_id = ANY($2::int[])
       GROUP BY 1, 2, 3`,
      [workspaceId, zoneIds, bounds],
    );
  }
  const named = await tx.query<{ lead_id: string | null; deal_id: string | null }>(
    `SELECT DISTINCT lead_id, deal_id FROM activity_event WHERE identity_id = ANY($1::int[]) AND (lead_id IS NOT NULL OR deal_id IS NOT NULL)`,
    [ids],
  );
  const leads = [...new Set(named.flatMap((r) => (r.lead_id === null ? [] : [r.lead_id])))];
  const deals = [...new Set(named.flatMap((r) => (r.deal_id === null ? [] : [r.deal_id])))];
  const rewritten = new Set(ids);
  for (const r of await inChunks(leads, (chunk) => recomputeLeads(tx, workspaceId, chunk))) rewritten.add(r.identityId);
  for (const r of await inChunks(deals, (chunk) => recomputeDeals(tx, workspaceId, chunk))) rewritten.add(r.identityId);
  // A rebuild may change any week of what it rewrote (it is also how wrong rollups are repaired).
  await reviseRollups(
    tx,
    workspaceId,
    [...rewritten].map((identityId) => ({ identityId, at: -Infinity })),
  );
}

/** Each identity of the workspace with the rollup zone it should have: its member's rep team's week. */
export async function wantedRollupZones(db: SqlRunner, workspaceId: number, identityIds?: readonly number[]): Promise<{ id: number; current: string | null; zone: string | null }[]> {
  return db.query(
    `SELECT i.id, i.rollup_zone AS current,
       (SELECT t.timezone || '|' || t.week_starts_on FROM team_membership tm JOIN team t ON t.id = tm.team_id
         WHERE tm.member_id = i.member_id AND tm.role = 'rep' AND t.active ORDER BY t.id LIMIT 1) AS zone
     FROM identity i
     WHERE i.workspace_id = $1 AND ($2::int[] IS NULL OR i.id = ANY($2::int[]))`,
    [workspaceId, identityIds ? [...identityIds] : null],
  );
}

/**
 * Rebuilds the identities whose rollup zone is not the one they should have (a config change of a
 * team's zone or first day, a rep moving team, an identity linked or unlinked); returns how many.
 */
export async function syncRollupZones(tx: SqlRunner, workspaceId: number, identityIds?: readonly number[]): Promise<number> {
  const stale = (await wantedRollupZones(tx, workspaceId, identityIds)).filter((r) => r.current !== r.zone);
  await rebuildIdentityRollups(tx, workspaceId, stale);
  return stale.length;
}

/** Rebuilds every rollup of the workspace from its events (`pacer rollups rebuild`). */
export async function rebuildWorkspaceRollups(tx: SqlRunner, workspaceId: number): Promise<{ identities: number }> {
  await tx.query('SELECT 1 AS locked FROM pg_advisory_xact_lock($1, $2)', [ROLLUP_LOCK_CLASS, workspaceId]);
  // Everything pending is in the events the rebuild reads.
  await tx.query('DELETE FROM rollup_outbox WHERE workspace_id = $1', [workspaceId]);
  await tx.query('DELETE FROM rollup_lead WHERE workspace_id = $1', [workspaceId]);
  await tx.query('DELETE FROM rollup_deal WHERE workspace_id = $1', [workspaceId]);
  const all = await wantedRollupZones(tx, workspaceId);
  await rebuildIdentityRollups(tx, workspaceId, all);
  return { identities: all.length };
}
