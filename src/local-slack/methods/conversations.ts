import { SlackApiError } from '../params.js';
import type { MethodDefinition } from './context.js';

/**
 * conversations.open for a DM: `users` with one user id gives the DM's id, the same every time
 * (`already_open` after the first). Group DMs (several users) are not modelled.
 */
const open: MethodDefinition = {
  auth: 'bot',
  scope: 'im:write',
  handle({ params, state, workspace }) {
    const channelArg = params.string('channel');
    if (channelArg) {
      if (!workspace.userByDm.has(channelArg)) throw new SlackApiError('channel_not_found');
      return { no_op: true, already_open: true, channel: { id: channelArg } };
    }
    const users = (params.string('users') ?? '')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean);
    if (users.length === 0) throw new SlackApiError('not_enough_users');
    if (users.length > 1) {
      throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] the local Slack server opens DMs with one user only'] } });
    }
    const user = workspace.users.get(users[0]!);
    if (!user) throw new SlackApiError('user_not_found');
    if (user.deleted) throw new SlackApiError('user_disabled');
    if (user.isBot) throw new SlackApiError('cannot_dm_bot');
    const existed = workspace.dmByUser.has(user.id);
    const id = state.directory.openDm(workspace, user.id);
    return { ...(existed ? { no_op: true, already_open: true } : {}), channel: { id } };
  },
};

export const conversationMethods: Record<string, MethodDefinition> = {
  'conversations.open': open,
};
