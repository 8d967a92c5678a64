/** Shapes of the local HubSpot (state.ts, server.ts, seed.ts). */

/**
 * HubSpot's documented limits (docs/crm-sync.md cites the vendor pages): a Free/Starter
 * account's burst limit of 100 requests per rolling 10 seconds, search 5 requests a second,
 * page and batch sizes, 10,000 results per search query, and the search filter limits.
 */
export interface LocalHubSpotLimits {
  windowMs: number;
  perWindow: number;
  searchWindowMs: number;
  searchPerWindow: number;
  daily: number;
  listPage: number;
  listPageWithHistory: number;
  searchPage: number;
  searchResults: number;
  filterGroups: number;
  filtersPerGroup: number;
  filtersTotal: number;
  batchRead: number;
  batchReadWithHistory: number;
  associationsBatch: number;
  ownersPage: number;
}

export const DOCUMENTED_LIMITS: LocalHubSpotLimits = {
  windowMs: 10_000,
  perWindow: 100,
  searchWindowMs: 1_000,
  searchPerWindow: 5,
  daily: 250_000,
  listPage: 100,
  listPageWithHistory: 50,
  searchPage: 200,
  searchResults: 10_000,
  filterGroups: 5,
  filtersPerGroup: 10,
  filtersTotal: 25,
  batchRead: 100,
  batchReadWithHistory: 50,
  associationsBatch: 1000,
  ownersPage: 500,
};

/** The documented limits with every time window multiplied by `factor` (0.01: 10 s → 100 ms), sizes unchanged. */
export function scaledLimits(factor: number, overrides: Partial<LocalHubSpotLimits> = {}): LocalHubSpotLimits {
  return { ...DOCUMENTED_LIMITS, windowMs: DOCUMENTED_LIMITS.windowMs * factor, searchWindowMs: DOCUMENTED_LIMITS.searchWindowMs * factor, ...overrides };
}

export type HistoryEntry = { value: string; timestamp: string; sourceType: string };

export interface StoredRecord {
  id: string;
  properties: Record<string, string>;
  /** Every value each property has had, oldest first. */
  history: Record<string, HistoryEntry[]>;
  createdAt: number;
  updatedAt: number;
  archivedAt: number | null;
}

export interface LocalOwner {
  id: string;
  email: string | null;
  firstName?: string;
  lastName?: string;
  archived?: boolean;
  updatedAt: number;
}

export interface LocalPipeline {
  id: string;
  label: string;
  stages: { id: string; label: string; closed?: 'won' | 'lost' }[];
}

/** A failure the server answers with instead of the real answer (to requests whose path starts with `path`, when given). */
export type LocalHubSpotFailure = ({ status: 429; policyName: 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY'; retryAfterSeconds?: number } | { status: 500 | 502 | 503 }) & { path?: string };

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  /** 'search' for search requests, else 'general'. */
  kind: 'search' | 'general';
}

export interface LocalHubSpotOptions {
  /** The private app token that is accepted. */
  token: string;
  portalId?: number;
  limits?: LocalHubSpotLimits;
  host?: string;
  port?: number;
  /** Real time in ms for the rate limits (tests may drive it). */
  now?: () => number;
}

/**
 * Called when a request has passed authentication, before it is counted in the rate limits and
 * answered (a delay here delays both, as a server counting late would): tests kill a sync process
 * here, or queue a failure for this very request.
 */
export type RequestHook = (request: { n: number; method: string; path: string }) => void | Promise<void>;
