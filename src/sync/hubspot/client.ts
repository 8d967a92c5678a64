/**
 * The HubSpot REST endpoints Pacer reads (CRM v3 objects, search, batch reads with property
 * history, v4 associations, owners, deal pipelines, account details), through Pacer's own HTTP
 * layer (../http.ts).
 *
 * Why not @hubspot/api-client: Pacer needs exactly these calls, the 429's `policyName` (to tell
 * the 10-second limit from the daily one), Retry-After and its own single throttle across every
 * call of a sync. The SDK wraps the same JSON in generated classes, brings its own limiter
 * (bottleneck) and retry decorator that would have to be switched off call by call to leave
 * Pacer's backoff in charge, and hides the status body in its exception types; the documented
 * REST API through Node's fetch is smaller and lets every limit be seen and tested.
 */
import type { Logger } from '../../logger.js';
import { SyncError } from '../errors.js';
import { CrmHttp, type CrmDialect } from '../http.js';
import { Throttle, type Timer } from '../rate-limit.js';

/** Documented page sizes (see docs/crm-sync.md for the vendor pages). */
export const HUBSPOT_PAGES: HubSpotPages = {
  list: 100,
  search: 200,
  /** Results of one search query that paging can reach. */
  searchResults: 10_000,
  batchRead: 100,
  batchReadWithHistory: 50,
  associations: 1000,
  owners: 100,
};

export interface HubSpotPages {
  list: number;
  search: number;
  searchResults: number;
  batchRead: number;
  batchReadWithHistory: number;
  associations: number;
  owners: number;
}

/**
 * HubSpot's windows: the burst limit counts 10 rolling seconds, search one second. Pacer's throttle
 * keeps each request in its windows until a window after its answer arrived (../rate-limit.ts),
 * by when HubSpot has surely counted it: network latency and its jitter need no margin.
 */
export interface HubSpotWindows {
  generalMs: number;
  searchMs: number;
}
export const HUBSPOT_WINDOWS: HubSpotWindows = { generalMs: 10_000, searchMs: 1_000 };

/**
 * How much longer Pacer's windows are than HubSpot's: only for the two clocks running at different
 * rates (clock offsets do not matter; every time compared is on Pacer's clock). NTP corrects a
 * clock's frequency by at most 500 ppm (RFC 5905's tolerance, the Linux kernel's limit), so two
 * clocks differ by at most 1,000 ppm: 1 ms a second, 10 ms over the burst window.
 */
export const CLOCK_RATE_TOLERANCE = 0.001;

export interface HubSpotObject {
  id: string;
  properties: Record<string, string | null>;
  propertiesWithHistory?: Record<string, { value: string; timestamp: string }[]>;
  createdAt?: string;
  updatedAt?: string;
  archived?: boolean;
  archivedAt?: string;
}

export interface SearchFilter {
  propertyName: string;
  operator: 'EQ' | 'GT' | 'GTE' | 'LT' | 'LTE' | 'HAS_PROPERTY' | 'NOT_HAS_PROPERTY' | 'IN' | 'NOT_IN';
  value?: string;
  values?: string[];
}

export interface SearchRequest {
  filterGroups: { filters: SearchFilter[] }[];
  sorts: { propertyName: string; direction: 'ASCENDING' | 'DESCENDING' }[];
  properties: string[];
  limit: number;
  after?: string;
}

export interface SearchAnswer {
  total: number;
  results: HubSpotObject[];
  paging?: { next?: { after: string } };
}

export interface Owner {
  id: string;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  updatedAt?: string;
  archived?: boolean;
}

export interface Pipeline {
  id: string;
  label: string;
  stages: { id: string; label: string; metadata?: { isClosed?: string | boolean; probability?: string | number } }[];
}

export interface AccountDetails {
  portalId: number;
  uiDomain: string;
  timeZone?: string;
}

interface HubSpotErrorBody {
  message?: string;
  category?: string;
  policyName?: string;
  errorType?: string;
}

function errorBody(body: unknown): HubSpotErrorBody {
  return typeof body === 'object' && body !== null ? body : { message: typeof body === 'string' ? body.slice(0, 300) : undefined };
}

/** HubSpot's failures in words a person can act on (the message HubSpot gives is kept). */
export const hubspotDialect = (windows: HubSpotWindows): CrmDialect => ({
  name: 'HubSpot',
  rateLimited(body) {
    const { policyName, message } = errorBody(body);
    if (policyName === 'DAILY') {
      return { waitMs: 0, stopRun: `HubSpot's daily request limit is reached (${message ?? 'policy DAILY'}); syncing resumes after it resets at midnight in the account's time zone` };
    }
    // Search's per-second limit holds back only the searches; the burst limit (or a policy not
    // known here) every request.
    if (policyName === 'SECONDLY') return { waitMs: windows.searchMs, stopRun: null, holds: 'search' };
    return { waitMs: windows.generalMs, stopRun: null };
  },
  failure(status, body) {
    const { message, category } = errorBody(body);
    const said = message ? `: ${message}` : '';
    if (status === 401) {
      return new SyncError(
        'auth',
        `HubSpot refused the token (${category ?? '401'})${said}. The private app's token may be revoked, rotated or expired: put a valid one in the source's token variable`,
        {
          token: category === 'EXPIRED_AUTHENTICATION' ? 'expired' : 'revoked',
        },
      );
    }
    if (status === 403) {
      return new SyncError('permission', `HubSpot refused the request for lack of permission (${category ?? '403'})${said}. Give the private app the read scopes listed in docs/crm-sync.md`);
    }
    if (status === 404) return new SyncError('refused', `HubSpot has no such endpoint or record (404)${said}; check the source's apiUrl`);
    return new SyncError('refused', `HubSpot refused the request (${status}${category ? ` ${category}` : ''})${said}`);
  },
});

