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
  const rows = await db.query<{ v: string }>('SELECT data_version::text AS v FROM workspace WHERE id = $1', [workspaceId]);
  return rows[0] ? BigInt(rows[0].v) : null;
}

/** The kept links of these teams, each for its own week; teams with none kept are left out. */
export async function readKeptLinks(db: SqlRunner, keys: readonly { teamId: number; weekStart: Date }[]): Promise<KeptLinks[]> {
  if (keys.length === 0) return [];
  const rows = await db.query<{
    team_id: number;
    week_start: Date | string;
    data_version: string;
    fingerprint: string;
    cohort: CohortPairs[];
    links: IndicatorLink[];
    links_basis: string;
  }>(
    `SELECT l.team_id, l.week_start, l.data_version::text AS data_version, l.fingerprint, l.cohort, l.links, l.links_basis
     FROM jsonb_to_recordset($1::jsonb) AS k(team_id int, week_start timestamptz)
     JOIN team_links l ON l.team_id = k.team_id AND l.week_start = k.week_start`,
    [JSON.stringify(keys.map((k) => ({ team_id: k.teamId, week_start: k.weekStart.toISOString() })))],
  );
  return rows.map((r) => ({
    teamId: r.team_id,
    weekStart: new Date(r.week_start),
    dataVersion: BigInt(r.data_version),
    fingerprint: r.fingerprint,
    cohort: r.cohort,
    links: r.links,
    linksBasis: r.links_basis,
  }));
}

/** The events a team's cohort pairs read: its reps' own events in [from, end), and what they link to. */
export interface EventScope {
  teamId: number;
  memberIds: readonly number[];
  from: Date;
  end: Date;
}

/**
 * Per team, a fingerprint of exactly the rows loadMetricEvents(memberIds, from, end) reads: the
 * reps' own events in [from, end), every event before `end` of the leads they name, and every
 * event before `end` of the deals they or those leads' events name. It is the count, the sum of
 * the row ids and the sum of a 64-bit hash of (content hash, member the row counts for) seeded
 * with the id: an insert, a replace (new content hash), a delete or an identity now counting for
 * someone else changes it, and a delete plus an insert cannot leave all three unchanged unless
 * two 64-bit hash sums collide. Events after `end` (this week's) do not enter it. The same
 * index walks as loadMetricEvents (identity, time; deal, time; lead, time), with no rows returned.
 */
export async function eventFingerprints(db: SqlRunner, workspaceId: number, scopes: readonly EventScope[]): Promise<Map<number, string>> {
  if (scopes.length === 0) return new Map();
  const rows = await db.query<{ team_id: number; fingerprint: string }>(
    `SELECT s.team_id, f.fingerprint
     FROM jsonb_to_recordset($2::jsonb) AS s(team_id int, member_ids int[], from_at timestamptz, end_at timestamptz)
     CROSS JOIN LATERAL (
       WITH own AS (
         SELECT e.id, e.type, e.lead_id, e.deal_id, e.content_hash, i.member_id
         FROM identity i
         CROSS JOIN LATERAL (
           SELECT * FROM activity_event e WHERE e.identity_id = i.id AND e.occurred_at >= s.from_at AND e.occurred_at < s.end_at OFFSET 0
         ) e
         WHERE i.workspace_id = $1 AND i.member_id = ANY(s.member_ids)
       ),
       lead_events AS (
         SELECT e.id, e.content_hash, e.identity_id, e.deal_id FROM (SELECT DISTINCT lead_id FROM own WHERE lead_id IS NOT NULL) l
         CROSS JOIN LATERAL (
           SELECT * FROM activity_event e WHERE e.workspace_id = $1 AND e.lead_id = l.lead_id AND e.occurred_at < s.end_at OFFSET 0
         ) e
       ),
       linked AS (
         SELECT id, content_hash, identity_id FROM lead_events
         UNION
         SELECT e.id, e.content_hash, e.identity_id
         FROM (SELECT deal_id FROM own WHERE deal_id IS NOT NULL UNION SELECT deal_id FROM lead_events WHERE deal_id IS NOT NULL) d
         CROSS JOIN LATERAL (
           SELECT * FROM activity_event e WHERE e.workspace_id = $1 AND e.deal_id = d.deal_id AND e.occurred_at < s.end_at OFFSET 0
         ) e
       ),
       everything AS (
         SELECT id, content_hash, member_id FROM own
         UNION ALL
         SELECT l.id, l.content_hash, i.member_id FROM linked l JOIN identity i ON i.id = l.identity_id
       )
       SELECT count(*) || ':' || coalesce(sum(id), 0) || ':' || coalesce(sum(hashtextextended(content_hash || ':' || coalesce(member_id, 0), id)), 0) AS fingerprint
       FROM everything
     ) f`,
    [workspaceId, JSON.stringify(scopes.map((s) => ({ team_id: s.teamId, member_ids: s.memberIds, from_at: s.from.toISOString(), end_at: s.end.toISOString() })))],
  );
  return new Map(rows.map((r) => [r.team_id, r.fingerprint]));
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
  await db.query(
    `INSERT INTO team_links AS l (team_id, week_start, data_version, fingerprint, cohort, links, links_basis)
     SELECT r.team_id, r.week_start, r.data_version::bigint, r.fingerprint, r.cohort, r.links, r.links_basis
     FROM jsonb_to_recordset($1::jsonb) AS r(team_id int, week_start timestamptz, data_version text, fingerprint text, cohort jsonb, links jsonb, links_basis text)
     -- One order for every writer, so concurrent ones cannot deadlock.
     ORDER BY r.team_id, r.week_start
     ON CONFLICT (team_id, week_start) DO UPDATE
       SET data_version = GREATEST(l.data_version, EXCLUDED.data_version), fingerprint = EXCLUDED.fingerprint, cohort = EXCLUDED.cohort,
         links = EXCLUDED.links, links_basis = EXCLUDED.links_basis,
         computed_at = CASE WHEN l.fingerprint = EXCLUDED.fingerprint THEN l.computed_at ELSE now() END
       WHERE l.fingerprint = EXCLUDED.fingerprint OR l.data_version <= EXCLUDED.data_version`,
    [
      JSON.stringify(
        rows.map((r) => ({
          team_id: r.teamId,
          week_start: r.weekStart.toISOString(),
          data_version: r.dataVersion.toString(),
          fingerprint: r.fingerprint,
          cohort: r.cohort,
          links: r.links,
          links_basis: r.linksBasis,
        })),
      ),
    ],
  );
}
