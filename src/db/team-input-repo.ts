import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { SqlRunner } from './client.js';
import { findMemberTeams, type MemberTeams } from './member-teams-repo.js';
import type { TargetPeriodKind } from './tables.js';

/** What a report reads about a team before its events: the team, its active reps and targets. */

/** The team with its workspace's currency, active reps (by email) and targets. */
export interface TeamInputRow {
  id: number;
  name: string;
  active: boolean;
  timezone: string;
  weekStartsOn: number;
  pipelineStages: string[];
  focus: string[];
  touchTypes: string[];
  performanceMetric: string;
  /** Resolved team settings; read them with readTeamSettings. */
  settings: unknown;
  currency: string;
  reps: { id: number; email: string; name: string; startDate: string | null }[];
  targets: { memberId: number | null; metric: string; periodKind: TargetPeriodKind; periodStart: string | null; periodEnd: string | null; value: number; ramped: boolean }[];
}

/**
 * One query for the team, its reps and its targets (Prisma's include took five round trips, a
 * fifth of a warm rep report's): JSON arrays, dates as ISO days and amounts as text within them.
 */
function teamInputQuery(db: SqlRunner, workspaceId: number) {
  return db.kysely
    .selectFrom('team as t')
    .innerJoin('workspace as w', 'w.id', 't.workspace_id')
    .select((eb) => [
      't.id',
      't.name',
      't.active',
      't.timezone',
      't.week_starts_on',
      't.pipeline_stages',
      't.focus',
      't.touch_types',
      't.performance_metric',
      't.settings',
      'w.currency',
      jsonArrayFrom(
        eb
          .selectFrom('team_membership as tm')
          .innerJoin('member as m', 'm.id', 'tm.member_id')
          .select(['m.id', 'm.email', 'm.name', sql<string | null>`m.start_date::text`.as('startDate')])
          .whereRef('tm.team_id', '=', 't.id')
          .where('tm.role', '=', 'rep')
          .where('m.active', '=', true)
          .orderBy('m.email'),
      ).as('reps'),
      jsonArrayFrom(
        eb
          .selectFrom('target as tg')
          .select([
            'tg.member_id as memberId',
            'tg.metric',
            'tg.period_kind as periodKind',
            sql<string | null>`tg.period_start::text`.as('periodStart'),
            sql<string | null>`tg.period_end::text`.as('periodEnd'),
            sql<string>`tg.value::text`.as('value'),
            'tg.ramped',
          ])
          .whereRef('tg.team_id', '=', 't.id')
          .orderBy('tg.id'),
      ).as('targets'),
    ])
    .where('t.workspace_id', '=', workspaceId);
}

type TeamInputQueryRow = Awaited<ReturnType<ReturnType<typeof teamInputQuery>['executeTakeFirstOrThrow']>>;

function teamInputRow(r: TeamInputQueryRow): TeamInputRow {
  return {
    id: r.id,
    name: r.name,
    active: r.active,
    timezone: r.timezone,
    weekStartsOn: r.week_starts_on,
    pipelineStages: r.pipeline_stages ?? [],
    focus: r.focus ?? [],
    touchTypes: r.touch_types ?? [],
    performanceMetric: r.performance_metric,
    settings: r.settings,
    currency: r.currency,
    reps: r.reps,
    targets: r.targets.map((x) => ({ ...x, value: Number(x.value) })),
  };
}

/** A team by name (active or not), or null. */
export async function readTeamInputRow(db: SqlRunner, workspaceId: number, teamName: string): Promise<TeamInputRow | null> {
  const row = await teamInputQuery(db, workspaceId).where('t.name', '=', teamName).executeTakeFirst();
  return row ? teamInputRow(row) : null;
}

/**
 * The active team whose active rep the member with this (lower-cased) email is, read as
 * readTeamInputRow reads a team, in one query: the oldest member of that email and their first
 * rep membership of an active team, as readRepMember's reader picks them. Null when there is none.
 */
export async function readRepTeamInputRow(db: SqlRunner, workspaceId: number, email: string): Promise<TeamInputRow | null> {
  const row = await teamInputQuery(db, workspaceId)
    .where('t.id', '=', (eb) =>
      eb
        .selectFrom('team_membership as tm')
        .innerJoin('team as rt', 'rt.id', 'tm.team_id')
        .innerJoin('member as m', 'm.id', 'tm.member_id')
        .select('tm.team_id')
        .where('m.id', '=', (inner) => inner.selectFrom('member').select('id').where('workspace_id', '=', workspaceId).where('email', '=', email).orderBy('id').limit(1))
        .where('m.active', '=', true)
        .where('tm.role', '=', 'rep')
        .where('rt.active', '=', true)
        .orderBy('tm.id')
        .limit(1),
    )
    .executeTakeFirst();
  return row ? teamInputRow(row) : null;
}

/** Every active team of the workspace, by name, in one query. */
export async function readActiveTeamInputRows(db: SqlRunner, workspaceId: number): Promise<TeamInputRow[]> {
  const rows = await teamInputQuery(db, workspaceId).where('t.active', '=', true).orderBy('t.name').execute();
  return rows.map(teamInputRow);
}

/** The names of the workspace's active teams, sorted. */
export async function activeTeamNames(db: SqlRunner, workspaceId: number): Promise<string[]> {
  const rows = await db.kysely.selectFrom('team').select('name').where('workspace_id', '=', workspaceId).where('active', '=', true).orderBy('name').execute();
  return rows.map((r) => r.name);
}

/** A member by (lower-cased) email with their teams, active or not: where a rep's report comes from. */
export async function readRepMember(db: SqlRunner, workspaceId: number, email: string): Promise<MemberTeams | null> {
  return findMemberTeams(db, workspaceId, { email });
}
