import type { Database } from './client.js';

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
  attempts: number;
  /**
   * Other rows claimed by this process that go out in the same message (the alerts one scan
   * found for one rep): they are marked with this claim at every step, so each keeps its own key
   * (sent once, counted against the daily cap) while the message is posted once.
   */
  riders?: readonly { id: string; key: string }[];
}

/** The ledger rows a claim stands for: its own and its riders'. */
const rowIds = (claim: Claim): string[] => [claim.id, ...(claim.riders ?? []).map((r) => r.id)];

/** One claim standing for several claimed rows, posted as one message; null when there are none. */
export function claimGroup(claims: readonly Claim[]): Claim | null {
  const [lead, ...riders] = claims;
  if (!lead) return null;
  return riders.length === 0 ? lead : { ...lead, riders: riders.flatMap((c) => [{ id: c.id, key: c.key }, ...(c.riders ?? [])]) };
}

/**
 * Claims a message for this process: inserting its key (first sight), or taking over a pending
 * row whose holder's lease expired (a process killed before posting) and whose back-off is over.
 * Null when another process has it, or it is already settled.
 */
export async function claimDelivery(db: Database, intent: DeliveryIntent, processId: string, now: Date, leaseMs: number): Promise<Claim | null> {
  const lease = new Date(now.getTime() + leaseMs);
  const inserted = await db.query<{ id: string; attempts: number }>(
    `INSERT INTO delivery (workspace_id, key, kind, recipient, status, claimed_by, lease_until, due_at, updated_at)
     VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8)
     ON CONFLICT (key) DO NOTHING
     RETURNING id::text, attempts`,
    [intent.workspaceId, intent.key, intent.kind, intent.recipient, processId, lease, intent.dueAt, now],
  );
  if (inserted[0]) return { id: inserted[0].id, key: intent.key, attempts: inserted[0].attempts };
  const taken = await db.query<{ id: string; attempts: number }>(
    `UPDATE delivery SET claimed_by = $2, lease_until = $3, updated_at = $4
     WHERE key = $1 AND status = 'pending' AND (lease_until IS NULL OR lease_until <= $4) AND (not_before IS NULL OR not_before <= $4)
     RETURNING id::text, attempts`,
    [intent.key, processId, lease, now],
  );
  return taken[0] ? { id: taken[0].id, key: intent.key, attempts: taken[0].attempts } : null;
}

/**
 * Claims several rows that go out in one message (the alerts one scan found for one rep), like
 * claimDelivery but in one statement and in key order: two processes claiming the same rows at
 * once cannot split them between two messages, since the second waits on the first's first row
 * and then finds them all taken. Rows left pending by a process whose lease expired are taken
 * over as claimDelivery does. Returns what this process got, in key order.
 */
export async function claimDeliveries(db: Database, intents: readonly DeliveryIntent[], processId: string, now: Date, leaseMs: number): Promise<Claim[]> {
  if (intents.length === 0) return [];
  const sorted = [...intents].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const lease = new Date(now.getTime() + leaseMs);
  const inserted = await db.query<{ id: string; key: string; attempts: number }>(
    `INSERT INTO delivery (workspace_id, key, kind, recipient, claimed_by, lease_until, due_at, updated_at)
     SELECT i.workspace_id, i.key, i.kind, i.recipient, $6, $7, i.due_at, $8
     FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) WITH ORDINALITY AS i(workspace_id, key, kind, recipient, due_at, n)
     ORDER BY i.n
     ON CONFLICT (key) DO NOTHING
     RETURNING id::text, key, attempts`,
    [sorted.map((i) => i.workspaceId), sorted.map((i) => i.key), sorted.map((i) => i.kind), sorted.map((i) => i.recipient), sorted.map((i) => i.dueAt), processId, lease, now],
  );
  const got = new Set(inserted.map((r) => r.key));
  const rest = sorted.filter((i) => !got.has(i.key)).map((i) => i.key);
  const taken =
    rest.length === 0
      ? []
      : await db.query<{ id: string; key: string; attempts: number }>(
          `UPDATE delivery SET claimed_by = $2, lease_until = $3, updated_at = $4
           WHERE key = ANY($1::text[]) AND status = 'pending' AND (lease_until IS NULL OR lease_until <= $4) AND (not_before IS NULL OR not_before <= $4)
           RETURNING id::text, key, attempts`,
          [rest, processId, lease, now],
        );
  const byKey = new Map([...inserted, ...taken].map((r) => [r.key, { id: r.id, key: r.key, attempts: r.attempts }]));
  return sorted.flatMap((i) => byKey.get(i.key) ?? []);
}

