/**
 * A local server speaking the HubSpot endpoints Pacer's sync calls (see README.md), with
 * HubSpot's constraints: the private app token (401 when revoked or expired), missing scopes
 * (403), the rolling 10-second burst limit, search's per-second limit and the daily limit (429
 * with `policyName` and Retry-After), page and batch sizes, 10,000 results per search query and
 * the filter group limits (400).
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { FILTER_OPERATORS, isObjectType, LocalHubSpotState, modifiedProperty, type Filter, type ObjectType } from './state.js';
import { DOCUMENTED_LIMITS, type LocalHubSpotFailure, type LocalHubSpotLimits, type LocalHubSpotOptions, type RecordedRequest, type RequestHook, type StoredRecord } from './types.js';

export interface LocalHubSpot {
  /** The API's base address, like http://127.0.0.1:PORT: a source's `apiUrl`. */
  readonly url: string;
  readonly state: LocalHubSpotState;
  readonly limits: LocalHubSpotLimits;
  readonly portalId: number;
  /** Every request, in arrival order, with the status it got. */
  readonly requests: readonly RecordedRequest[];
  /** The next `times` requests (after authentication; of `failure.path` when given) get this failure. */
  failNext(failure: LocalHubSpotFailure, times?: number): void;
  /** Runs before each answer; null removes it. */
  onRequest(hook: RequestHook | null): void;
  /** The token stops working as HubSpot answers a deleted (revoked) private app's token, or an expired one. */
  revokeToken(how?: 'revoked' | 'expired'): void;
  restoreToken(): void;
  /** Requests reading these object types (or 'owners') get 403 MISSING_SCOPES. */
  denyScopes(objects: readonly string[]): void;
  clearRequests(): void;
  close(): Promise<void>;
}

class Window {
  private readonly times: number[] = [];
  constructor(
    private readonly limit: number,
    private readonly ms: number,
  ) {}

  /** Counts a request at `now` when it fits; else the ms until it would. */
  take(now: number): number {
    while (this.times.length > 0 && this.times[0]! <= now - this.ms) this.times.shift();
    if (this.times.length >= this.limit) return this.times[0]! + this.ms - now;
    this.times.push(now);
    return 0;
  }

