import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { SqlRunner } from './client.js';
import type { MemberRole } from './tables.js';

/** Members and the teams they belong to: who a Slack user is, a rep's team, whom a manager may see. */

/** How a member is named: by id, by the config's Slack user id, or by (lower-cased) email. */
export type MemberKey = { id: number } | { slackUserId: string } | { email: string };

export interface MemberTeams {
  id: number;
  email: string;
  name: string;
  active: boolean;
  /** Every membership, of active teams or not, in the order they were made. */
  memberships: { role: MemberRole; team: string; teamActive: boolean }[];
}

/**
 * The member of the workspace named by `key` with their memberships, or null; `activeOnly`
 * leaves out a deactivated member. Of several members with one Slack id, the oldest.
 */
export async function findMemberTeams(db: SqlRunner, workspaceId: number, key: MemberKey, options: { activeOnly?: boolean } = {}): Promise<MemberTeams | null> {
  let query = db.kysely
    .selectFrom('member as m')
    .select((eb) => [
      'm.id',
      'm.email',
      'm.name',
      'm.active',
      jsonArrayFrom(
        eb
          .selectFrom('team_membership as tm')
          .innerJoin('team as t', 't.id', 'tm.team_id')
          .select(['tm.role', 't.name as team', 't.active as teamActive'])
          .whereRef('tm.member_id', '=', 'm.id')
          .orderBy('tm.id'),
      ).as('memberships'),
    ])
    .where('m.workspace_id', '=', workspaceId);
  if ('id' in key) query = query.where('m.id', '=', key.id);
  else if ('slackUserId' in key) query = query.where('m.slack_user_id', '=', key.slackUserId);
  else query = query.where('m.email', '=', key.email);
  if (options.activeOnly) query = query.where('m.active', '=', true);
  return (await query.orderBy('m.id').limit(1).executeTakeFirst()) ?? null;
}

/** Whether `email` is an active rep of one of these active teams (what a manager may open). */
export async function isActiveRepOfTeams(db: SqlRunner, workspaceId: number, email: string, teamNames: readonly string[]): Promise<boolean> {
  if (teamNames.length === 0) return false;
  const row = await db.kysely
    .selectFrom('team_membership as tm')
    .innerJoin('member as m', 'm.id', 'tm.member_id')
    .innerJoin('team as t', 't.id', 'tm.team_id')
    .select('tm.id')
    .where('tm.role', '=', 'rep')
    .where('m.workspace_id', '=', workspaceId)
    .where('m.email', '=', email)
    .where('m.active', '=', true)
    .where('t.active', '=', true)
    .where('t.name', 'in', [...teamNames])
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** A member as a CSV import credits rows to them: their identities and their team's time zone. */
export interface ImportMember {
  email: string;
  slackUserId: string | null;
  crmOwnerId: string | null;
  /** A rep's own active team's zone, else the first active team they manage; null in none. */
  teamTimezone: string | null;
}

/** Every member of the workspace, in the order ingestion prefers them: active first, then the oldest. */
export async function importMembers(db: SqlRunner, workspaceId: number): Promise<ImportMember[]> {
  const rows = await db.kysely
    .selectFrom('member as m')
    .select((eb) => [
      'm.email',
      'm.slack_user_id',
      'm.crm_owner_id',
      eb
        .selectFrom('team_membership as tm')
        .innerJoin('team as t', 't.id', 'tm.team_id')
        .select('t.timezone')
        .whereRef('tm.member_id', '=', 'm.id')
        .where('t.active', '=', true)
        // The enum orders rep before manager.
        .orderBy('tm.role')
        .orderBy('tm.team_id')
        .limit(1)
        .as('team_timezone'),
    ])
    .where('m.workspace_id', '=', workspaceId)
    .orderBy('m.active', 'desc')
    .orderBy('m.id')
    .execute();
  return rows.map((r) => ({ email: r.email, slackUserId: r.slack_user_id, crmOwnerId: r.crm_owner_id, teamTimezone: r.team_timezone }));
}

/** An active member of the workspace by email, with the Slack user id the config gives, or null. */
export async function activeMemberByEmail(db: SqlRunner, workspaceId: number, email: string): Promise<{ id: number; email: string; slackUserId: string | null } | null> {
  const row = await db.kysely
    .selectFrom('member')
    .select(['id', 'email', 'slack_user_id'])
    .where('workspace_id', '=', workspaceId)
    .where('email', '=', email)
    .where('active', '=', true)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row ? { id: row.id, email: row.email, slackUserId: row.slack_user_id } : null;
}
