import { sql } from 'kysely';
import type { CohortPairs, IndicatorLink } from '../metrics/correlation.js';
import type { SqlRunner } from './client.js';

/** A team's links for one complete week, as kept in team_links. */
export interface KeptLinks {
  teamId: number;
  /** Start of the complete week they are for. */
  weekStart: Date;
  /** The workspace's data version read before they were computed. */
  dataVersion: bigint;
  /** What the cohort pairs were computed from (config and events); equal fingerprints, equal pairs. */
  fingerprint: string;
  cohort: CohortPairs[];
  links: IndicatorLink[];
  /** The fingerprints of every team's pairs the links (their workspace-wide test) were computed from. */
  linksBasis: string;
}

/** The workspace's data version (bumped by every event and config write); null for no such workspace. */
export async function dataVersion(db: SqlRunner, workspaceId: number): Promise<bigint | null> {
  const row = await db.kysely.selectFrom('workspace').select('data_version').where('id', '=', workspaceId).executeTakeFirst();
  return row ? BigInt(row.data_version) : null;
}

/** The kept links of these teams, each for its own week; teams with none kept are left out. */
export async function readKeptLinks(db: SqlRunner, keys: readonly { teamId: number; weekStart: Date }[]): Promise<KeptLinks[]> {
  if (keys.length === 0) return [];
  const wanted = JSON.stringify(keys.map((k) => ({ team_id: k.teamId, week_start: k.weekStart.toISOString() })));
  const rows = await db.kysely
    .selectFrom(sql<{ team_id: number; week_start: Date }>`jsonb_to_recordset(${wanted}::jsonb)`.as<'k'>(sql`k(team_id int, week_start timestamptz)`))
    .innerJoin('team_links as l', (join) => join.onRef('l.team_id', '=', 'k.team_id').onRef('l.week_start', '=', 'k.week_start'))
    .select(['l.team_id', 'l.week_start', 'l.data_version', 'l.fingerprint', 'l.cohort', 'l.links', 'l.links_basis'])
    .execute();
  return rows.map((r) => ({
    teamId: r.team_id,
    weekStart: r.week_start,
    dataVersion: BigInt(r.data_version),
    fingerprint: r.fingerprint,
    cohort: r.cohort,
    links: r.links,
    linksBasis: r.links_basis,
  }));
}

/** What checking a team's kept links needs of each team's kept row: its fingerprints, and the links of `linksOf` alone. */
export interface KeptBasis {
  teamId: number;
  fingerprint: string;
  linksBasis: string;
  /** The kept links of the team asked for; null for every other team. */
  links: IndicatorLink[] | null;
}

/** The kept rows of these teams, each for its own week, without their cohort pairs; teams with none kept are left out. */
export async function readKeptBasis(db: SqlRunner, keys: readonly { teamId: number; weekStart: Date }[], linksOf: number): Promise<KeptBasis[]> {
  if (keys.length === 0) return [];
  const wanted = JSON.stringify(keys.map((k) => ({ team_id: k.teamId, week_start: k.weekStart.toISOString() })));
  const rows = await db.kysely
    .selectFrom(sql<{ team_id: number; week_start: Date }>`jsonb_to_recordset(${wanted}::jsonb)`.as<'k'>(sql`k(team_id int, week_start timestamptz)`))
    .innerJoin('team_links as l', (join) => join.onRef('l.team_id', '=', 'k.team_id').onRef('l.week_start', '=', 'k.week_start'))
    .select(['l.team_id', 'l.fingerprint', 'l.links_basis', sql<IndicatorLink[] | null>`CASE WHEN l.team_id = ${linksOf} THEN l.links END`.as('links')])
    .execute();
  return rows.map((r) => ({ teamId: r.team_id, fingerprint: r.fingerprint, linksBasis: r.links_basis, links: r.links }));
}

/** The week every active team of the workspace counts in: what finding each team's kept links needs. */
export async function activeTeamWeeks(db: SqlRunner, workspaceId: number): Promise<{ id: number; timezone: string; weekStartsOn: number }[]> {
  const rows = await db.kysely.selectFrom('team').select(['id', 'timezone', 'week_starts_on']).where('workspace_id', '=', workspaceId).where('active', '=', true).execute();
  return rows.map((r) => ({ id: r.id, timezone: r.timezone, weekStartsOn: r.week_starts_on }));
}

/**
 * Keeps links. A row whose pairs have the same fingerprint keeps its pairs and computed_at and
 * takes the new links (they were computed from the same pairs). A row with other pairs is
 * replaced only by a computation that read the same or a later data version: of two concurrent
 * writers, the one that saw more data wins; the other's rows differ at most in which fingerprint
 * they carry, and a stale one is recomputed on next use.
 */
export async function keepLinks(db: SqlRunner, rows: readonly KeptLinks[]): Promise<void> {
  if (rows.length === 0) return;
  const records = JSON.stringify(
    rows.map((r) => ({
      team_id: r.teamId,
      week_start: r.weekStart.toISOString(),
      data_version: r.dataVersion.toString(),
      fingerprint: r.fingerprint,
      cohort: r.cohort,
      links: r.links,
      links_basis: r.linksBasis,
    })),
  );
  await sql`
    INSERT INTO team_links AS l (team_id, week_start, data_version, fingerprint, cohort, links, links_basis)
     SELECT r.team_id, r.week_start, r.data_version::bigint, r.fingerprint, r.cohort, r.links, r.links_basis
     FROM jsonb_to_recordset(${records}::jsonb) AS r(team_id int, week_start timestamptz, data_version text, fingerprint text, cohort jsonb, links jsonb, links_basis text)
     -- One order for every writer, so concurrent ones cannot deadlock.
     ORDER BY r.team_id, r.week_start
     ON CONFLICT (team_id, week_start) DO UPDATE
       SET data_version = GREATEST(l.data_version, EXCLUDED.data_version), fingerprint = EXCLUDED.fingerprint, cohort = EXCLUDED.cohort,
         links = EXCLUDED.links, links_basis = EXCLUDED.links_basis,
         computed_at = CASE WHEN l.fingerprint = EXCLUDED.fingerprint THEN l.computed_at ELSE now() END
       WHERE l.fingerprint = EXCLUDED.fingerprint OR l.data_version <= EXCLUDED.data_version`.execute(db.kysely);
}