export interface HubSpotClientOptions {
  apiUrl: string;
  token: string;
  limits: { per10Seconds: number; searchPerSecond: number | null };
  logger: Logger;
  /** Window lengths; shorter in tests against a scaled-down local HubSpot. */
  windows?: HubSpotWindows;
  /** Page and batch sizes; smaller in tests that reach the caps with little data. */
  pages?: Partial<HubSpotPages>;
  timer?: Timer;
  backoffMs?: number;
}

export class HubSpotClient {
  readonly http: CrmHttp;
  readonly pages: HubSpotPages;

  constructor(options: HubSpotClientOptions) {
    this.pages = { ...HUBSPOT_PAGES, ...options.pages };
    const windows = options.windows ?? HUBSPOT_WINDOWS;
    const margin = (ms: number) => ms * (1 + CLOCK_RATE_TOLERANCE);
    const { per10Seconds, searchPerSecond } = options.limits;
    // While searching, the other requests leave the searches their share of the burst limit.
    const searchShare = searchPerSecond === null ? 0 : Math.floor((searchPerSecond * windows.generalMs) / windows.searchMs);
    const throttle = new Throttle(
      {
        general: [{ limit: per10Seconds, windowMs: margin(windows.generalMs) }],
        search: searchPerSecond === null ? [] : [{ limit: searchPerSecond, windowMs: margin(windows.searchMs) }],
      },
      options.timer,
      searchShare > 0 && searchShare < per10Seconds ? { kind: 'search', others: { limit: per10Seconds - searchShare, windowMs: margin(windows.generalMs) } } : null,
    );
    const token = options.token;
    this.http = new CrmHttp({
      baseUrl: options.apiUrl,
      authorization: () => `Bearer ${token}`,
      dialect: hubspotDialect(windows),
      throttle,
      logger: options.logger,
      ...(options.timer ? { timer: options.timer } : {}),
      ...(options.backoffMs === undefined ? {} : { backoffMs: options.backoffMs }),
    });
  }

  accountDetails(): Promise<AccountDetails> {
    return this.http.json({ method: 'GET', path: '/account-info/v3/details' });
  }

  async *owners(archived: boolean): AsyncGenerator<Owner[]> {
    let after: string | undefined;
    do {
      const page = await this.http.json<{ results: Owner[]; paging?: { next?: { after: string } } }>({
        method: 'GET',
        path: '/crm/v3/owners',
        query: { limit: String(this.pages.owners), after, archived: String(archived) },
      });
      yield page.results;
      after = page.paging?.next?.after;
    } while (after !== undefined);
  }

  async dealPipelines(): Promise<Pipeline[]> {
    return (await this.http.json<{ results: Pipeline[] }>({ method: 'GET', path: '/crm/v3/pipelines/deals' })).results;
  }

  search(objectType: string, request: SearchRequest): Promise<SearchAnswer> {
    return this.http.json({ method: 'POST', path: `/crm/v3/objects/${objectType}/search`, body: request, classes: ['search'] });
  }

  /** Up to 100 records by id (50 when asking for property history). */
  async batchRead(objectType: string, ids: readonly string[], properties: readonly string[], propertiesWithHistory: readonly string[] = []): Promise<HubSpotObject[]> {
    if (ids.length === 0) return [];
    const answer = await this.http.json<{ results: HubSpotObject[] }>({
      method: 'POST',
      path: `/crm/v3/objects/${objectType}/batch/read`,
      body: { inputs: ids.map((id) => ({ id })), properties, ...(propertiesWithHistory.length ? { propertiesWithHistory } : {}) },
    });
    return answer.results;
  }

  /** The ids each record is associated with, 1,000 records a request. */
  async associations(from: string, to: string, ids: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (let i = 0; i < ids.length; i += this.pages.associations) {
      const answer = await this.http.json<{ results: { from: { id: string }; to: { toObjectId: string | number }[] }[] }>({
        method: 'POST',
        path: `/crm/v4/associations/${from}/${to}/batch/read`,
        body: { inputs: ids.slice(i, i + this.pages.associations).map((id) => ({ id })) },
      });
      for (const r of answer.results)
        out.set(
          String(r.from.id),
          r.to.map((t) => String(t.toObjectId)),
        );
    }
    return out;
  }

  /** One page of a list of records (with their property history, at most 50 a page). */
  list(
    objectType: string,
    query: { properties: readonly string[]; propertiesWithHistory: readonly string[]; limit: number; after: string | undefined },
  ): Promise<{ results: HubSpotObject[]; paging?: { next?: { after: string } } }> {
    return this.http.json({
      method: 'GET',
      path: `/crm/v3/objects/${objectType}`,
      query: { limit: String(query.limit), after: query.after, properties: query.properties.join(','), propertiesWithHistory: query.propertiesWithHistory.join(',') },
    });
  }

  /** One page of archived (deleted) records. */
  archived(objectType: string, after: string | undefined): Promise<{ results: HubSpotObject[]; paging?: { next?: { after: string } } }> {
    return this.http.json({ method: 'GET', path: `/crm/v3/objects/${objectType}`, query: { archived: 'true', limit: String(this.pages.list), after } });
  }
}
