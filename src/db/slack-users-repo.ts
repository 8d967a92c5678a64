import type { SqlRunner } from './client.js';

/** Slack users Pacer has identified (slack_user): who they are, so a command needs no Web API call. */

export interface KnownSlackUser {
  /** Null: the user is not in the config. */
  memberId: number | null;
  email: string | null;
  checkedAt: Date;
}

export async function knownSlackUser(db: SqlRunner, workspaceId: number, slackUserId: string): Promise<KnownSlackUser | null> {
  const row = await db.kysely.selectFrom('slack_user').select(['member_id', 'email', 'checked_at']).where('workspace_id', '=', workspaceId).where('slack_user_id', '=', slackUserId).executeTakeFirst();
  return row ? { memberId: row.member_id, email: row.email, checkedAt: row.checked_at } : null;
}

/** Remembers what Slack said about a user (their member, profile email and time zone) as of `checkedAt`. */
export async function rememberSlackUser(
  db: SqlRunner,
  user: { workspaceId: number; slackUserId: string; memberId: number | null; email: string | null; timezone: string | null; checkedAt: Date },
): Promise<void> {
  const learned = { member_id: user.memberId, email: user.email, timezone: user.timezone, checked_at: user.checkedAt };
  await db.kysely
    .insertInto('slack_user')
    .values({ workspace_id: user.workspaceId, slack_user_id: user.slackUserId, ...learned })
    .onConflict((oc) => oc.columns(['workspace_id', 'slack_user_id']).doUpdateSet(learned))
    .execute();
}

/** The Slack user id last learned for a member, or for an email (a config admin need not be a member); null when none. */
export async function learnedSlackUserId(db: SqlRunner, workspaceId: number, who: { memberId: number } | { email: string }): Promise<string | null> {
  const query = db.kysely.selectFrom('slack_user').select('slack_user_id').where('workspace_id', '=', workspaceId);
  const row = await ('memberId' in who ? query.where('member_id', '=', who.memberId) : query.where('email', '=', who.email)).orderBy('checked_at', 'desc').limit(1).executeTakeFirst();
  return row?.slack_user_id ?? null;
}

/** Remembers a user's email and time zone without saying who they are as a member (identifySlackUser's to say). */
export async function rememberSlackUserEmail(db: SqlRunner, user: { workspaceId: number; slackUserId: string; email: string; timezone: string | null; checkedAt: Date }): Promise<void> {
  const learned = { email: user.email, timezone: user.timezone, checked_at: user.checkedAt };
  await db.kysely
    .insertInto('slack_user')
    .values({ workspace_id: user.workspaceId, slack_user_id: user.slackUserId, member_id: null, ...learned })
    .onConflict((oc) => oc.columns(['workspace_id', 'slack_user_id']).doUpdateSet(learned))
    .execute();
}
