import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/db/api-keys.js';
import type { Database } from '../../src/db/client.js';
import { createTestDatabase } from '../helpers/db.js';
import { startTestServer, type TestServer } from '../helpers/http.js';
import { loadScenario, SCENARIO_AS_OF } from '../helpers/scenario.js';

// The API's OpenAPI document, fetched over HTTP from the real server: it must list exactly the
// routes the server registers, say which need a key, and publish schemas that judge events and
// answers as the server does. Schemas are checked with Fastify's own JSON Schema validator (Ajv),
// not with the zod schemas they were generated from.

type Schema = Record<string, unknown>;

/** The routes a Fastify app registered, from its route tree: `GET /api/v1/reports/teams/:name`. */
function registeredRoutes(app: FastifyInstance): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    stack.length = m[1]!.length / 4;
    stack.push(m[2]!);
    for (const method of m[3]?.split(', ') ?? []) if (method !== 'HEAD') routes.push(`${method} ${stack.join('')}`);
  }
  return routes.sort();
}

/** The schema with every `#/components/schemas/…` reference replaced by what it names. */
function inline(doc: any, node: unknown): unknown {
  if (Array.isArray(node)) return node.map((n) => inline(doc, n));
  if (typeof node !== 'object' || node === null) return node;
  const ref = (node as { $ref?: unknown }).$ref;
  if (typeof ref === 'string') {
    const name = /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1];
    if (!name || !doc.components.schemas[name]) throw new Error(`unresolvable $ref ${ref}`);
    return inline(doc, doc.components.schemas[name]);
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, inline(doc, v)]));
}

/** A validator for each schema: Fastify validates a body against it (types are not coerced, nothing is removed). */
async function validators(schemas: Record<string, Schema>): Promise<{ valid(name: string, value: unknown): Promise<boolean>; close(): Promise<void> }> {
  const checker = Fastify({ ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: true, allowUnionTypes: true } } });
  for (const [name, schema] of Object.entries(schemas)) {
    checker.post(`/${name}`, { schema: { body: schema } }, async () => ({ ok: true }));
  }
  await checker.ready();
  return {
    valid: async (name, value) => {
      const res = await checker.inject({ method: 'POST', url: `/${name}`, payload: JSON.stringify(value), headers: { 'content-type': 'application/json' } });
      if (res.statusCode !== 200 && res.statusCode !== 400) throw new Error(`checker answered ${res.statusCode}: ${res.body}`);
      return res.statusCode === 200;
    },
    close: () => checker.close(),
  };
}

