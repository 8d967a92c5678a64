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
 * it. False when the claim was lost (its lease expired and another process took it over).
 */
export async function markPosting(db: Database, claim: Claim, processId: string, now: Date, leaseMs: number, channel: string): Promise<boolean> {
  const rows = await db.query<{ id: string }>(
    `UPDATE delivery SET status = 'posting', attempts = attempts + 1, lease_until = $3, channel = $5, updated_at = $4
     WHERE id = $1::bigint AND claimed_by = $2 AND status = 'pending' RETURNING id::text`,
    [claim.id, processId, new Date(now.getTime() + leaseMs), now, channel],
  );
  return rows.length === 1;
}

export async function markSent(db: Database, claim: Claim, ts: string, now: Date): Promise<void> {
  await db.query(`UPDATE delivery SET status = 'sent', ts = $2, error = NULL, lease_until = NULL, updated_at = $3 WHERE id = $1::bigint`, [claim.id, ts, now]);
}

export async function markFailed(db: Database, claim: Claim, error: string, now: Date): Promise<void> {
  await db.query(`UPDATE delivery SET status = 'failed', error = $2, lease_until = NULL, updated_at = $3 WHERE id = $1::bigint`, [claim.id, error, now]);
}

/**
 * Gives a claim back after a failure that left nothing posted (rate limit, transient error) or
 * before posting: any process may retry it from `notBefore`.
 */
export async function releaseClaim(db: Database, claim: Claim, notBefore: Date, error: string | null, now: Date): Promise<void> {
  await db.query(
    `UPDATE delivery SET status = 'pending', claimed_by = NULL, lease_until = NULL, not_before = $2, error = $3, updated_at = $4 WHERE id = $1::bigint`,
    [claim.id, notBefore, error, now],
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
    `UPDATE delivery SET status = 'pending', lease_until = $3, error = $4, updated_at = $5 WHERE id = $1::bigint AND claimed_by = $2`,
    [claim.id, processId, until, error, now],
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

/** Alerts already sent to a member since an instant (the daily cap counts them). */
export async function alertsSentSince(db: Database, workspaceId: number, memberId: number, since: Date): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM delivery WHERE workspace_id = $1 AND kind = 'behaviour_alert' AND recipient = $2 AND status IN ('sent', 'posting', 'unknown') AND updated_at >= $3`,
    [workspaceId, String(memberId), since],
  );
  return rows[0]?.n ?? 0;
}