/** Records a message first seen past its grace window; false when the key was already known. */
export async function recordSkipped(db: Database, intent: DeliveryIntent, reason: string, now: Date): Promise<boolean> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO delivery (workspace_id, key, kind, recipient, status, due_at, error, updated_at)
     VALUES ($1, $2, $3, $4, 'skipped', $5, $6, $7)
     ON CONFLICT (key) DO NOTHING RETURNING id::text`,
    [intent.workspaceId, intent.key, intent.kind, intent.recipient, intent.dueAt, reason, now],
  );
  return rows.length === 1;
}

/**
 * An explicit run (`pacer run-job`, the sandbox's "Run the weekly jobs now") delivers what the
 * schedule skipped past its grace window: the skipped rows among `keys` go back to pending for
 * this run to claim. A row is skipped only when first seen late, so this happens once per row;
 * sent, failed and unknown rows are never touched. Returns the keys it moved.
 */
export async function reviveSkipped(db: Database, keys: readonly string[], now: Date): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db.query<{ key: string }>(
    `UPDATE delivery SET status = 'pending', claimed_by = NULL, lease_until = NULL, not_before = NULL, error = NULL, updated_at = $2
     WHERE key = ANY($1::text[]) AND status = 'skipped' RETURNING key`,
    [keys, now],
  );
  return new Set(rows.map((r) => r.key));
}

/**
 * Marks the claim as being posted, just before the Web API call, and extends the lease to cover
 * it. False when the claim was lost (its lease expired and another process took it over); a
 * claim with riders is marked whole or not at all (its rows are locked, then counted).
 */
export async function markPosting(db: Database, claim: Claim, processId: string, now: Date, leaseMs: number, channel: string): Promise<boolean> {
  const ids = rowIds(claim);
  const rows = await db.query<{ id: string }>(
    `WITH mine AS (SELECT id FROM delivery WHERE id = ANY($1::bigint[]) AND claimed_by = $2 AND status = 'pending' FOR UPDATE)
     UPDATE delivery SET status = 'posting', attempts = attempts + 1, lease_until = $3, channel = $5, updated_at = $4
     WHERE id IN (SELECT id FROM mine) AND (SELECT count(*) FROM mine) = cardinality($1::bigint[]) RETURNING id::text`,
    [ids, processId, new Date(now.getTime() + leaseMs), now, channel],
  );
  return rows.length === ids.length;
}

export async function markSent(db: Database, claim: Claim, ts: string, now: Date): Promise<void> {
  await db.query(`UPDATE delivery SET status = 'sent', ts = $2, error = NULL, lease_until = NULL, updated_at = $3 WHERE id = ANY($1::bigint[])`, [rowIds(claim), ts, now]);
}

export async function markFailed(db: Database, claim: Claim, error: string, now: Date): Promise<void> {
  await db.query(`UPDATE delivery SET status = 'failed', error = $2, lease_until = NULL, updated_at = $3 WHERE id = ANY($1::bigint[])`, [rowIds(claim), error, now]);
}

/**
 * Gives a claim back after a failure that left nothing posted (rate limit, transient error) or
 * before posting: any process may retry it from `notBefore`.
 */
export async function releaseClaim(db: Database, claim: Claim, notBefore: Date, error: string | null, now: Date): Promise<void> {
  await db.query(
    `UPDATE delivery SET status = 'pending', claimed_by = NULL, lease_until = NULL, not_before = $2, error = $3, updated_at = $4 WHERE id = ANY($1::bigint[])`,
    [rowIds(claim), notBefore, error, now],
  );
}

/**
 * Rows left 'posting' by a process that died inside its post call: whether Slack posted them is
 * unknowable, so they become 'unknown' and are never re-sent.
 */
export async function settleAbandonedPosts(db: Database, now: Date): Promise<{ key: string }[]> {
  return db.query<{ key: string }>(
    `UPDATE delivery SET status = 'unknown', error = 'the posting process stopped during the Web API call', updated_at = $1
     WHERE status = 'posting' AND lease_until <= $1 RETURNING key`,
    [now],
  );
}

/** Keys already settled (sent, failed, unknown, skipped) or held by a live claim: nothing to do for them. */
export async function settledKeys(db: Database, keys: readonly string[], now: Date): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db.query<{ key: string }>(
    `SELECT key FROM delivery WHERE key = ANY($1::text[])
       AND (status <> 'pending' OR (lease_until IS NOT NULL AND lease_until > $2) OR (not_before IS NOT NULL AND not_before > $2))`,
    [keys, now],
  );
  return new Set(rows.map((r) => r.key));
}

/** Puts a claim being retried in this process back to pending, its lease covering the wait. */
export async function holdForRetry(db: Database, claim: Claim, processId: string, until: Date, error: string, now: Date): Promise<void> {
  await db.query(
    `UPDATE delivery SET status = 'pending', lease_until = $3, error = $4, updated_at = $5 WHERE id = ANY($1::bigint[]) AND claimed_by = $2`,
    [rowIds(claim), processId, until, error, now],
  );
}

/** Counts by status, and the failures with their reasons, for `pacer status`. */
export async function ledgerSummary(db: Database, workspaceId: number | null): Promise<{ counts: Record<string, number>; problems: { key: string; status: string; error: string | null; updated_at: Date }[] }> {
  const where = workspaceId === null ? '' : 'WHERE workspace_id = $1';
  const params = workspaceId === null ? [] : [workspaceId];
  const counts = await db.query<{ status: string; n: number }>(`SELECT status::text, count(*)::int AS n FROM delivery ${where} GROUP BY status ORDER BY status`, params);
  const problems = await db.query<{ key: string; status: string; error: string | null; updated_at: Date }>(
    `SELECT key, status::text, error, updated_at FROM delivery ${where ? `${where} AND` : 'WHERE'} status IN ('failed', 'unknown', 'skipped') ORDER BY updated_at DESC LIMIT 50`,
    params,
  );
  return { counts: Object.fromEntries(counts.map((c) => [c.status, c.n])), problems };
}

/**
 * Alerts sent to a member since an instant, or on their way (claimed by a scan, being posted,
 * waiting to be retried): the daily cap counts them, so two scans at once cannot both fill it.
 */
export async function alertsSentSince(db: Database, workspaceId: number, memberId: number, since: Date): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM delivery WHERE workspace_id = $1 AND kind = 'behaviour_alert' AND recipient = $2 AND status IN ('pending', 'sent', 'posting', 'unknown') AND updated_at >= $3`,
    [workspaceId, String(memberId), since],
  );
  return rows[0]?.n ?? 0;
}