  remaining(now: number): number {
    while (this.times.length > 0 && this.times[0]! <= now - this.ms) this.times.shift();
    return this.limit - this.times.length;
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

function error(reply: FastifyReply, status: number, body: Record<string, unknown>) {
  return reply.code(status).send({ status: 'error', correlationId: randomUUID(), ...body });
}

const validation = (reply: FastifyReply, message: string) => error(reply, 400, { message, category: 'VALIDATION_ERROR' });

/** Which object type a path reads (for scopes), or null. */
function objectOfPath(path: string): string | null {
  if (path.startsWith('/crm/v3/owners')) return 'owners';
  const m = /^\/crm\/v[34]\/(?:objects|associations)\/([a-z_]+)/.exec(path);
  return m ? m[1]! : null;
}

function propertiesOf(record: StoredRecord, type: ObjectType, requested: readonly string[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const key of ['hs_object_id', 'createdate', modifiedProperty(type), ...requested]) out[key] = key === 'hs_object_id' ? record.id : (record.properties[key] ?? null);
  return out;
}

function objectJson(record: StoredRecord, type: ObjectType, properties: readonly string[], withHistory: readonly string[] = []) {
  return {
    id: record.id,
    properties: propertiesOf(record, type, properties),
    ...(withHistory.length ? { propertiesWithHistory: Object.fromEntries(withHistory.map((p) => [p, [...(record.history[p] ?? [])].reverse()])) } : {}),
    createdAt: iso(record.createdAt),
    updatedAt: iso(record.updatedAt),
    archived: record.archivedAt !== null,
    ...(record.archivedAt === null ? {} : { archivedAt: iso(record.archivedAt) }),
  };
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v !== '' ? v.split(',') : []);

export async function startLocalHubSpot(options: LocalHubSpotOptions): Promise<LocalHubSpot> {
  const limits = options.limits ?? DOCUMENTED_LIMITS;
  const now = options.now ?? (() => performance.now());
  const portalId = options.portalId ?? 4_242_000;
  const state = new LocalHubSpotState();
  const requests: RecordedRequest[] = [];
  const general = new Window(limits.perWindow, limits.windowMs);
  const search = new Window(limits.searchPerWindow, limits.searchWindowMs);
  let daily = 0;
  let tokenState: 'valid' | 'revoked' | 'expired' = 'valid';
  let denied = new Set<string>();
  const failures: LocalHubSpotFailure[] = [];
  let hook: RequestHook | null = null;
  let n = 0;

  const app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024 });
  app.addHook('onResponse', async (request, reply) => {
    requests.push({ method: request.method, path: request.url.split('?')[0]!, status: reply.statusCode, kind: request.url.split('?')[0]!.endsWith('/search') ? 'search' : 'general' });
  });
  // onRequest, before the body is read: requests are counted as close to their arrival as this server can.
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0]!;
    const auth = request.headers.authorization;
    if (auth !== `Bearer ${options.token}` || tokenState === 'revoked') {
      return error(reply, 401, {
        message: 'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
        category: 'INVALID_AUTHENTICATION',
      });
    }
    if (tokenState === 'expired') return error(reply, 401, { message: 'The OAuth token used to make this call expired.', category: 'EXPIRED_AUTHENTICATION' });
    const object = objectOfPath(path);
    if (object !== null && denied.has(object)) {
      return error(reply, 403, {
        message: "This app hasn't been granted all required scopes to make this call.",
        category: 'MISSING_SCOPES',
        errors: [{ message: `One or more of the following scopes are required: crm.objects.${object}.read` }],
      });
    }
    n += 1;
    // The hook runs first: a failure it queues applies to this very request.
    if (hook) await hook({ n, method: request.method, path });
    const at = now();
    const queued = failures.findIndex((f) => f.path === undefined || path.startsWith(f.path));
    let limited: LocalHubSpotFailure | null = queued < 0 ? null : failures.splice(queued, 1)[0]!;
    if (!limited) {
      if (daily >= limits.daily) limited = { status: 429, policyName: 'DAILY' };
      else {
        const wait = general.take(at);
        if (wait > 0) limited = { status: 429, policyName: 'TEN_SECONDLY_ROLLING', retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
        else if (path.endsWith('/search')) {
          const searchWait = search.take(at);
          if (searchWait > 0) limited = { status: 429, policyName: 'SECONDLY', retryAfterSeconds: Math.max(1, Math.ceil(searchWait / 1000)) };
        }
      }
    }
    if (!limited) daily += 1;
    void reply.headers({
      'x-hubspot-ratelimit-max': String(limits.perWindow),
      'x-hubspot-ratelimit-remaining': String(Math.max(0, general.remaining(at))),
      'x-hubspot-ratelimit-interval-milliseconds': String(limits.windowMs),
      'x-hubspot-ratelimit-daily': String(limits.daily),
      'x-hubspot-ratelimit-daily-remaining': String(Math.max(0, limits.daily - daily)),
    });
    if (limited?.status === 429) {
      const messages = { TEN_SECONDLY_ROLLING: 'You have reached your ten secondly limit.', SECONDLY: 'You have reached your secondly limit.', DAILY: 'You have reached your daily limit.' };
      if (limited.retryAfterSeconds !== undefined) void reply.header('retry-after', String(limited.retryAfterSeconds));
      return error(reply, 429, { message: messages[limited.policyName], errorType: 'RATE_LIMIT', policyName: limited.policyName, groupName: `private-app:${portalId}` });
    }
    if (limited) return error(reply, limited.status, { message: 'internal error', category: 'INTERNAL_ERROR' });
    return undefined;
  });

  app.get('/account-info/v3/details', async () => ({
    portalId,
    accountType: 'STANDARD',
    timeZone: 'US/Eastern',
    companyCurrency: 'USD',
    additionalCurrencies: [],
    utcOffset: '-05:00',
    utcOffsetMilliseconds: -18_000_000,
    uiDomain: 'app.hubspot.com',
    dataHostingLocation: 'na1',
  }));

  app.get<{ Querystring: { limit?: string; after?: string; archived?: string } }>('/crm/v3/owners', async (request, reply) => {
    const limit = Number(request.query.limit ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > limits.ownersPage) return validation(reply, `limit must be between 1 and ${limits.ownersPage}`);
    const archived = request.query.archived === 'true';
    const all = state.owners.filter((o) => (o.archived ?? false) === archived);
    const offset = Number(request.query.after ?? 0);
    const page = all.slice(offset, offset + limit);
    return {
      results: page.map((o) => ({
        id: o.id,
        email: o.email,
        firstName: o.firstName ?? null,
        lastName: o.lastName ?? null,
        userId: Number(o.id) + 1000,
        createdAt: iso(0),
        updatedAt: iso(o.updatedAt),
        archived,
      })),
      ...(offset + limit < all.length ? { paging: { next: { after: String(offset + limit) } } } : {}),
    };
  });

  app.get('/crm/v3/pipelines/deals', async () => ({
    results: state.pipelines.map((p, i) => ({
      id: p.id,
      label: p.label,
      displayOrder: i,
      archived: false,
      stages: p.stages.map((s, k) => ({
        id: s.id,
        label: s.label,
        displayOrder: k,
        archived: false,
        metadata: s.closed
          ? { isClosed: 'true', probability: s.closed === 'won' ? '1.0' : '0.0' }
          : { isClosed: 'false', probability: String(Math.round(((k + 1) / (p.stages.length + 1)) * 10) / 10) },
      })),
    })),
  }));

  app.post<{
    Params: { type: string };
    Body: { filterGroups?: { filters?: Filter[] }[]; sorts?: ({ propertyName: string; direction: string } | string)[]; properties?: string[]; limit?: number; after?: string };
  }>('/crm/v3/objects/:type/search', async (request, reply) => {
    const type = request.params.type;
    if (!isObjectType(type)) return error(reply, 404, { message: `Unable to infer object type from: ${type}`, category: 'OBJECT_NOT_FOUND' });
    const body = request.body ?? {};
    const groups = (body.filterGroups ?? []).map((g) => ({ filters: g.filters ?? [] }));
    if (groups.length > limits.filterGroups) return validation(reply, `Too many filter groups (${groups.length}); the maximum is ${limits.filterGroups}`);
    if (groups.some((g) => g.filters.length > limits.filtersPerGroup)) return validation(reply, `Too many filters in a filter group; the maximum is ${limits.filtersPerGroup}`);
    if (groups.reduce((k, g) => k + g.filters.length, 0) > limits.filtersTotal) return validation(reply, `Too many filters; the maximum is ${limits.filtersTotal}`);
    const unknown = groups.flatMap((g) => g.filters).find((f) => !(FILTER_OPERATORS as readonly string[]).includes(f.operator));
    if (unknown) return validation(reply, `Unknown filter operator ${unknown.operator}`);
    const limit = body.limit ?? 10;
    if (!Number.isInteger(limit) || limit < 1 || limit > limits.searchPage) return validation(reply, `limit must be between 1 and ${limits.searchPage}`);
    const offset = Number(body.after ?? 0);
    if (!Number.isInteger(offset) || offset < 0) return validation(reply, `after ${JSON.stringify(body.after)} is not a paging token`);
    if (offset >= limits.searchResults) return validation(reply, `Paging past ${limits.searchResults} results is not supported: narrow the query (after=${offset})`);
    const sort = body.sorts?.[0];
    const matched = state.search(type, groups, typeof sort === 'string' ? { propertyName: sort.replace(/^-/, ''), direction: sort.startsWith('-') ? 'DESCENDING' : 'ASCENDING' } : sort);
    const page = matched.slice(offset, offset + limit);
    return {
      total: matched.length,
      results: page.map((r) => objectJson(r, type, body.properties ?? [])),
      ...(offset + limit < matched.length ? { paging: { next: { after: String(offset + limit) } } } : {}),
    };
  });

  app.post<{ Params: { type: string }; Body: { inputs?: { id: string }[]; properties?: string[]; propertiesWithHistory?: string[] } }>('/crm/v3/objects/:type/batch/read', async (request, reply) => {
    const type = request.params.type;
    if (!isObjectType(type)) return error(reply, 404, { message: `Unable to infer object type from: ${type}`, category: 'OBJECT_NOT_FOUND' });
    const inputs = request.body?.inputs ?? [];
    const history = request.body?.propertiesWithHistory ?? [];
    const max = history.length > 0 ? limits.batchReadWithHistory : limits.batchRead;
    if (inputs.length > max) return validation(reply, `Batch read${history.length ? ' with property history' : ''} takes at most ${max} inputs, got ${inputs.length}`);
    const found = inputs.map((i) => state.get(type, String(i.id))).filter((r): r is StoredRecord => r !== undefined && r.archivedAt === null);
    const missing = inputs.length - found.length;
    const answer = {
      status: 'COMPLETE',
      results: found.map((r) => objectJson(r, type, request.body?.properties ?? [], history)),
      ...(missing > 0 ? { numErrors: 1, errors: [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: `${missing} of the records could not be found` }] } : {}),
      startedAt: iso(Date.now()),
      completedAt: iso(Date.now()),
    };
    return reply.code(missing > 0 ? 207 : 200).send(answer);
  });

  app.get<{ Params: { type: string }; Querystring: { limit?: string; after?: string; archived?: string; properties?: string; propertiesWithHistory?: string } }>(
    '/crm/v3/objects/:type',
    async (request, reply) => {
      const type = request.params.type;
      if (!isObjectType(type)) return error(reply, 404, { message: `Unable to infer object type from: ${type}`, category: 'OBJECT_NOT_FOUND' });
      const history = list(request.query.propertiesWithHistory);
      const max = history.length > 0 ? limits.listPageWithHistory : limits.listPage;
      const limit = Math.min(Number(request.query.limit ?? 10), max);
      if (!Number.isInteger(limit) || limit < 1) return validation(reply, 'limit must be a positive whole number');
      const all = state.list(type, request.query.archived === 'true');
      const offset = Number(request.query.after ?? 0);
      const page = all.slice(offset, offset + limit);
      return {
        results: page.map((r) => objectJson(r, type, list(request.query.properties), history)),
        ...(offset + limit < all.length ? { paging: { next: { after: String(offset + limit) } } } : {}),
      };
    },
  );

  app.post<{ Params: { from: string; to: string }; Body: { inputs?: { id: string }[] } }>('/crm/v4/associations/:from/:to/batch/read', async (request, reply) => {
    const { from, to } = request.params;
    if (!isObjectType(from) || !isObjectType(to)) return error(reply, 404, { message: `Unknown association ${from} → ${to}`, category: 'OBJECT_NOT_FOUND' });
    const inputs = request.body?.inputs ?? [];
    if (inputs.length > limits.associationsBatch) return validation(reply, `Association batch reads take at most ${limits.associationsBatch} inputs, got ${inputs.length}`);
    return {
      status: 'COMPLETE',
      results: inputs.flatMap((i) => {
        const ids = state.associated(from, String(i.id), to);
        return ids.length === 0 ? [] : [{ from: { id: String(i.id) }, to: ids.map((id) => ({ toObjectId: Number(id), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 1, label: null }] })) }];
      }),
      startedAt: iso(Date.now()),
      completedAt: iso(Date.now()),
    };
  });

  const url = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address() as AddressInfo;
  return {
    url: url.includes('127.0.0.1') || url.includes('localhost') ? url : `http://127.0.0.1:${address.port}`,
    state,
    limits,
    portalId,
    requests,
    failNext: (failure, times = 1) => {
      for (let i = 0; i < times; i += 1) failures.push(failure);
    },
    onRequest: (h) => {
      hook = h;
    },
    revokeToken: (how = 'revoked') => {
      tokenState = how;
    },
    restoreToken: () => {
      tokenState = 'valid';
    },
    denyScopes: (objects) => {
      denied = new Set(objects);
    },
    clearRequests: () => {
      requests.length = 0;
    },
    close: () => app.close(),
  };
}
