/**
 * Salesforce's OAuth 2.0 for a server without a person at hand: the JWT bearer flow (an RS256
 * assertion signed with the connected app's private key, by node:crypto — a JWT is three
 * base64url parts, no library needed) or the refresh token flow. Access tokens live in memory
 * only (a TokenCache per process, so a sync every 10 minutes does not sign in every time), are
 * never logged, and are dropped when Salesforce says the session is invalid.
 */
import { createHash, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { envName, ENV_REFERENCE } from '../../config/sources-schema.js';
import type { SalesforceSourceConfig } from '../../config/sources-rules.js';
import { SyncError } from '../errors.js';
import type { CrmDialect } from '../http.js';

/** What the environment holds for a source (read when a sync starts). */
export interface SalesforceCredentials {
  clientId: string;
  clientSecret: string | null;
  username: string | null;
  /** PEM. */
  privateKey: string | null;
  refreshToken: string | null;
}

export interface AccessToken {
  accessToken: string;
  /** When it was issued (epoch ms, Salesforce's `issued_at`, else when received). */
  issuedAt: number;
}

/** The assertion's lifetime: Salesforce takes an `exp` at most 3 minutes ahead. */
const ASSERTION_SECONDS = 3 * 60;

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/**
 * The JWT's audience: Salesforce's login server for production orgs, the test one for sandboxes
 * (My Domain sandbox hosts read `<domain>--<sandbox>.sandbox.my.salesforce.com`, formerly
 * `<domain>--<sandbox>.my.salesforce.com`).
 */
export function jwtAudience(instanceUrl: string): string {
  const host = URL.parse(instanceUrl)?.hostname ?? '';
  return host.endsWith('.sandbox.my.salesforce.com') || host.includes('--') ? 'https://test.salesforce.com' : 'https://login.salesforce.com';
}

/** A PEM key as environment variables often hold it: with literal "\n" for its line breaks. */
export function parsePrivateKey(pem: string, variable: string): KeyObject {
  try {
    return createPrivateKey(pem.includes('\\n') ? pem.replace(/\\n/g, '\n') : pem);
  } catch (err) {
    throw new SyncError(
      'config',
      `${variable} does not hold a PEM private key (${err instanceof Error ? err.message : String(err)}); put the connected app's private key there, the one whose certificate the app has`,
    );
  }
}

/** The signed assertion of the JWT bearer flow: iss = the consumer key, sub = the user, aud, exp. */
export function jwtAssertion(options: { clientId: string; username: string; audience: string; key: KeyObject; nowMs: number }): string {
  const header = base64url(JSON.stringify({ alg: 'RS256' }));
  const claims = base64url(JSON.stringify({ iss: options.clientId, sub: options.username, aud: options.audience, exp: Math.floor(options.nowMs / 1000) + ASSERTION_SECONDS }));
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${claims}`), options.key);
  return `${header}.${claims}.${base64url(signature)}`;
}

/** The token request's form for the configured flow. */
export function tokenForm(credentials: SalesforceCredentials, instanceUrl: string, variables: VariableNames, nowMs: number): Record<string, string> {
  if (credentials.privateKey !== null) {
    return {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: jwtAssertion({
        clientId: credentials.clientId,
        username: credentials.username ?? '',
        audience: jwtAudience(instanceUrl),
        key: parsePrivateKey(credentials.privateKey, variables.privateKey ?? 'the private key variable'),
        nowMs,
      }),
    };
  }
  return {
    grant_type: 'refresh_token',
    client_id: credentials.clientId,
    refresh_token: credentials.refreshToken ?? '',
    ...(credentials.clientSecret === null ? {} : { client_secret: credentials.clientSecret }),
  };
}

/** The variables a source's credentials come from, for messages (names, never values). */
export interface VariableNames {
  clientId: string;
  clientSecret: string | null;
  privateKey: string | null;
  refreshToken: string | null;
  username: string | null;
}

export function variableNames(auth: SalesforceSourceConfig['auth']): VariableNames {
  const name = (ref: string | null) => (ref !== null && ENV_REFERENCE.test(ref) ? envName(ref) : null);
  return { clientId: envName(auth.clientId), clientSecret: name(auth.clientSecret), privateKey: name(auth.privateKey), refreshToken: name(auth.refreshToken), username: name(auth.username) };
}

interface OAuthErrorBody {
  error?: string;
  error_description?: string;
}

const oauthError = (body: unknown): OAuthErrorBody => (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {});

/**
 * The token endpoint's failures in words a person can act on. Every refusal stops the source:
 * only a person can issue a new refresh token, approve the user or fix the consumer key.
 */
export function oauthDialect(credentials: SalesforceCredentials, variables: VariableNames): CrmDialect {
  const jwt = credentials.privateKey !== null;
  return {
    name: 'Salesforce',
    rateLimited: (_body, attempt) => ({ waitMs: 1000 * 2 ** (attempt - 1), stopRun: null }),
    failure(status, body) {
      const { error, error_description: description } = oauthError(body);
      const said = `${error ?? status}${description ? `: ${description}` : ''}`;
      if (error === 'invalid_client_id') {
        return new SyncError('auth', `Salesforce does not know the consumer key in ${variables.clientId} (${said}); put the connected app's consumer key there`);
      }
      if (error === 'invalid_client') {
        return new SyncError('auth', `Salesforce refused the connected app's credentials (${said}); check ${variables.clientId}${variables.clientSecret ? ` and ${variables.clientSecret}` : ''}`);
      }
      if (error === 'invalid_grant' && jwt) {
        return new SyncError(
          'auth',
          `Salesforce refused the JWT bearer sign-in of ${credentials.username ?? '(no user)'} (${said}). Check that the connected app holds the certificate of the key in ${variables.privateKey}, that the user is pre-authorized for it (Manage → Edit Policies → Admin approved users are pre-authorized, with the user's profile or permission set added) and that the user is active`,
        );
      }
      if (error === 'invalid_grant') {
        return new SyncError(
          'auth',
          `Salesforce refused the refresh token in ${variables.refreshToken} (${said}): it was revoked or has expired. Authorize Pacer's connected app again and put the new refresh token in ${variables.refreshToken}`,
        );
      }
      return new SyncError('auth', `Salesforce's token endpoint refused the sign-in (${status} ${said})`);
    },
  };
}

/** Salesforce's `issued_at` (epoch ms as text) or now. */
export function issuedAtOf(value: unknown, nowMs: number): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? n : nowMs;
}

/**
 * Access tokens by source identity (instance, consumer key, user or refresh token), held by one
 * process. A token Salesforce calls invalid is forgotten, so the next request signs in again.
 */
export class TokenCache {
  private readonly tokens = new Map<string, AccessToken>();

  static keyOf(instanceUrl: string, credentials: SalesforceCredentials): string {
    const who = credentials.privateKey !== null ? `jwt:${credentials.username}:${credentials.privateKey}` : `refresh:${credentials.refreshToken}`;
    return createHash('sha256').update(`${instanceUrl}\n${credentials.clientId}\n${who}`).digest('hex');
  }

  get(key: string): AccessToken | undefined {
    return this.tokens.get(key);
  }

  set(key: string, token: AccessToken): void {
    this.tokens.set(key, token);
  }

  /** Forgets `token` (not a newer one another sync of the same source stored meanwhile). */
  invalidate(key: string, token: AccessToken): void {
    if (this.tokens.get(key)?.accessToken === token.accessToken) this.tokens.delete(key);
  }
}
