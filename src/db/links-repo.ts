import type { CohortPairs, IndicatorLink } from '../metrics/correlation.js';
import type { SqlRunner } from './client.js';

/** A team's links for one complete week, as kept in team_links. */
export interface KeptLinks {
  teamId: number;
  /** Start of the complete week they are for. */
  weekStart: Date;
  /** The workspace's data version read before they were computed. */
  dataVersion: bigint;
  cohort: CohortPairs[];
  links: IndicatorLink[];
}

/** The workspace's data version (bumped by every event and config write); null for no such workspace. */
export async function dataVersion(db: SqlRunner, workspaceId: number): Promise<bigint | null> {
  const rows = await db.query<{ v: string }>('SELECT data_version::text AS v FROM workspace WHERE id = $1', [workspaceId]);
  return rows[0] ? BigInt(rows[0].v) : null;
}

/** The kept links of these teams, each for its own week; teams with none kept are left out. */
export async function readKeptLinks(db: SqlRunner, keys: readonly { teamId: number; weekStart: Date }[]): Promise<KeptLinks[]> {
  if (keys.length === 0) return [];
  const rows = await db.query<{ team_id: number; week_start: Date | string; data_version: string; cohort: CohortPairs[]; links: IndicatorLink[] }>(
    `SELECT l.team_id, l.week_start, l.data_version::text AS data_version, l.cohort, l.links
     FROM jsonb_to_recordset($1::jsonb) AS k(team_id int, week_start timestamptz)
     JOIN team_links l ON l.team_id = k.team_id AND l.week_start = k.week_start`,
    [JSON.stringify(keys.map((k) => ({ team_id: k.teamId, week_start: k.weekStart.toISOString() })))],
  );
  return rows.map((r) => ({ teamId: r.team_id, weekStart: new Date(r.week_start), dataVersion: BigInt(r.data_version), cohort: r.cohort, links: r.links }));
}

/**
 * Keeps links computed at a data version. A row computed at a later version (a concurrent
 * computation that saw more data) is not replaced by an older one.
 */
export async function keepLinks(db: SqlRunner, rows: readonly KeptLinks[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO team_links (team_id, week_start, data_version, cohort, links)
     SELECT r.team_id, r.week_start, r.data_version::bigint, r.cohort, r.links
     FROM jsonb_to_recordset($1::jsonb) AS r(team_id int, week_start timestamptz, data_version text, cohort jsonb, links jsonb)
     ON CONFLICT (team_id, week_start) DO UPDATE
       SET data_version = EXCLUDED.data_version, cohort = EXCLUDED.cohort, links = EXCLUDED.links, computed_at = now()
       WHERE team_links.data_version <= EXCLUDED.data_version`,
    [
      JSON.stringify(
        rows.map((r) => ({ team_id: r.teamId, week_start: r.weekStart.toISOString(), data_version: r.dataVersion.toString(), cohort: r.cohort, links: r.links })),
      ),
    ],
  );
}
