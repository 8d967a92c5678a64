import { sql } from 'kysely';
import type { Interval } from '../metrics/windows.js';
import type { SqlRunner } from './client.js';

/** What data health is judged from (docs/metrics.md "Data health"), read as of an instant. */
export interface ReceiptInputs {
  lastReceivedAt: Date | null;
  lastOccurredAt: Date | null;
}

export interface TeamReceiptInputs extends ReceiptInputs {
  /** Per span asked for: whether any touch of the members occurred in it (received by asOf). */
  touched: boolean[];
}

/**
 * The team's inputs in one statement, from the events of `memberIds` received at or before
 * `asOf`: per identity, one probe of the (identity, received_at) and (identity, occurred_at)
 * indexes; per span, a search that stops at the first touch (only "none at all" matters).
 */
export async function teamReceipts(
  db: SqlRunner,
  workspaceId: number,
  memberIds: readonly number[],
  asOf: Date,
  spans: readonly Interval[],
  touchTypes: readonly string[],
): Promise<TeamReceiptInputs> {
  const { rows } = await sql<{ last_received_at: Date | null; last_occurred_at: Date | null; touched: boolean[] | null }>`
    WITH ids AS (SELECT id FROM identity WHERE workspace_id = ${workspaceId} AND member_id = ANY(${[...memberIds]}::int[]))
    SELECT
      (SELECT max(r.received_at) FROM ids CROSS JOIN LATERAL (
         SELECT received_at FROM activity_event e WHERE e.identity_id = ids.id AND e.received_at <= ${asOf}
         ORDER BY e.received_at DESC LIMIT 1) r) AS last_received_at,
      (SELECT max(o.occurred_at) FROM ids CROSS JOIN LATERAL (
         SELECT occurred_at FROM activity_event e WHERE e.identity_id = ids.id AND e.occurred_at <= ${asOf} AND e.received_at <= ${asOf}
         ORDER BY e.occurred_at DESC LIMIT 1) o) AS last_occurred_at,
      (SELECT array_agg(EXISTS (
         SELECT 1 FROM ids CROSS JOIN LATERAL (
           SELECT 1 FROM activity_event e
           WHERE e.identity_id = ids.id AND e.occurred_at >= s.span_start AND e.occurred_at < s.span_end
             AND e.received_at <= ${asOf} AND e.type = ANY(${[...touchTypes]}::text[])
           LIMIT 1) x) ORDER BY s.k)
       FROM unnest(${spans.map((s) => s.start)}::timestamptz[], ${spans.map((s) => s.end)}::timestamptz[]) WITH ORDINALITY AS s(span_start, span_end, k)) AS touched`.execute(db.kysely);
  const row = rows[0];
  return { lastReceivedAt: row?.last_received_at ?? null, lastOccurredAt: row?.last_occurred_at ?? null, touched: row?.touched ?? [] };
}

/** The workspace's own figure, with what judging it needs. */
export interface WorkspaceReceipts extends ReceiptInputs {
  id: number;
  slackTeamId: string;
  timezone: string;
  staleAfterHours: number;
}

/** At most this many workspaces in one readiness answer: the check stays bounded. */
export const MAX_WORKSPACES_SHOWN = 50;

/**
 * Every workspace's latest receipt at or before `asOf` (one (workspace, received_at) probe each)
 * and latest occurrence (one (identity, occurred_at) probe per person): one statement, for
 * `/readyz`, `pacer status` and the reports.
 */
export async function workspaceReceipts(db: SqlRunner, asOf: Date, workspaceId: number | null = null): Promise<WorkspaceReceipts[]> {
  const rows = await db.kysely
    .selectFrom('workspace as w')
    .select([
      'w.id',
      'w.slack_team_id',
      'w.timezone',
      'w.stale_after_hours',
      sql<Date | null>`(SELECT e.received_at FROM activity_event e WHERE e.workspace_id = w.id AND e.received_at <= ${asOf}
        ORDER BY e.received_at DESC LIMIT 1)`.as('last_received_at'),
      sql<Date | null>`(SELECT max(o.occurred_at) FROM identity i CROSS JOIN LATERAL (
          SELECT occurred_at FROM activity_event e WHERE e.identity_id = i.id AND e.occurred_at <= ${asOf} AND e.received_at <= ${asOf}
          ORDER BY e.occurred_at DESC LIMIT 1) o
        WHERE i.workspace_id = w.id)`.as('last_occurred_at'),
    ])
    .$if(workspaceId !== null, (q) => q.where('w.id', '=', workspaceId!))
    .orderBy('w.id')
    .limit(MAX_WORKSPACES_SHOWN)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    slackTeamId: r.slack_team_id,
    timezone: r.timezone,
    staleAfterHours: r.stale_after_hours,
    lastReceivedAt: r.last_received_at,
    lastOccurredAt: r.last_occurred_at,
  }));
}

export type SpellChange = 'started' | 'continues' | 'ended' | 'none';

/**
 * Records whether the team's data is stale now, so a spell is told once (a log line, a digest
 * note) however many processes look: only the statement that sets or clears `stale_since` sees
 * 'started' or 'ended'. Returns the change and when the current spell started (null when fresh).
 */
export async function recordTeamStaleness(db: SqlRunner, teamId: number, stale: boolean, now: Date): Promise<{ change: SpellChange; since: Date | null }> {
  const team = db.kysely.updateTable('team').where('id', '=', teamId);
  if (stale) {
    const started = await team.set({ stale_since: now }).where('stale_since', 'is', null).returning('stale_since').executeTakeFirst();
    if (started) return { change: 'started', since: started.stale_since };
    const current = await db.kysely.selectFrom('team').select('stale_since').where('id', '=', teamId).executeTakeFirst();
    return { change: 'continues', since: current?.stale_since ?? null };
  }
  const ended = await team.set({ stale_since: null }).where('stale_since', 'is not', null).executeTakeFirst();
  return { change: ended.numUpdatedRows > 0n ? 'ended' : 'none', since: null };
}
