import { sql } from 'kysely';
import type { ComparedPace } from '../metrics/attention.js';
import type { SqlRunner } from './client.js';

/** What "Improved" compares of one rep's week: their focus indicators' paces (src/metrics/attention.ts). */
export interface KeptRepPaces {
  email: string;
  leading: ComparedPace[];
}

/** A team's kept paces for one complete week: what the weekly messages showed. */
export interface KeptTeamPaces {
  /** The instant the report was computed as of. */
  asOf: Date;
  reps: KeptRepPaces[];
}

/** The paces kept for the team's complete week ending at `weekEnd`; null when none were. */
export async function readTeamPaces(db: SqlRunner, teamId: number, weekEnd: Date): Promise<KeptTeamPaces | null> {
  const row = await db.kysely.selectFrom('team_paces').select(['as_of', 'paces']).where('team_id', '=', teamId).where('week_end', '=', weekEnd).executeTakeFirst();
  return row ? { asOf: row.as_of, reps: row.paces } : null;
}

/**
 * Keeps a team's paces for the complete week ending at `weekEnd`. Of two computations of the same
 * week (the nudges' run and the digests' an hour later, or two processes), the one as of the later
 * instant is kept: it saw the most data.
 */
export async function keepTeamPaces(db: SqlRunner, teamId: number, weekEnd: Date, paces: KeptTeamPaces): Promise<void> {
  await sql`
    INSERT INTO team_paces AS p (team_id, week_end, as_of, paces)
    VALUES (${teamId}, ${weekEnd.toISOString()}::timestamptz, ${paces.asOf.toISOString()}::timestamptz, ${JSON.stringify(paces.reps)}::jsonb)
    ON CONFLICT (team_id, week_end) DO UPDATE SET as_of = EXCLUDED.as_of, paces = EXCLUDED.paces
      WHERE p.as_of <= EXCLUDED.as_of`.execute(db.kysely);
}
