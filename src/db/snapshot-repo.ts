import { sql } from 'kysely';
import type { SqlRunner } from './client.js';

/** How long a team's snapshots of past weeks are kept after a newer one is written (reports of the past rebuild theirs). */
const KEEP_PAST_DAYS = 14;

/** The body of a team's snapshot for the week starting at `weekStart`, when it was built from what `fingerprint` names; else null. */
export async function readTeamSnapshot(db: SqlRunner, teamId: number, weekStart: Date, fingerprint: string): Promise<unknown> {
  const row = await db.kysely.selectFrom('team_snapshot').select('body').where('team_id', '=', teamId).where('week_start', '=', weekStart).where('fingerprint', '=', fingerprint).executeTakeFirst();
  return row?.body ?? null;
}

/** Whether the team's snapshot for the week starting at `weekStart` was built from what `fingerprint` names (its body is not read). */
export async function hasTeamSnapshot(db: SqlRunner, teamId: number, weekStart: Date, fingerprint: string): Promise<boolean> {
  const row = await db.kysely.selectFrom('team_snapshot').select('team_id').where('team_id', '=', teamId).where('week_start', '=', weekStart).where('fingerprint', '=', fingerprint).executeTakeFirst();
  return row !== undefined;
}

/**
 * Keeps a team's snapshot for a week, replacing whatever was kept for it: one statement writes
 * fingerprint and body together, so a reader sees either row whole. Of two concurrent writers the
 * later one's row stays; one built from older rollups carries their fingerprint and is rebuilt on
 * next use. Snapshots of weeks well before this one are dropped.
 */
export async function keepTeamSnapshot(db: SqlRunner, teamId: number, weekStart: Date, fingerprint: string, body: unknown): Promise<void> {
  await sql`
    INSERT INTO team_snapshot AS s (team_id, week_start, fingerprint, body)
    VALUES (${teamId}, ${weekStart}, ${fingerprint}, ${JSON.stringify(body)}::json)
    ON CONFLICT (team_id, week_start) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, body = EXCLUDED.body, computed_at = now()`.execute(db.kysely);
  const before = new Date(weekStart.getTime() - KEEP_PAST_DAYS * 86_400_000);
  await db.kysely.deleteFrom('team_snapshot').where('team_id', '=', teamId).where('week_start', '<', before).execute();
}
