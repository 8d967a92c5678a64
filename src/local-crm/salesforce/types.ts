/** Shapes of the local Salesforce (state.ts, soql.ts, server.ts, seed.ts). */
import type { KeyObject } from 'node:crypto';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Salesforce's documented limits (docs/crm-sync.md cites the vendor pages): up to 2,000 records
 * per query batch, Get Deleted over the last 15 days with at most 600,000 ids an answer, the
 * recycle bin's 15 days, a 2-hour session; the daily API allowance depends on the edition and
 * licences (Enterprise Edition: 100,000 plus 1,000 per licence), so the local one is a setting.
 */
export interface LocalSalesforceLimits {
  /** Records per query batch (`nextRecordsUrl` pages). */
  queryBatch: number;
  /** API requests (every call but the token endpoint) before REQUEST_LIMIT_EXCEEDED. */
  dailyRequests: number;
  /** How far back Get Deleted answers. */
  deletedWindowMs: number;
  /** How long a deleted record stays in the recycle bin (queryAll's IsDeleted records). */
  recycleBinMs: number;
  deletedIdLimit: number;
  /** An access token's life (the org's session timeout). */
  sessionMs: number;
}

export const DOCUMENTED_LIMITS: LocalSalesforceLimits = {
  queryBatch: 2000,
  dailyRequests: 100_000,
  deletedWindowMs: 15 * DAY_MS,
  recycleBinMs: 15 * DAY_MS,
  deletedIdLimit: 600_000,
  sessionMs: 2 * 60 * 60 * 1000,
};

export type Value = string | number | boolean | null;

export interface StoredRecord {
  Id: string;
  /** Field values as the REST API returns them (datetimes `2026-11-23T12:00:00.000+0000`). */
  fields: Record<string, Value>;
  /** When it went to the recycle bin (epoch ms), or null. */
  deletedAt: number | null;
}

/** A failure the server answers with instead of the real answer. */
export type LocalSalesforceFailure = { errorCode: 'REQUEST_LIMIT_EXCEEDED' } | { status: 500 | 503 };

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  /** The SOQL of a query request (q), else null. */
  soql: string | null;
  /** When it arrived (performance.now(), real time whatever the wall clock says). */
  arrivedMs: number;
}

export interface LocalSalesforceOptions {
  /** The connected app's consumer key. */
  clientId: string;
  /** The consumer secret the refresh token flow must send, if the app requires one. */
  clientSecret?: string;
  /** The refresh token the refresh token flow accepts. */
  refreshToken?: string;
  /** The JWT bearer flow: the certificate's public key and the pre-authorized user. */
  jwt?: { publicKey: KeyObject | string; username: string };
  limits?: LocalSalesforceLimits;
  host?: string;
  port?: number;
  /** The wall clock (epoch ms): sessions, the JWT's expiry, the delete log and the recycle bin. */
  now?: () => number;
}

/** Called before each answer of the REST API (after the request is counted): tests kill a sync process here. */
export type RequestHook = (request: { n: number; method: string; path: string; soql: string | null }) => void | Promise<void>;
