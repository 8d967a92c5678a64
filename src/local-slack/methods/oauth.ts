import { SlackApiError } from '../params.js';
import type { LocalSlackState } from '../state.js';
import type { CallContext, MethodDefinition } from './context.js';

/**
 * The app's client credentials, from HTTP Basic auth (Slack's preference) or the client_id and
 * client_secret arguments, checked against the configured ones: `invalid_client_id`, then
 * `bad_client_secret`, as Slack checks them.
 */
function checkClient({ params, basic, state }: CallContext): void {
  const id = basic?.id ?? params.string('client_id');
  const secret = basic?.secret ?? params.string('client_secret');
  if (!state.oauth || !id || id !== state.oauth.clientId) throw new SlackApiError('invalid_client_id');
  if (secret !== state.oauth.clientSecret) throw new SlackApiError('bad_client_secret');
}

function takeGrant(state: LocalSlackState, code: string | undefined, redirectUri: string | undefined) {
  const grant = code ? state.oauthCodes.get(code) : undefined;
  if (!code || !grant || grant.expiresAt <= state.now()) throw new SlackApiError('invalid_code');
  if (grant.redirectUri !== undefined && redirectUri !== grant.redirectUri) throw new SlackApiError('bad_redirect_uri');
  state.oauthCodes.delete(code);
  return grant;
}

/**
 * oauth.v2.access: exchanges a code from issueOAuthCode (single use, ten minutes) for the
 * workspace's bot token. Installing again brings a revoked token back, as a reinstall gives a
 * working token in Slack.
 */
const access: MethodDefinition = {
  auth: 'none',
  handle(ctx) {
    const { params, state } = ctx;
    checkClient(ctx);
    const grant = takeGrant(state, params.string('code'), params.string('redirect_uri'));
    const workspace = state.directory.workspace(grant.teamId);
    state.directory.restoreToken(workspace.botToken);
    return {
      app_id: workspace.appId,
      authed_user: { id: grant.installerUserId },
      scope: grant.scopes.join(','),
      token_type: 'bot',
      access_token: workspace.botToken,
      bot_user_id: workspace.botUserId,
      team: { id: workspace.teamId, name: workspace.teamName },
      enterprise: null,
      is_enterprise_install: false,
    };
  },
};

/** apps.uninstall: removes the app from the token's workspace; its token stops working (token_revoked). */
const uninstall: MethodDefinition = {
  auth: 'bot',
  handle(ctx) {
    if (ctx.state.oauth) checkClient(ctx);
    ctx.state.directory.revokeToken(ctx.workspace.botToken);
    return {};
  },
};

export const oauthMethods: Record<string, MethodDefinition> = {
  'oauth.v2.access': access,
  'apps.uninstall': uninstall,
};
