/** The bot scopes manifest.yml declares and OAuth installs ask for (tests/unit/manifest.test.ts keeps them equal). */
export const BOT_SCOPES = ['commands', 'chat:write', 'im:write', 'users:read', 'users:read.email', 'files:write'] as const;
