import { tzName, tzOffset } from '@date-fns/tz';
import type { Workspace } from '../directory.js';
import { SlackApiError } from '../params.js';
import type { LocalSlackUser } from '../types.js';
import type { MethodDefinition } from './context.js';

/** Slack's zone for accounts that never set one. */
export const DEFAULT_TZ = 'America/Los_Angeles';

/** A user as users.info returns it; tz_offset (seconds) and tz_label are for the server clock's now. */
export function userObject(workspace: Workspace, user: LocalSlackUser, now: number): Record<string, unknown> {
  const tz = user.tz ?? DEFAULT_TZ;
  const at = new Date(now);
  const realName = user.realName ?? user.name;
  return {
    id: user.id,
    team_id: workspace.teamId,
    name: user.name,
    deleted: user.deleted ?? false,
    real_name: realName,
    tz,
    tz_label: tzName(tz, at, 'long'),
    tz_offset: tzOffset(tz, at) * 60,
    is_bot: user.isBot ?? false,
    is_app_user: false,
    is_admin: false,
    is_owner: false,
    updated: Math.floor(now / 1000),
    profile: {
      real_name: realName,
      real_name_normalized: realName,
      display_name: user.name,
      display_name_normalized: user.name,
      ...(user.email ? { email: user.email } : {}),
      ...(user.id === workspace.botUserId ? { bot_id: workspace.botId } : {}),
      team: workspace.teamId,
    },
  };
}

const info: MethodDefinition = {
  auth: 'bot',
  scope: 'users:read',
  read: true,
  handle({ params, state, workspace }) {
    const user = workspace.users.get(params.required('user', 'user_not_found'));
    if (!user) throw new SlackApiError('user_not_found');
    return { user: userObject(workspace, user, state.now()) };
  },
};

/** users.lookupByEmail: `users_not_found` when no member has the address (deactivated members are found, marked deleted). */
const lookupByEmail: MethodDefinition = {
  auth: 'bot',
  scope: 'users:read.email',
  read: true,
  handle({ params, state, workspace }) {
    const user = state.directory.findUserByEmail(workspace, params.required('email', 'users_not_found'));
    if (!user) throw new SlackApiError('users_not_found');
    return { user: userObject(workspace, user, state.now()) };
  },
};

export const userMethods: Record<string, MethodDefinition> = {
  'users.info': info,
  'users.lookupByEmail': lookupByEmail,
};
