/**
 * The bot scopes the local server knows: those its methods check, chat:write.public (which lets
 * chat.postMessage reach a public channel the bot is not in) and commands (slash commands, which
 * no Web API method checks). A workspace given no scopes has them all, as a fresh installation
 * from Pacer's manifest does.
 */
export const LOCAL_SLACK_SCOPES = ['commands', 'chat:write', 'chat:write.public', 'im:write', 'users:read', 'users:read.email', 'files:read', 'files:write'] as const;

export type LocalSlackScope = (typeof LOCAL_SLACK_SCOPES)[number];
