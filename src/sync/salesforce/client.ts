/**
 * The Salesforce REST endpoints Pacer reads (SOQL query and queryAll with their
 * `nextRecordsUrl` paging, sObject Get Deleted, and the OAuth token endpoint), through Pacer's
 * own HTTP layer (../http.ts), as the HubSpot source does.
 *
 * Why not jsforce (3.10.16 is the newest that declares Node ≥ 18): it can be pointed at any
 * instance URL, but its request layer retries every GET on 420, 429, 5xx and network errors
 * with its own exponential backoff (five times by default, set module-wide, and a 420 twice
 * whatever the options say), and refreshes sessions through its own delegate. Turning that off
 * call by call to leave Pacer's single throttle and backoff in charge, and still seeing the
 * 403 REQUEST_LIMIT_EXCEEDED and INVALID_SESSION_ID bodies Pacer must act on, would cost more
 * than these few documented calls through Node's fetch — and the sync reads only three
 * resources.
 */
import type { Logger } from '../../logger.js';
import { SyncError, type SyncFailureKind } from '../errors.js';
import { CrmHttp, type CrmDialect, type HttpRequest } from '../http.js';
import { realTimer, Throttle, type Timer } from '../rate-limit.js';
import { issuedAtOf, oauthDialect, tokenForm, TokenCache, type AccessToken, type SalesforceCredentials, type VariableNames } from './auth.js';

/** The REST API version Pacer speaks (Winter '25); every field it reads exists since. */
export const SALESFORCE_API_VERSION = '62.0';
const DATA = `/services/data/v${SALESFORCE_API_VERSION}`;

/** Tries a REQUEST_LIMIT_EXCEEDED request gets before the run ends (the next one carries on). */
const LIMIT_TRIES = 5;

export interface SalesforceErrorItem {
  message?: string;
  errorCode?: string;
}

/** A refusal of the REST API, with Salesforce's errorCode (and its words) for the callers that act on one. */
export class SalesforceApiError extends SyncError {
  constructor(
    kind: SyncFailureKind,
    message: string,
    readonly errorCode: string,
    /** `ERROR_CODE: Salesforce's message`. */
    readonly said: string,
  ) {
    super(kind, message);
  }
}

function firstError(body: unknown): SalesforceErrorItem {
  const item: unknown = Array.isArray(body) ? body[0] : body;
  if (typeof item === 'object' && item !== null) return item;
  return { message: typeof body === 'string' ? body.slice(0, 300) : undefined };
}

/** Salesforce's REST failures in words a person can act on (Salesforce's own message kept). */
export function salesforceDialect(limitBackoffMs: number): CrmDialect {
  return {
    name: 'Salesforce',
    isRateLimited: (status, body) => status === 403 && firstError(body).errorCode === 'REQUEST_LIMIT_EXCEEDED',
    rateLimited(body, attempt) {
      if (attempt >= LIMIT_TRIES) {
        const { message } = firstError(body);
        return {
          waitMs: 0,
          stopRun: `Salesforce's API request limit is exceeded (REQUEST_LIMIT_EXCEEDED${message ? `: ${message}` : ''}) after ${attempt} tries with backoff; the next sync carries on from the checkpoints`,
        };
      }
      return { waitMs: limitBackoffMs * 2 ** (attempt - 1), stopRun: null };
    },
    failure(status, body) {
      const { message, errorCode = String(status) } = firstError(body);
      const said = `${errorCode}${message ? `: ${message}` : ''}`;
      const refusal = (kind: SyncFailureKind, text: string) => new SalesforceApiError(kind, text, errorCode, said);
      if (status === 401) return refusal('auth', `Salesforce refused the access token (${said})`);
      if (errorCode === 'INVALID_FIELD' || errorCode === 'INVALID_TYPE' || status === 403) {
        return refusal(
          'permission',
          `Salesforce refused the request for lack of access (${said}). Give the integration user the API Enabled permission and read access to Users, Leads, Opportunities, Tasks and Events and the fields listed in docs/crm-sync.md`,
        );
      }
      if (errorCode === 'INVALID_QUERY_LOCATOR') return refusal('unavailable', `Salesforce dropped the query's cursor (${said}); the next sync carries on from the checkpoints`);
      if (status === 404) return refusal('refused', `Salesforce has no such resource (404 ${said}); check the source's instanceUrl`);
      return refusal('refused', `Salesforce refused the request (${status} ${said})`);
    },
  };
}

export interface QueryPage<R> {
  records: R[];
  done: boolean;
}

interface QueryResult<R> {
  totalSize: number;
  done: boolean;
  records: R[];
  nextRecordsUrl?: string;
}

export interface DeletedResult {
  deletedRecords: { id: string; deletedDate: string }[];
  earliestDateAvailable?: string;
  latestDateCovered?: string;
}

const sessionInvalid = (err: unknown): err is SalesforceApiError => err instanceof SalesforceApiError && err.errorCode === 'INVALID_SESSION_ID';

/** Only a path of this instance's query resource is followed (a token is never sent elsewhere). */
const NEXT_RECORDS = /^\/services\/data\/v\d+\.\d+\/query(All)?\/[A-Za-z0-9-]+$/;

