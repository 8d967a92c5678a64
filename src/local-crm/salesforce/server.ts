/**
 * A local server speaking the Salesforce endpoints Pacer's sync calls (see docs/crm-sync.md),
 * with Salesforce's constraints: the OAuth token endpoint (JWT bearer with a signature checked
 * against the connected app's certificate key, and the refresh token flow; invalid_grant when
 * revoked), sessions that expire (401 INVALID_SESSION_ID), SOQL query and queryAll in batches
 * paged by `nextRecordsUrl`, sObject Get Deleted with its window and id limit, and the org's
 * request allowance (403 REQUEST_LIMIT_EXCEEDED).
 */
import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { parseSoql, runQuery, SoqlError } from './soql.js';
import { isSObject, LocalSalesforceState, REPLICATED, schemaOf, sfDateTime, type SObjectName } from './state.js';
import {
  DOCUMENTED_LIMITS,
  type LocalSalesforceFailure,
  type LocalSalesforceLimits,
  type LocalSalesforceOptions,
  type RecordedRequest,
  type RequestHook,
  type StoredRecord,
  type Value,
} from './types.js';

export interface LocalSalesforce {
  /** The instance's address, like http://127.0.0.1:PORT: a source's `instanceUrl`. */
  readonly url: string;
  readonly state: LocalSalesforceState;
  readonly limits: LocalSalesforceLimits;
  /** Every request, in arrival order, with the status it got. */
  readonly requests: readonly RecordedRequest[];
  /** API requests counted against the daily allowance so far. */
  usage(): number;
  /** Only `n` more API requests before REQUEST_LIMIT_EXCEEDED (the org's allowance nearly used up). */
  allowRequests(n: number): void;
  /** A new day: usage back to 0, the allowance back to `limits.dailyRequests`. */
  resetUsage(): void;
  /** The next `times` API requests (after authentication) get this failure. */
  failNext(failure: LocalSalesforceFailure, times?: number): void;
  onRequest(hook: RequestHook | null): void;
  /** Every access token issued so far stops working (an admin ended the sessions). */
  expireSessions(): void;
  /** Every access token, new ones too, is refused (session settings that keep the user off the API). */
  refuseSessions(refuse: boolean): void;
  /** The refresh token (and the JWT user's approval) is revoked: the token endpoint answers invalid_grant. */
  revokeGrant(): void;
  restoreGrant(): void;
  /** Tokens issued so far (both flows). */
  tokensIssued(): number;
  clearRequests(): void;
  close(): Promise<void>;
}

type Cursor = { rows: Record<string, unknown>[]; offset: number };

const apiError = (reply: FastifyReply, status: number, errorCode: string, message: string) => reply.code(status).send([{ message, errorCode }]);
const oauthError = (reply: FastifyReply, status: number, error: string, description: string) => reply.code(status).send({ error, error_description: description });

/** A Get Deleted bound: ISO 8601 with an offset; Salesforce ignores the seconds. */
function parseBound(value: string | undefined): number | null {
  if (!value || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value)) return null;
  const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isFinite(ms) ? Math.floor(ms / 60_000) * 60_000 : null;
}

function decodeJwt(assertion: string): { header: Record<string, unknown>; claims: Record<string, unknown>; signed: string; signature: Buffer } | null {
  const parts = assertion.split('.');
  if (parts.length !== 3) return null;
  try {
    return {
      header: JSON.parse(Buffer.from(parts[0]!, 'base64url').toString()) as Record<string, unknown>,
      claims: JSON.parse(Buffer.from(parts[1]!, 'base64url').toString()) as Record<string, unknown>,
      signed: `${parts[0]}.${parts[1]}`,
      signature: Buffer.from(parts[2]!, 'base64url'),
    };
  } catch {
    return null;
  }
}

