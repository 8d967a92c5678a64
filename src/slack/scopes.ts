import { WebAPIPlatformError } from '@slack/web-api';

/** The bot scopes manifest.yml declares and OAuth installs ask for (tests/unit/manifest.test.ts keeps them equal). */
export const BOT_SCOPES = ['commands', 'chat:write', 'chat:write.public', 'im:write', 'users:read', 'users:read.email', 'files:read', 'files:write'] as const;

/**
 * Scopes the manifest gained after the first installations, and what Pacer does without them:
 * installations made before lack them until reinstalled, and Pacer falls back rather than fails.
 */
export const LATER_SCOPES: Readonly<Record<string, string>> = {
  'files:read': 'charts go out after a short pause instead of once Slack has processed them, so one may be left out',
  'chat:write.public': 'team recaps reach only channels @Pacer was invited to',
};

/** Notes what Slack says about a workspace token's scopes (recorded for `pacer status`). */
export interface ScopeWatch {
  /** Slack refused a call for want of `scope`. */
  missing(scope: string): Promise<void>;
  /** The token was seen to have these scopes. */
  granted(scopes: readonly string[]): Promise<void>;
}

/** The scopes a `missing_scope` error says are needed (Slack may list several, comma-separated); [] for any other error. */
export function neededScopes(err: unknown): string[] {
  if (!(err instanceof WebAPIPlatformError) || err.data.error !== 'missing_scope') return [];
  const needed: unknown = (err.data as { needed?: unknown }).needed;
  return typeof needed === 'string'
    ? needed
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}

/** The token's scopes as Slack's x-oauth-scopes header gave them with an answer (WebClient's response_metadata), or null. */
export function tokenScopes(answer: { response_metadata?: { scopes?: string[] } } | undefined): string[] | null {
  return answer?.response_metadata?.scopes ?? null;
}

/** One line saying which scopes are missing, what that costs, and how to add them. */
export function missingScopesLine(scopes: readonly string[]): string {
  const what = scopes.map((s) => (LATER_SCOPES[s] ? `${s} (${LATER_SCOPES[s]})` : s)).join('; ');
  return (
    `Slack scopes missing: ${what}. The app was installed before manifest.yml asked for ${scopes.length === 1 ? 'it' : 'them'}: ` +
    'add the bot scopes at api.slack.com/apps → Pacer → OAuth & Permissions (or update the app from manifest.yml), ' +
    'then reinstall it to the workspace (in OAuth mode, open /slack/install again).'
  );
}
