import { WebAPIPlatformError, type WebClient } from '@slack/web-api';
import { SLACK_USER_ID } from '../config/coaching-schema.js';
import type { Database } from '../db/client.js';
import { activeMemberByEmail, findMemberTeams, type MemberKey } from '../db/member-teams-repo.js';
import { knownSlackUser, learnedSlackUserId, rememberSlackUser, rememberSlackUserEmail } from '../db/slack-users-repo.js';
import type { Logger } from '../logger.js';

/** How long a "not in the config" answer is trusted before Slack is asked again. */
const UNKNOWN_RECHECK_MS = 10 * 60 * 1000;

/** A Slack user as Pacer knows them: a member of the coaching config, or nobody (member null). */
export interface SlackPerson {
  workspaceId: number;
  slackUserId: string;
  /** The profile's email when Slack was asked (shown to unmapped users). */
  email: string | null;
  member: {
    id: number;
    email: string;
    name: string;
    /** The rep's team (a rep belongs to one), active teams only. */
    repTeam: string | null;
    /** Teams this member manages. */
    managedTeams: string[];
  } | null;
}

async function configMember(db: Database, workspaceId: number, key: MemberKey): Promise<SlackPerson['member']> {
  const member = await findMemberTeams(db, workspaceId, key, { activeOnly: true });
  if (!member) return null;
  const active = member.memberships.filter((m) => m.teamActive);
  return {
    id: member.id,
    email: member.email,
    name: member.name,
    repTeam: active.find((m) => m.role === 'rep')?.team ?? null,
    managedTeams: active
      .filter((m) => m.role === 'manager')
      .map((m) => m.team)
      .sort(),
  };
}

/**
 * Who a Slack user is: the member whose config names their Slack id, else the member with their
 * profile email (users.info), remembered in slack_user with their profile time zone so later
 * commands need no Web API call. A user not in the config is remembered briefly too.
 */
export async function identifySlackUser(db: Database, client: WebClient, workspaceId: number, slackUserId: string, now: Date, logger: Logger): Promise<SlackPerson> {
  const [byConfig, known] = await Promise.all([configMember(db, workspaceId, { slackUserId }), knownSlackUser(db, workspaceId, slackUserId)]);
  if (byConfig && known) return { workspaceId, slackUserId, email: known.email, member: byConfig };
  if (!byConfig && known?.memberId) {
    const member = await configMember(db, workspaceId, { id: known.memberId });
    if (member) return { workspaceId, slackUserId, email: known.email, member };
  }
  if (!byConfig && known && known.memberId === null && now.getTime() - known.checkedAt.getTime() < UNKNOWN_RECHECK_MS) {
    return { workspaceId, slackUserId, email: known.email, member: null };
  }

  let email: string | null;
  let timezone: string | null;
  try {
    const info = await client.users.info({ user: slackUserId });
    email = info.user?.profile?.email?.toLowerCase() ?? null;
    timezone = info.user?.tz ?? null;
  } catch (err) {
    // Without the profile, the config's Slack id still identifies the member.
    logger.warn({ err, slackUserId }, 'users.info failed; identifying the user from the config alone');
    if (byConfig) return { workspaceId, slackUserId, email: null, member: byConfig };
    return { workspaceId, slackUserId, email: null, member: null };
  }
  let member = byConfig;
  if (!member && email) member = await configMember(db, workspaceId, { email });
  await rememberSlackUser(db, { workspaceId, slackUserId, memberId: member?.id ?? null, email, timezone, checkedAt: now });
  return { workspaceId, slackUserId, email, member };
}

/**
 * The Slack user id to message a member at: the config's, else one learned earlier, else
 * users.lookupByEmail (remembered). Null when Slack knows no such email.
 */
export async function slackUserForMember(db: Database, client: WebClient, member: { id: number; workspaceId: number; email: string; slackUserId: string | null }, now: Date): Promise<string | null> {
  if (member.slackUserId) return member.slackUserId;
  const known = await learnedSlackUserId(db, member.workspaceId, { memberId: member.id });
  if (known) return known;
  try {
    const found = await client.users.lookupByEmail({ email: member.email });
    const user = found.user;
    if (!user?.id) return null;
    await rememberSlackUser(db, { workspaceId: member.workspaceId, slackUserId: user.id, memberId: member.id, email: member.email, timezone: user.tz ?? null, checkedAt: now });
    return user.id;
  } catch (err) {
    if (err instanceof WebAPIPlatformError && err.data.error === 'users_not_found') return null;
    throw err;
  }
}

/**
 * The Slack user id to DM one of the config's `admins:` at: a Slack user id as written; a
 * member's email as slackUserForMember finds them; anyone else's email from an earlier lookup or
 * users.lookupByEmail, remembered in slack_user (not as a member). Null when Slack knows no such email.
 */
export async function slackUserForAdmin(db: Database, client: WebClient, workspaceId: number, admin: string, now: Date): Promise<string | null> {
  if (SLACK_USER_ID.test(admin)) return admin;
  const member = await activeMemberByEmail(db, workspaceId, admin);
  if (member) return slackUserForMember(db, client, { ...member, workspaceId }, now);
  const known = await learnedSlackUserId(db, workspaceId, { email: admin });
  if (known) return known;
  try {
    const user = (await client.users.lookupByEmail({ email: admin })).user;
    if (!user?.id) return null;
    await rememberSlackUserEmail(db, { workspaceId, slackUserId: user.id, email: admin, timezone: user.tz ?? null, checkedAt: now });
    return user.id;
  } catch (err) {
    if (err instanceof WebAPIPlatformError && err.data.error === 'users_not_found') return null;
    throw err;
  }
}
