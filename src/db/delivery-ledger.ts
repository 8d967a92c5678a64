import { sql, type ExpressionBuilder } from 'kysely';
import type { SqlRunner } from './client.js';
import type { DB, DeliveryStatus } from './tables.js';

/** What a scheduled message is, before it is claimed. */
export interface DeliveryIntent {
  workspaceId: number;
  /** Deterministic: kind:workspace:recipient:period-or-subject. */
  key: string;
  kind: string;
  recipient: string;
  dueAt: Date;
}

export interface Claim {
  id: string;
  key: string;
  /** The intent's kind (rep_nudge, behaviour_alert…), for counting outcomes. */
  kind: string;
  attempts: number;
  /**
   * Other rows claimed by this process that go out in the same message (the alerts one scan
   * found for one rep): they are marked with this claim at every step, so each keeps its own key
   * (sent once, counted against the daily cap) while the message is posted once.
   */
  riders?: readonly { id: string; key: string }[];
  /** Claimed by an explicit run from a row the schedule had skipped past its grace window. */
  revived?: true;
}

/** The ledger rows a claim stands for: its own and its riders'. */
const rowIds = (claim: Claim): string[] => [claim.id, ...(claim.riders ?? []).map((r) => r.id)];

/** The claim's rows (one array parameter, however many riders). */
const inClaim = (claim: Claim) => (eb: ExpressionBuilder<DB, 'delivery'>) => eb('id', '=', eb.fn.any(eb.val(rowIds(claim))));

/** A pending row nobody holds now: no live lease, no back-off running. */
const claimable = (now: Date) => (eb: ExpressionBuilder<DB, 'delivery'>) =>
  eb.and([eb('status', '=', 'pending'), eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]), eb.or([eb('not_before', 'is', null), eb('not_before', '<=', now)])]);

/** One claim standing for several claimed rows, posted as one message; null when there are none. */
export function claimGroup(claims: readonly Claim[]): Claim | null {
  const [lead, ...riders] = claims;
  if (!lead) return null;
  return riders.length === 0 ? lead : { ...lead, riders: riders.flatMap((c) => [{ id: c.id, key: c.key }, ...(c.riders ?? [])]) };
}

/**
 * Claims a message for this process: inserting its key (first sight), or taking over a pending
 * row whose holder's lease expired (a process killed before posting) and whose back-off is over.
 * With `revive` (an explicit run: `pacer run-job`, the sandbox's "Run the weekly jobs now") a row
 * the schedule recorded as skipped past its grace window is claimed too, in the same statement, so
 * a scheduled run recording skips at that moment cannot take the message from the explicit one;
 * the claim then says it was `revived`. Null when another process has it, or it is settled.
 */