describe('GET /api/v1/openapi.json', () => {
  let db: Database;
  let server: TestServer;
  let ingestKey: string;
  let readKey: string;
  let doc: any;
  let check: Awaited<ReturnType<typeof validators>>;

  beforeAll(async () => {
    db = await createTestDatabase('embedded');
    const ws = await loadScenario(db, 'T0OPENAPI');
    ingestKey = (await createApiKey(db, ws, 'ingest')).key;
    readKey = (await createApiKey(db, ws, 'read')).key;
    server = await startTestServer(db, SCENARIO_AS_OF);
    const res = await fetch(`${server.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    doc = await res.json();
    check = await validators(Object.fromEntries(Object.keys(doc.components.schemas).map((name) => [name, inline(doc, doc.components.schemas[name]) as Schema])));
  });
  afterAll(async () => {
    await check?.close();
    await server?.close();
    await db?.close();
  });

  const send = (method: string, path: string, key: string | undefined, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('is an OpenAPI 3.1 document on JSON Schema 2020-12, served without a key', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.jsonSchemaDialect).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(typeof doc.info.title).toBe('string');
    expect(typeof doc.info.version).toBe('string');
  });

  it('describes exactly the routes the server registers under /api/v1, and the health checks', () => {
    const registered = registeredRoutes(server.app);
    // The tree was read: the route serving this document is in it.
    expect(registered).toContain('GET /api/v1/openapi.json');
    const api = registered.filter((r) => / \/api\/v1\//.test(r) || / \/(healthz|readyz)$/.test(r));
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`))
      .sort();
    expect(documented).toEqual(api);
  });

  it('says which operations need a key, as the server enforces it', async () => {
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { security: unknown[]; requestBody?: unknown }>>)) {
      for (const [method, op] of Object.entries(ops)) {
        const url = path.replace(/\{\w+\}/g, 'someone');
        const res = await send(method.toUpperCase(), url, undefined, op.requestBody ? { events: [] } : undefined);
        expect({ route: `${method} ${path}`, unauthorised: res.status === 401 }).toEqual({ route: `${method} ${path}`, unauthorised: op.security.length > 0 });
      }
    }
  });

  it('publishes an event schema that accepts and rejects what the server does', async () => {
    const base = { occurredAt: '2026-11-20T10:15:00-06:00', repEmail: 'anna@example.com' };
    const samples: { name: string; event: Record<string, unknown>; valid: boolean }[] = [
      { name: 'a call', event: { id: 'oa-1', type: 'call', ...base, leadId: 'L-1' }, valid: true },
      {
        name: 'an opportunity with names, link and metadata',
        event: {
          id: 'oa-2',
          type: 'opportunity_created',
          ...base,
          dealId: 'D-1',
          amount: 1200,
          dealName: 'Acme renewal',
          accountName: 'Acme',
          url: 'https://crm.example.com/deals/D-1',
          metadata: { source: 'crm' },
        },
        valid: true,
      },
      {
        name: 'a lead by Slack user, offset without colon',
        event: { id: 'oa-3', type: 'lead_assigned', occurredAt: '2026-11-20T10:15:00+0100', slackUserId: 'U0ANNA', leadId: 'L-2', leadSource: 'inbound' },
        valid: true,
      },
      { name: 'a win with a version', event: { id: 'oa-4', type: 'deal_won', ...base, dealId: 'D-1', amount: 1200, version: 3 }, valid: true },
      { name: 'a win without amount', event: { id: 'oa-5', type: 'deal_won', ...base, dealId: 'D-1' }, valid: false },
      { name: 'a negative amount', event: { id: 'oa-6', type: 'opportunity_created', ...base, dealId: 'D-2', amount: -5 }, valid: false },
      { name: 'an unknown field', event: { id: 'oa-7', type: 'call', ...base, colour: 'red' }, valid: false },
      { name: 'no rep', event: { id: 'oa-8', type: 'call', occurredAt: base.occurredAt }, valid: false },
      { name: 'an instant without offset', event: { id: 'oa-9', type: 'call', ...base, occurredAt: '2026-11-20T10:15:00' }, valid: false },
      { name: 'a lead without its source', event: { id: 'oa-10', type: 'lead_assigned', ...base, leadId: 'L-3' }, valid: false },
      { name: 'an ftp link', event: { id: 'oa-11', type: 'call', ...base, url: 'ftp://crm.example.com/x' }, valid: false },
      { name: 'a fractional version', event: { id: 'oa-12', type: 'call', ...base, version: 1.5 }, valid: false },
      { name: 'metadata that is a list', event: { id: 'oa-13', type: 'call', ...base, metadata: [1] }, valid: false },
    ];
    const verdicts = [];
    for (const { name, event, valid } of samples) {
      const schema = await check.valid('EventBatch', { events: [event] });
      const res = await send('POST', '/api/v1/events', ingestKey, { events: [event] });
      expect(res.status).toBe(200);
      const outcome = (await res.json()) as { rejected: unknown[] };
      verdicts.push({ name, schema, server: outcome.rejected.length === 0, expected: valid });
    }
    expect(verdicts).toEqual(verdicts.map((v) => ({ ...v, schema: v.expected, server: v.expected })));
  });

  it('answers with the shapes it publishes', async () => {
    const batch = await send('POST', '/api/v1/events', ingestKey, { events: [{ id: 'shape-1', type: 'call', occurredAt: '2026-11-20T10:00:00Z', repEmail: 'ben@example.com' }, { id: 'shape-2' }] });
    expect(batch.status).toBe(200);
    expect(await check.valid('IngestOutcome', await batch.json())).toBe(true);
    // A week after Dev started, Dev is ramping: the ramp is filled in, not null.
    const rep = await send('GET', `/api/v1/reports/reps/${encodeURIComponent('dev@example.com')}?asOf=2026-11-16T15:00:00Z`, readKey);
    expect(rep.status).toBe(200);
    const repBody: any = await rep.json();
    expect(repBody.ramp).not.toBeNull();
    expect(await check.valid('RepReport', repBody)).toBe(true);
    const team = await send('GET', '/api/v1/reports/teams/Central', readKey);
    expect(team.status).toBe(200);
    const teamBody: any = await team.json();
    expect(teamBody.members.length).toBeGreaterThan(1);
    expect(await check.valid('TeamReport', teamBody)).toBe(true);
    // A report with a field the schema does not know fails: the check is not blind.
    expect(await check.valid('TeamReport', { ...teamBody, extra: 1 })).toBe(false);
    const denied = await send('GET', '/api/v1/reports/teams/Central', ingestKey);
    expect(denied.status).toBe(403);
    expect(await check.valid('Error', await denied.json())).toBe(true);
    expect(await check.valid('Health', await (await send('GET', '/healthz', undefined)).json())).toBe(true);
    const ready = await send('GET', '/readyz', undefined);
    expect(ready.status).toBe(200);
    expect(await check.valid('Readiness', await ready.json())).toBe(true);
  });
});