/** `2026-11-23T12:00:00Z`: a SOQL datetime literal (whole seconds) or a Get Deleted bound. */
export function soqlDateTime(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

export interface SalesforceClientOptions {
  instanceUrl: string;
  credentials: SalesforceCredentials;
  variables: VariableNames;
  limits: { per10Seconds: number };
  logger: Logger;
  tokens: TokenCache;
  /** Length of the throttle's window (10 s; shorter in tests). */
  windowMs?: number;
  /** First wait after REQUEST_LIMIT_EXCEEDED; doubled each try. */
  limitBackoffMs?: number;
  backoffMs?: number;
  timer?: Timer;
  /** The wall clock (the JWT's expiry): Salesforce's, never PACER_NOW's. */
  now?: () => number;
}

export class SalesforceClient {
  readonly api: CrmHttp;
  private readonly oauth: CrmHttp;
  private readonly key: string;
  private token: AccessToken | null = null;
  private renewing: Promise<void> | null = null;

  constructor(private readonly options: SalesforceClientOptions) {
    const timer = options.timer ?? realTimer;
    const windowMs = options.windowMs ?? 10_000;
    // Salesforce counts requests over 24 hours, not per window; Pacer's own window still keeps a
    // sync from taking the org's whole allowance in a burst other integrations need too.
    const throttle = new Throttle({ general: [{ limit: options.limits.per10Seconds, windowMs }] }, timer);
    const common = { baseUrl: options.instanceUrl, logger: options.logger, timer, ...(options.backoffMs === undefined ? {} : { backoffMs: options.backoffMs }) };
    this.api = new CrmHttp({
      ...common,
      authorization: () => (this.token === null ? null : `Bearer ${this.token.accessToken}`),
      dialect: salesforceDialect(options.limitBackoffMs ?? 15_000),
      throttle,
    });
    this.oauth = new CrmHttp({ ...common, authorization: () => null, dialect: oauthDialect(options.credentials, options.variables), throttle: new Throttle({}, timer) });
    this.key = TokenCache.keyOf(options.instanceUrl, options.credentials);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** An access token: the process's cached one, else a new one from the token endpoint. */
  async signIn(): Promise<void> {
    const cached = this.options.tokens.get(this.key);
    if (cached) {
      this.token = cached;
      return;
    }
    const form = tokenForm(this.options.credentials, this.options.instanceUrl, this.options.variables, this.now());
    const answer = await this.oauth.json<{ access_token?: string; issued_at?: string }>({ method: 'POST', path: '/services/oauth2/token', form });
    if (typeof answer.access_token !== 'string' || answer.access_token === '') throw new SyncError('auth', "Salesforce's token endpoint answered without an access token");
    this.token = { accessToken: answer.access_token, issuedAt: issuedAtOf(answer.issued_at, this.now()) };
    this.options.tokens.set(this.key, this.token);
  }

  /**
   * Drops `stale` and signs in again — once for every request that failed with it, as the
   * objects of a sync may read at the same time.
   */
  private async renew(stale: AccessToken): Promise<void> {
    if (this.token !== null && this.token !== stale) return;
    this.renewing ??= (async () => {
      this.options.tokens.invalidate(this.key, stale);
      this.token = null;
      this.options.logger.info('Salesforce session expired or invalid: signing in again');
      await this.signIn();
    })().finally(() => {
      this.renewing = null;
    });
    await this.renewing;
  }

  /**
   * A REST call with the current token; on INVALID_SESSION_ID (expired, or ended by an admin) a
   * new token is obtained and the call tried once more.
   */
  private async call<T>(req: HttpRequest): Promise<T> {
    if (this.token === null) await (this.renewing ?? this.signIn());
    const used = this.token!;
    try {
      return await this.api.json<T>(req);
    } catch (err) {
      if (!sessionInvalid(err)) throw err;
      await this.renew(used);
      try {
        return await this.api.json<T>(req);
      } catch (again) {
        if (sessionInvalid(again)) {
          throw new SyncError('auth', `Salesforce refused a new access token too (${again.said}); the integration user may be frozen, or its session settings may block API access`);
        }
        throw again;
      }
    }
  }

  /** A SOQL query's pages, following `nextRecordsUrl`; `all` runs it through queryAll (deleted records too). */
  async *query<R>(soql: string, all = false): AsyncGenerator<QueryPage<R>> {
    let page = await this.call<QueryResult<R>>({ method: 'GET', path: `${DATA}/${all ? 'queryAll' : 'query'}`, query: { q: soql } });
    for (;;) {
      const next = page.done ? undefined : page.nextRecordsUrl;
      yield { records: page.records, done: next === undefined };
      if (next === undefined) return;
      if (!NEXT_RECORDS.test(next)) throw new SyncError('refused', `Salesforce answered a nextRecordsUrl Pacer does not follow: ${JSON.stringify(next.slice(0, 200))}`);
      page = await this.call<QueryResult<R>>({ method: 'GET', path: next });
    }
  }

  /** Every record of a query (for small reads: users, stages, histories of a page). */
  async queryAll<R>(soql: string): Promise<R[]> {
    const out: R[] = [];
    for await (const page of this.query<R>(soql)) out.push(...page.records);
    return out;
  }

  /** Ids of `object`'s records deleted between the two instants (Salesforce ignores their seconds). */
  getDeleted(object: string, startMs: number, endMs: number): Promise<DeletedResult> {
    return this.call({ method: 'GET', path: `${DATA}/sobjects/${object}/deleted/`, query: { start: soqlDateTime(startMs), end: soqlDateTime(endMs) } });
  }
}
