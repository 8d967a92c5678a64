import type { MethodDefinition } from './context.js';

/**
 * auth.test: who the token is. `url` is the workspace's address on this server rather than a
 * slack.com one, so nothing built from it leads outside the local setup.
 */
const test: MethodDefinition = {
  auth: 'bot',
  read: true,
  handle({ state, workspace }) {
    const bot = workspace.users.get(workspace.botUserId);
    return {
      url: `${state.baseUrl}/team/${workspace.teamId}/`,
      team: workspace.teamName,
      user: bot?.name ?? 'bot',
      team_id: workspace.teamId,
      user_id: workspace.botUserId,
      bot_id: workspace.botId,
      app_id: workspace.appId,
      is_enterprise_install: false,
    };
  },
};

/** api.test: echoes its arguments, no token needed; handy to check the server is up. */
const apiTest: MethodDefinition = {
  auth: 'none',
  read: true,
  handle({ params }) {
    const args = { ...params.values };
    delete args.token;
    return Object.keys(args).length > 0 ? { args } : {};
  },
};

export const authMethods: Record<string, MethodDefinition> = {
  'auth.test': test,
  'api.test': apiTest,
};
