import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { SqlRunner } from './client.js';
import type { MemberRole } from './tables.js';

/** What the sandbox reads and sets up in its own workspace: channels, its people and teams. */

/** Gives each team of the workspace a channel of its own, `C` and its id padded to six digits. */
export async function assignTeamChannels(db: SqlRunner, slackTeamId: string): Promise<void> {
  await db.kysely
    .updateTable('team')
    .set({ channel: sql<string>`'C' || lpad(id::text, greatest(6, length(id::text)), '0')` })
    .where('workspace_id', '=', (eb) => eb.selectFrom('workspace').select('id').where('slack_team_id', '=', slackTeamId))
    .execute();
}

/** The link of any stored event that has one (a sandbox made before it recorded its own address). */
export async function anyEventUrl(db: SqlRunner, workspaceId: number): Promise<string | null> {
  const row = await db.kysely.selectFrom('activity_event').select('url').where('workspace_id', '=', workspaceId).where('url', 'is not', null).limit(1).executeTakeFirst();
  return row?.url ?? null;
}

export interface SandboxMember {
  id: number;
  email: string;
  name: string;
  timezone: string | null;
  /** In the order they were made. */
  memberships: { role: MemberRole; team: { name: string; timezone: string } }[];
}

/** The workspace's active members (by name) and active teams (by name), as the local Slack shows them. */
export async function sandboxDirectory(db: SqlRunner, workspaceId: number): Promise<{ members: SandboxMember[]; teams: { name: string; channel: string | null }[] }> {
  const [members, teams] = await Promise.all([
    db.kysely
      .selectFrom('member as m')
      .select((eb) => [
        'm.id',
        'm.email',
        'm.name',
        'm.timezone',
        jsonArrayFrom(
          eb
            .selectFrom('team_membership as tm')
            .innerJoin('team as t', 't.id', 'tm.team_id')
            .select((inner) => [
              'tm.role',
              inner
                .fn('json_build_object', [sql.lit('name'), 't.name', sql.lit('timezone'), 't.timezone'])
                .$castTo<{ name: string; timezone: string }>()
                .as('team'),
            ])
            .whereRef('tm.member_id', '=', 'm.id')
            .orderBy('tm.id'),
        ).as('memberships'),
      ])
      .where('m.workspace_id', '=', workspaceId)
      .where('m.active', '=', true)
      .orderBy('m.name')
      .execute(),
    db.kysely.selectFrom('team').select(['name', 'channel']).where('workspace_id', '=', workspaceId).where('active', '=', true).orderBy('name').execute(),
  ]);
  return { members, teams };
}
