import type { Database } from '../../src/db/client.js';
import { foldRollups } from '../../src/db/rollups-write.js';
import { round } from './run.js';

/**
 * The rollup backlog an ingestion run leaves: event writes leave their rollup changes in
 * rollup_outbox and folders apply them later (src/db/rollups-write.ts), so an ingestion figure
 * without the fold leaves out part of the cost of storing events.
 */

/** Outbox rows not yet folded, and the event changes they hold (an event added or removed counts once). */
export async function pendingRollups(db: Database, workspaceId: number): Promise<{ rows: number; events: number }> {
  const [row] = await db.query<{ rows: number; events: number }>(
    `SELECT count(*)::int AS rows, coalesce(sum(jsonb_array_length(added) + jsonb_array_length(removed)), 0)::int AS events
     FROM rollup_outbox WHERE workspace_id = $1`,
    [workspaceId],
  );
  return row ?? { rows: 0, events: 0 };
}

/** Events counted in the workspace's week rollups: every event of an identity with a rollup zone, once folded. */
export async function rolledUpEvents(db: Database, workspaceId: number): Promise<number> {
  const [row] = await db.query<{ n: string | null }>('SELECT sum(n)::text AS n FROM rollup_week WHERE workspace_id = $1', [workspaceId]);
  return Number(row?.n ?? 0);
}

/**
 * Folds everything pending for the workspace, as a report does before it reads ('wait': rows a
 * server's rollup-fold job holds are waited for, so on return the outbox is empty up to the call).
 * Returns the wall time and what this call folded itself.
 */
export async function timeFold(db: Database, workspaceId: number): Promise<{ seconds: number; foldedHere: number }> {
  const t = performance.now();
  const foldedHere = await foldRollups(db, workspaceId, 'wait');
  return { seconds: round((performance.now() - t) / 1000), foldedHere };
}