export async function startLocalSalesforce(options: LocalSalesforceOptions): Promise<LocalSalesforce> {
  const limits = options.limits ?? DOCUMENTED_LIMITS;
  const now = options.now ?? (() => Date.now());
  const state = new LocalSalesforceState();
  const requests: RecordedRequest[] = [];
  const failures: LocalSalesforceFailure[] = [];
  const sessions = new Map<string, number>();
  const cursors = new Map<string, Cursor>();
  const publicKey: KeyObject | null = options.jwt ? (typeof options.jwt.publicKey === 'string' ? createPublicKey(options.jwt.publicKey) : options.jwt.publicKey) : null;
  let granted = true;
  let refused = false;
  let used = 0;
  let allowance = limits.dailyRequests;
  let issued = 0;
  let n = 0;
  let hook: RequestHook | null = null;
  let url = '';

  const app = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  const soqlOf = (request: FastifyRequest) => {
    const q = (request.query as { q?: unknown } | undefined)?.q;
    return typeof q === 'string' ? q : null;
  };
  const arrived = new WeakMap<FastifyRequest, number>();
  app.addHook('onRequest', async (request) => {
    arrived.set(request, performance.now());
  });
  app.addHook('onResponse', async (request, reply) => {
    requests.push({ method: request.method, path: request.url.split('?')[0]!, status: reply.statusCode, soql: soqlOf(request), arrivedMs: arrived.get(request) ?? performance.now() });
  });

  app.addHook('preHandler', async (request, reply) => {
    const path = request.url.split('?')[0]!;
    if (!path.startsWith('/services/data/')) return undefined;
    const auth = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const issuedAt = auth === undefined ? undefined : sessions.get(auth);
    if (refused || issuedAt === undefined || now() - issuedAt > limits.sessionMs) return apiError(reply, 401, 'INVALID_SESSION_ID', 'Session expired or invalid');
    n += 1;
    used += 1;
    void reply.header('sforce-limit-info', `api-usage=${Math.min(used, allowance)}/${allowance}`);
    if (hook) await hook({ n, method: request.method, path, soql: soqlOf(request) });
    const failure = failures.shift();
    if ((failure && 'errorCode' in failure) || used > allowance) return apiError(reply, 403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
    if (failure) return apiError(reply, failure.status, 'UNKNOWN_EXCEPTION', 'An unexpected error occurred. Please include this ErrorId if you contact support.');
    return undefined;
  });

  const issue = (reply: FastifyReply) => {
    const token = `00D5g000000LOCAL!${randomBytes(24).toString('base64url')}`;
    sessions.set(token, now());
    issued += 1;
    return reply.send({
      access_token: token,
      instance_url: url,
      id: `${url}/id/00D5g000000LOCAL/005000000000000`,
      token_type: 'Bearer',
      issued_at: String(now()),
      signature: randomBytes(32).toString('base64'),
      scope: 'api',
    });
  };

  app.post<{ Body: Record<string, string> | undefined }>('/services/oauth2/token', async (request, reply) => {
    const form = request.body ?? {};
    if (form.grant_type === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      const jwt = decodeJwt(form.assertion ?? '');
      if (!jwt || jwt.header.alg !== 'RS256') return oauthError(reply, 400, 'invalid_grant', 'invalid assertion');
      if (jwt.claims.iss !== options.clientId) return oauthError(reply, 400, 'invalid_client_id', 'client identifier invalid');
      if (!publicKey || !verify('RSA-SHA256', Buffer.from(jwt.signed), publicKey, jwt.signature)) return oauthError(reply, 400, 'invalid_grant', 'invalid assertion');
      if (jwt.claims.aud !== 'https://login.salesforce.com' && jwt.claims.aud !== 'https://test.salesforce.com') return oauthError(reply, 400, 'invalid_grant', 'audience is invalid');
      const exp = typeof jwt.claims.exp === 'number' ? jwt.claims.exp * 1000 : Number.NaN;
      // Salesforce takes an assertion expiring within the next 3 minutes (a little clock skew allowed).
      if (!(exp > now() && exp <= now() + 3 * 60_000 + 30_000)) return oauthError(reply, 400, 'invalid_grant', 'expired authorization code');
      if (!granted || jwt.claims.sub !== options.jwt?.username) return oauthError(reply, 400, 'invalid_grant', "user hasn't approved this consumer");
      return issue(reply);
    }
    if (form.grant_type === 'refresh_token') {
      if (form.client_id !== options.clientId) return oauthError(reply, 400, 'invalid_client_id', 'client identifier invalid');
      if (options.clientSecret !== undefined && form.client_secret !== options.clientSecret) return oauthError(reply, 400, 'invalid_client', 'invalid client credentials');
      if (!granted || options.refreshToken === undefined || form.refresh_token !== options.refreshToken) return oauthError(reply, 400, 'invalid_grant', 'expired access/refresh token');
      return issue(reply);
    }
    return oauthError(reply, 400, 'unsupported_grant_type', 'grant type not supported');
  });

  const hasRecordTypes = () => state.list('RecordType', false).some((r) => r.fields.SobjectType === 'Opportunity');

  const resolverOf =
    (object: SObjectName) =>
    (record: StoredRecord, path: string): Value => {
      const [head, tail] = path.split('.');
      if (tail === undefined) return record.fields[head!] ?? null;
      const relation = (schemaOf(object).relations ?? {})[head!];
      const target = relation ? record.fields[relation.via] : null;
      return relation && typeof target === 'string' ? (state.get(relation.object, target)?.fields[tail] ?? null) : null;
    };

  /** A record as the REST API writes it: its fields as selected, lookups as nested records. */
  const json = (object: SObjectName, version: string, record: StoredRecord, fields: readonly string[]) => {
    const out: Record<string, unknown> = { attributes: { type: object, url: `/services/data/${version}/sobjects/${object}/${record.Id}` } };
    for (const path of fields) {
      const [head, tail] = path.split('.');
      if (tail === undefined) {
        out[head!] = record.fields[head!] ?? null;
        continue;
      }
      const relation = (schemaOf(object).relations ?? {})[head!]!;
      const target = record.fields[relation.via];
      const related = typeof target === 'string' ? state.get(relation.object, target) : undefined;
      if (!related) {
        out[head!] = null;
        continue;
      }
      const nested = (out[head!] as Record<string, unknown> | undefined) ?? { attributes: { type: relation.object, url: `/services/data/${version}/sobjects/${relation.object}/${related.Id}` } };
      nested[tail] = related.fields[tail] ?? null;
      out[head!] = nested;
    }
    return out;
  };

  const page = (reply: FastifyReply, version: string, locator: string, cursor: Cursor) => {
    const rows = cursor.rows.slice(cursor.offset, cursor.offset + limits.queryBatch);
    const next = cursor.offset + rows.length;
    const done = next >= cursor.rows.length;
    if (done) cursors.delete(locator);
    else cursor.offset = next;
    return reply.send({ totalSize: cursor.rows.length, done, ...(done ? {} : { nextRecordsUrl: `/services/data/${version}/query/${locator}-${next}` }), records: rows });
  };

  const query = (all: boolean) => async (request: FastifyRequest<{ Params: { version: string }; Querystring: { q?: string } }>, reply: FastifyReply) => {
    const { version } = request.params;
    const soql = request.query.q;
    if (!soql) return apiError(reply, 400, 'MALFORMED_QUERY', 'A query string has to be specified');
    let parsed;
    try {
      parsed = parseSoql(soql, { recordTypes: hasRecordTypes() });
    } catch (err) {
      if (err instanceof SoqlError) return apiError(reply, 400, err.errorCode, `\n${soql}\n^\nERROR at Row:1:Column:1\n${err.message}`);
      throw err;
    }
    const binEdge = now() - limits.recycleBinMs;
    // queryAll also returns deleted records still in the recycle bin; purged ones are gone.
    const records = state.list(parsed.object, all).filter((r) => r.deletedAt === null || r.deletedAt >= binEdge);
    const rows = runQuery(parsed, records, resolverOf(parsed.object)).map((r) => json(parsed.object, version, r, parsed.fields));
    const locator = `01g5g00000${randomBytes(4).toString('hex').toUpperCase()}`;
    const cursor: Cursor = { rows, offset: 0 };
    cursors.set(locator, cursor);
    return page(reply, version, locator, cursor);
  };

  const more = async (request: FastifyRequest<{ Params: { version: string; locator: string } }>, reply: FastifyReply) => {
    const m = /^(.+)-(\d+)$/.exec(request.params.locator);
    const cursor = m ? cursors.get(m[1]!) : undefined;
    if (!m || !cursor || Number(m[2]) !== cursor.offset) return apiError(reply, 400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    return page(reply, request.params.version, m[1]!, cursor);
  };

  app.get('/services/data/:version/query', query(false));
  app.get('/services/data/:version/queryAll', query(true));
  app.get('/services/data/:version/query/:locator', more);
  app.get('/services/data/:version/queryAll/:locator', more);

  app.get<{ Params: { version: string; type: string }; Querystring: { start?: string; end?: string } }>('/services/data/:version/sobjects/:type/deleted', async (request, reply) => {
    const object = request.params.type;
    if (!isSObject(object) || !REPLICATED.includes(object)) return apiError(reply, 404, 'NOT_FOUND', `The requested resource does not exist`);
    const start = parseBound(request.query.start);
    const end = parseBound(request.query.end);
    if (start === null || end === null) return apiError(reply, 400, 'INVALID_REPLICATION_DATE', 'start and end must be dateTimes, e.g. 2026-11-05T00:00:00+00:00');
    if (end - start <= 60_000) return apiError(reply, 400, 'INVALID_REPLICATION_DATE', 'startDate must precede endDate by more than one minute');
    const earliest = Math.floor((now() - limits.deletedWindowMs) / 60_000) * 60_000;
    if (start < earliest) return apiError(reply, 400, 'INVALID_REPLICATION_DATE', `startDate is before the earliest date available (${sfDateTime(earliest)})`);
    const covered = Math.min(end, Math.floor(now() / 60_000) * 60_000);
    const gone = state.deleted.filter((d) => d.object === object && d.at >= start && d.at < covered);
    if (gone.length > limits.deletedIdLimit) return apiError(reply, 400, 'EXCEEDED_ID_LIMIT', `More than ${limits.deletedIdLimit} ids: choose start and end dates closer together`);
    return reply.send({ deletedRecords: gone.map((d) => ({ id: d.id, deletedDate: sfDateTime(d.at) })), earliestDateAvailable: sfDateTime(earliest), latestDateCovered: sfDateTime(covered) });
  });

  url = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address() as AddressInfo;
  if (!url.includes('127.0.0.1') && !url.includes('localhost')) url = `http://127.0.0.1:${address.port}`;
  return {
    url,
    state,
    limits,
    requests,
    usage: () => used,
    allowRequests: (more) => {
      allowance = used + more;
    },
    resetUsage: () => {
      used = 0;
      allowance = limits.dailyRequests;
    },
    failNext: (failure, times = 1) => {
      for (let i = 0; i < times; i += 1) failures.push(failure);
    },
    onRequest: (h) => {
      hook = h;
    },
    expireSessions: () => sessions.clear(),
    refuseSessions: (refuse) => {
      refused = refuse;
    },
    revokeGrant: () => {
      granted = false;
      sessions.clear();
    },
    restoreGrant: () => {
      granted = true;
    },
    tokensIssued: () => issued,
    clearRequests: () => {
      requests.length = 0;
    },
    close: () => app.close(),
  };
}
