import type { Prisma } from '../generated/prisma/client.js';
import type { SqlRunner, Database } from './client.js';
import { findMemberTeams, type MemberTeams } from './member-teams-repo.js';

/** What a report reads about a team before its events: the team, its active reps and targets. */

/** The team with its workspace's currency, active reps (by email) and targets. */
const TEAM_INPUT_INCLUDE = {
  workspace: { select: { currency: true } },
  memberships: { where: { role: 'rep', member: { active: true } }, include: { member: true }, orderBy: { member: { email: 'asc' } } },
  targets: true,
} satisfies Prisma.TeamInclude;

export type TeamInputRow = Prisma.TeamGetPayload<{ include: typeof TEAM_INPUT_INCLUDE }>;

/** A team by name (active or not), or null. */
export async function readTeamInputRow(db: Database, workspaceId: number, teamName: string): Promise<TeamInputRow | null> {
  return db.prisma.team.findUnique({ where: { workspaceId_name: { workspaceId, name: teamName } }, include: TEAM_INPUT_INCLUDE });
}

/** Every active team of the workspace, by name, in one query. */
export async function readActiveTeamInputRows(db: Database, workspaceId: number): Promise<TeamInputRow[]> {
  return db.prisma.team.findMany({ where: { workspaceId, active: true }, include: TEAM_INPUT_INCLUDE, orderBy: { name: 'asc' } });
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