export async function claimDelivery(db: SqlRunner, intent: DeliveryIntent, processId: string, now: Date, leaseMs: number, options: { revive?: boolean } = {}): Promise<Claim | null> {
  const lease = new Date(now.getTime() + leaseMs);
  const inserted = await db.kysely
    .insertInto('delivery')
    .values({
      workspace_id: intent.workspaceId,
      key: intent.key,
      kind: intent.kind,
      recipient: intent.recipient,
      status: 'pending',
      claimed_by: processId,
      lease_until: lease,
      due_at: intent.dueAt,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning(['id', 'attempts'])
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, key: intent.key, kind: intent.kind, attempts: inserted.attempts };
  const revive = options.revive === true;
  // The row's status before the update, read under its lock: whether this claim revived it.
  const { rows } = await sql<{ id: string; attempts: number; revived: boolean }>`
    WITH before AS (SELECT id, status FROM delivery WHERE key = ${intent.key} FOR UPDATE)
    UPDATE delivery d SET status = 'pending', claimed_by = ${processId}, lease_until = ${lease}, updated_at = ${now},
      error = CASE WHEN before.status = 'skipped' THEN NULL ELSE d.error END
    FROM before
    WHERE d.id = before.id AND (
      (before.status = 'pending' AND (d.lease_until IS NULL OR d.lease_until <= ${now}) AND (d.not_before IS NULL OR d.not_before <= ${now}))
      OR (${revive} AND before.status = 'skipped'))
    RETURNING d.id::text, d.attempts, before.status = 'skipped' AS revived`.execute(db.kysely);
  const taken = rows[0];
  if (!taken) return null;
  return { id: taken.id, key: intent.key, kind: intent.kind, attempts: taken.attempts, ...(taken.revived ? { revived: true } : {}) };
}

/**
 * Claims several rows that go out in one message (the alerts one scan found for one rep), like
 * claimDelivery but in one statement and in key order: two processes claiming the same rows at
 * once cannot split them between two messages, since the second waits on the first's first row
 * and then finds them all taken. Rows left pending by a process whose lease expired are taken
 * over as claimDelivery does. Returns what this process got, in key order.
 */
export async function claimDeliveries(db: SqlRunner, intents: readonly DeliveryIntent[], processId: string, now: Date, leaseMs: number): Promise<Claim[]> {
  if (intents.length === 0) return [];
  const sorted = [...intents].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const lease = new Date(now.getTime() + leaseMs);
  // One INSERT … SELECT in key order (a VALUES list's order is not a promise of insertion order).
  const { rows: inserted } = await sql<{ id: string; key: string; attempts: number }>`
    INSERT INTO delivery (workspace_id, key, kind, recipient, claimed_by, lease_until, due_at, updated_at)
    SELECT i.workspace_id, i.key, i.kind, i.recipient, ${processId}, ${lease}, i.due_at, ${now}
    FROM unnest(${sorted.map((i) => i.workspaceId)}::int[], ${sorted.map((i) => i.key)}::text[], ${sorted.map((i) => i.kind)}::text[],
      ${sorted.map((i) => i.recipient)}::text[], ${sorted.map((i) => i.dueAt)}::timestamptz[]) WITH ORDINALITY AS i(workspace_id, key, kind, recipient, due_at, n)
    ORDER BY i.n
    ON CONFLICT (key) DO NOTHING
    RETURNING id::text, key, attempts`.execute(db.kysely);
  const got = new Set(inserted.map((r) => r.key));
  const rest = sorted.filter((i) => !got.has(i.key)).map((i) => i.key);
  const taken =
    rest.length === 0
      ? []
      : await db.kysely
          .updateTable('delivery')
          .set({ claimed_by: processId, lease_until: lease, updated_at: now })
          .where((eb) => eb('key', '=', eb.fn.any(eb.val(rest))))
          .where(claimable(now))
          .returning(['id', 'key', 'attempts'])
          .execute();
  const byKey = new Map([...inserted, ...taken].map((r) => [r.key, r]));
  return sorted.flatMap((i) => {
    const row = byKey.get(i.key);
    return row ? [{ id: row.id, key: row.key, kind: i.kind, attempts: row.attempts }] : [];
  });
}

/** Records a message first seen past its grace window; false when the key was already known. */
export async function recordSkipped(db: SqlRunner, intent: DeliveryIntent, reason: string, now: Date): Promise<boolean> {
  const row = await db.kysely
    .insertInto('delivery')
    .values({ workspace_id: intent.workspaceId, key: intent.key, kind: intent.kind, recipient: intent.recipient, status: 'skipped', due_at: intent.dueAt, error: reason, updated_at: now })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Marks the claim as being posted, just before the Web API call, and extends the lease to cover
 * it. False when the claim was lost (its lease expired and another process took it over); a
 * claim with riders is marked whole or not at all (its rows are locked, then counted).
 */
export async function markPosting(db: SqlRunner, claim: Claim, processId: string, now: Date, leaseMs: number, channel: string): Promise<boolean> {
  const ids = rowIds(claim);
  const { rows } = await sql<{ id: string }>`
    WITH mine AS (SELECT id FROM delivery WHERE id = ANY(${ids}::bigint[]) AND claimed_by = ${processId} AND status = 'pending' FOR UPDATE)
    UPDATE delivery SET status = 'posting', attempts = attempts + 1, lease_until = ${new Date(now.getTime() + leaseMs)}, channel = ${channel}, updated_at = ${now}
    WHERE id IN (SELECT id FROM mine) AND (SELECT count(*) FROM mine) = ${ids.length} RETURNING id::text`.execute(db.kysely);
  return rows.length === ids.length;
}

export async function markSent(db: SqlRunner, claim: Claim, ts: string, now: Date): Promise<void> {
  await db.kysely.updateTable('delivery').set({ status: 'sent', ts, error: null, lease_until: null, updated_at: now }).where(inClaim(claim)).execute();
}

export async function markFailed(db: SqlRunner, claim: Claim, error: string, now: Date): Promise<void> {
  await db.kysely.updateTable('delivery').set({ status: 'failed', error, lease_until: null, updated_at: now }).where(inClaim(claim)).execute();
}

/**
 * Gives a claim back after a failure that left nothing posted (rate limit, transient error) or
 * before posting: any process may retry it from `notBefore`.
 */
export async function releaseClaim(db: SqlRunner, claim: Claim, notBefore: Date, error: string | null, now: Date): Promise<void> {
  await db.kysely.updateTable('delivery').set({ status: 'pending', claimed_by: null, lease_until: null, not_before: notBefore, error, updated_at: now }).where(inClaim(claim)).execute();
}

/**
 * Rows left 'posting' by a process that died inside its post call: whether Slack posted them is
 * unknowable, so they become 'unknown' and are never re-sent.
 */
export async function settleAbandonedPosts(db: SqlRunner, now: Date): Promise<{ key: string; kind: string }[]> {
  return db.kysely
    .updateTable('delivery')
    .set({ status: 'unknown', error: 'the posting process stopped during the Web API call', updated_at: now })
    .where('status', '=', 'posting')
    .where('lease_until', '<=', now)
    .returning(['key', 'kind'])
    .execute();
}

/**
 * Keys already settled (sent, failed, unknown, skipped) or held by a live claim: nothing to do for
 * them. With `revive` (an explicit run) a skipped key is still to do: claimDelivery revives it.
 */
export async function settledKeys(db: SqlRunner, keys: readonly string[], now: Date, options: { revive?: boolean } = {}): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const open: DeliveryStatus[] = options.revive === true ? ['pending', 'skipped'] : ['pending'];
  const rows = await db.kysely
    .selectFrom('delivery')
    .select('key')
    .where((eb) => eb('key', '=', eb.fn.any(eb.val([...keys]))))
    .where((eb) => eb.or([eb('status', 'not in', open), eb('lease_until', '>', now), eb('not_before', '>', now)]))
    .execute();
  return new Set(rows.map((r) => r.key));
}

/** Puts a claim being retried in this process back to pending, its lease covering the wait. */
export async function holdForRetry(db: SqlRunner, claim: Claim, processId: string, until: Date, error: string, now: Date): Promise<void> {
  await db.kysely.updateTable('delivery').set({ status: 'pending', lease_until: until, error, updated_at: now }).where(inClaim(claim)).where('claimed_by', '=', processId).execute();
}

/** Counts by status, and the failures with their reasons, for `pacer status`. */
export async function ledgerSummary(
  db: SqlRunner,
  workspaceId: number | null,
): Promise<{ counts: Record<string, number>; problems: { key: string; status: DeliveryStatus; error: string | null; updated_at: Date }[] }> {
  const ledger = db.kysely.selectFrom('delivery').$if(workspaceId !== null, (q) => q.where('workspace_id', '=', workspaceId!));
  const [counts, problems] = await Promise.all([
    ledger
      .select(['status', sql<number>`count(*)::int`.as('n')])
      .groupBy('status')
      .orderBy('status')
      .execute(),
    ledger.select(['key', 'status', 'error', 'updated_at']).where('status', 'in', ['failed', 'unknown', 'skipped']).orderBy('updated_at', 'desc').limit(50).execute(),
  ]);
  return { counts: Object.fromEntries(counts.map((c) => [c.status, c.n])), problems };
}

/**
 * Alerts sent to a member since an instant, or on their way (claimed by a scan, being posted,
 * waiting to be retried): the daily cap counts them, so two scans at once cannot both fill it.
 */
export async function alertsSentSince(db: SqlRunner, workspaceId: number, memberId: number, since: Date): Promise<number> {
  const row = await db.kysely
    .selectFrom('delivery')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'behaviour_alert')
    .where('recipient', '=', String(memberId))
    .where('status', 'in', ['pending', 'sent', 'posting', 'unknown'])
    .where('updated_at', '>=', since)
    .executeTakeFirst();
  return row?.n ?? 0;
}

/** Forgets every delivery of a workspace: the sandbox's local Slack starts empty, and so does its ledger. */
export async function forgetDeliveries(db: SqlRunner, workspaceId: number): Promise<void> {
  await db.kysely.deleteFrom('delivery').where('workspace_id', '=', workspaceId).execute();
}
