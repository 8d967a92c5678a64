import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../helpers/db.js';
import { postJson } from '../helpers/http.js';
import { startIngestApi, type IngestApi } from '../helpers/ingest-api.js';

const AT = '2026-11-02T10:00:00Z';
const call = (id: string, extra: Record<string, unknown> = {}) => ({ id, type: 'call', occurredAt: AT, repEmail: 'anna@example.com', ...extra });

/** The JSON text `{"a":{"a":…{}}}` or `[[…[]]]`, `levels` containers deep (JSON.stringify itself overflows on these). */
const nested = (levels: number, kind: 'object' | 'array') => (kind === 'object' ? `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}` : `${'['.repeat(levels)}${']'.repeat(levels)}`);

/** A batch's JSON text with some metadata given as JSON text. */
const batchText = (events: { id: string; metadata?: string }[]) =>
  `{"events":[${events.map(({ id, metadata }) => JSON.stringify(call(id)).replace(/}$/, metadata === undefined ? '}' : `,"metadata":${metadata}}`)).join(',')}]}`;

const NUL_MESSAGE = /^contains a NUL character \(U\+0000\) at position \d+, which cannot be stored; remove it$/;
const SURROGATE_MESSAGE = /^contains an unpaired surrogate \(U\+D[89A-F][0-9A-F]{2}\) at position \d+, which is not valid Unicode; send whole characters$/;
const DEPTH_MESSAGE = 'is nested more than 32 levels deep; at most 32 levels of objects and arrays are allowed';

describe.each(DATABASE_KINDS)('hostile input to the ingestion API on %s', (kind) => {
  let api: IngestApi;
  beforeAll(async () => {
    api = await startIngestApi(kind, 'T0HOSTILE');
  });

  afterAll(() => api?.close());

  const storedIds = async (prefix: string) =>
    (await api.db.prisma.activityEvent.findMany({ where: { workspaceId: api.workspaceId, externalId: { startsWith: prefix } }, select: { externalId: true }, orderBy: { externalId: 'asc' } })).map(
      (e) => e.externalId,
    );

  it('rejects only the events holding a NUL or an unpaired surrogate, naming the field, and stores the rest', async () => {
    const events = [
      call('poison-ok-1'),
      call('poison-\u0000id'),
      call('poison-type', { type: 'ca\u0000ll' }),
      call('poison-email', { repEmail: 'an\u0000na@example.com' }),
      call('poison-crm', { repEmail: undefined, crmOwnerId: 'crm\ud800' }),
      { ...call('poison-lead', { leadId: 'lead-\udc00' }), type: 'lead_qualified' },
      call('poison-deal', { dealId: 'x\u0000' }),
      call('poison-stage', { stage: '\ud83dproposal' }),
      call('poison-meta-value', { metadata: { notes: ['fine', 'bad\u0000'] } }),
      call('poison-meta-key', { metadata: { nested: { 'k\ud800': 1 } } }),
      call('poison-ok-2', { metadata: { notes: 'emoji 🎉, עברית, e\u0301' } }),
    ];
    const res = await postJson(api.eventsUrl, { events }, api.ingestKey);
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected.map((r: any) => [r.index, r.errors.map((e: any) => e.path)])).toEqual([
      [1, ['id']],
      [2, ['type']],
      [3, ['repEmail']],
      [4, ['crmOwnerId']],
      [5, ['leadId']],
      [6, ['dealId']],
      [7, ['stage']],
      [8, ['metadata.notes.1']],
      [9, ['metadata.nested.k\ud800']],
    ]);
    const messages = res.body.rejected.map((r: any) => r.errors[0].message);
    for (const i of [0, 1, 2, 5, 7]) expect(messages[i]).toMatch(NUL_MESSAGE);
    for (const i of [3, 4, 6]) expect(messages[i]).toMatch(SURROGATE_MESSAGE);
    expect(messages[8]).toMatch(/^the key contains an unpaired surrogate \(U\+D800\) at position 1/);
    expect(await storedIds('poison-')).toEqual(['poison-ok-1', 'poison-ok-2']);

    // Resending the same batch is answered the same way, the good events now as duplicates.
    const again = await postJson(api.eventsUrl, { events }, api.ingestKey);
    expect(again.status).toBe(200);
    expect([again.body.accepted, again.body.duplicates, again.body.rejected.length]).toEqual([0, 2, 9]);
  });

  it('rejects metadata nested deeper than 32 levels with path metadata, objects or arrays, and stores the rest', async () => {
    const events = [
      { id: 'deep-ok', metadata: `{"a":${nested(31, 'object')}}` },
      { id: 'deep-objects', metadata: nested(5000, 'object') },
      { id: 'deep-arrays', metadata: `{"a":${nested(4000, 'array')}}` },
      { id: 'deep-33', metadata: `{"a":${nested(32, 'object')}}` },
      { id: 'deep-ok-2' },
    ];
    const res = await postJson(api.eventsUrl, batchText(events), api.ingestKey);
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected).toEqual([1, 2, 3].map((index) => ({ index, id: events[index]!.id, errors: [{ path: 'metadata', message: DEPTH_MESSAGE }] })));
    expect(await storedIds('deep-')).toEqual(['deep-ok', 'deep-ok-2']);
  });

  it('answers a body nested 100,000 levels deep with a 4xx, never a 5xx', async () => {
    const body = `{"events":[${nested(100_000, 'array')}]}`;
    const res = await postJson(api.eventsUrl, body, api.ingestKey);
    expect(res.status).toBe(200);
    expect(res.body.rejected).toEqual([{ index: 0, id: null, errors: [{ path: '', message: 'an event must be a JSON object' }] }]);
    const fields = await postJson(api.eventsUrl, `{"events":[{"id":"deep-field","amount":${nested(100_000, 'array')}}]}`, api.ingestKey);
    expect(fields.status).toBe(200);
    expect(fields.body.rejected[0].errors).toEqual([{ path: 'amount', message: DEPTH_MESSAGE }]);
  });

  it('answers 400 naming the parameter for a DELETE id or report name PostgreSQL cannot hold', async () => {
    const del = await fetch(`${api.eventsUrl}/bad%00id`, { method: 'DELETE', headers: { authorization: `Bearer ${api.ingestKey}` } });
    expect(del.status).toBe(400);
    expect(((await del.json()) as any).error.message).toMatch(/^The event id in the path contains a NUL character \(U\+0000\) at position 3/);
    // A surrogate cannot come through a URL as such: its UTF-8 bytes are not valid UTF-8.
    for (const url of [`${api.eventsUrl}/bad%ED%A0%80`, `${api.server.url}/api/v1/reports/teams/%ED%A0%80`]) {
      const res = await fetch(url, { method: url.startsWith(api.eventsUrl) ? 'DELETE' : 'GET', headers: { authorization: `Bearer ${url.startsWith(api.eventsUrl) ? api.ingestKey : api.readKey}` } });
      expect([url, res.status]).toEqual([url, 400]);
      expect(((await res.json()) as any).error.message).toMatch(/^The path is not valid percent-encoded UTF-8: \/api\/v1\//);
    }
    for (const [path, param] of [
      ['teams/Cen%00tral', 'name'],
      ['reps/a%00b%40example.com', 'email'],
    ] as const) {
      const res = await fetch(`${api.server.url}/api/v1/reports/${path}`, { headers: { authorization: `Bearer ${api.readKey}` } });
      expect(res.status).toBe(400);
      expect(((await res.json()) as any).error.message).toMatch(new RegExp(`^The ${param} in the path contains a NUL character`));
    }
  });

  it('stores metadata with a "__proto__" key as data: the batch is not refused, the key is kept, nothing is polluted', async () => {
    const body = `{"events":[${JSON.stringify(call('proto-ok'))},${JSON.stringify(call('proto-key')).replace(/}$/, ',"metadata":{"x":{"__proto__":{"polluted":true}},"constructor":{"prototype":{"polluted":true}}}}')}]}`;
    const res = await postJson(api.eventsUrl, body, api.ingestKey);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 2, rejected: [] });
    expect(await storedIds('proto-')).toEqual(['proto-key', 'proto-ok']);
    const [row] = await api.db.query<{ metadata: string }>(`SELECT metadata::text AS metadata FROM activity_event WHERE workspace_id = $1 AND external_id = 'proto-key'`, [api.workspaceId]);
    expect(JSON.parse(row!.metadata, (k, v: unknown) => v)).toEqual(JSON.parse('{"x":{"__proto__":{"polluted":true}},"constructor":{"prototype":{"polluted":true}}}'));
    expect(row!.metadata).toContain('"__proto__"');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Sent again, it is a duplicate: the key is part of the content.
    expect((await postJson(api.eventsUrl, body, api.ingestKey)).body).toMatchObject({ accepted: 0, duplicates: 2 });
  });

  it('deletes an event by an id of the longest length it accepts, percent-encoded in the path', async () => {
    const id = `long-${'é'.repeat(251)}`;
    expect((await postJson(api.eventsUrl, { events: [call(id)] }, api.ingestKey)).body.accepted).toBe(1);
    const del = await fetch(`${api.eventsUrl}/${encodeURIComponent(id)}`, { method: 'DELETE', headers: { authorization: `Bearer ${api.ingestKey}` } });
    expect(del.status).toBe(204);
    expect(await storedIds('long-')).toEqual([]);
  });

  it('decides the year range on the UTC instant', async () => {
    const res = await postJson(
      api.eventsUrl,
      {
        events: [
          call('year-3000', { occurredAt: '2999-12-31T23:00:00-05:00' }),
          call('year-1969', { occurredAt: '1970-01-01T00:30:00+01:00' }),
          call('year-2999', { occurredAt: '2999-12-31T23:00:00Z' }),
        ],
      },
      api.ingestKey,
    );
    expect(res.body.rejected.map((r: any) => [r.index, r.errors])).toEqual([
      [0, [{ path: 'occurredAt', message: '"2999-12-31T23:00:00-05:00" is out of range (years 1970–2999 UTC)' }]],
      [1, [{ path: 'occurredAt', message: '"1970-01-01T00:30:00+01:00" is out of range (years 1970–2999 UTC)' }]],
    ]);
    expect(res.body.accepted).toBe(1);
  });

  it('cuts every input it echoes in an error to 100 characters', async () => {
    const long = (c: string) => c.repeat(10_000);
    const cut = (c: string) => `${c.repeat(100)}…`;
    const res = await postJson(
      api.eventsUrl,
      {
        events: [
          call('echo-1', { occurredAt: `2026-11-02T${long('9')}` }),
          call('echo-2', { repEmail: long('e') }),
          call('echo-3', { type: long('t') }),
          call('echo-4', { [long('k')]: 1 }),
          call('echo-5', { amount: long('1') }),
        ],
      },
      api.ingestKey,
    );
    const messages = res.body.rejected.map((r: any) => r.errors.map((e: any) => e.message).join(' | '));
    expect(messages[0]).toBe(`"2026-11-02T${'9'.repeat(89)}…" is not an ISO 8601 date-time with an offset, e.g. 2026-11-02T10:00:00Z`);
    expect(messages[1]).toBe(`"${cut('e')}" is not an email`);
    expect(messages[2]).toMatch(new RegExp(`^unknown event type "${cut('t')}"; expected one of call,`));
    expect(messages[3]).toBe(`unknown field "${cut('k')}"`);
    expect(messages[4]).toBe(`"${cut('1')}" is not a number`);

    const report = await fetch(`${api.server.url}/api/v1/reports/teams/Central?asOf=${long('2')}`, { headers: { authorization: `Bearer ${api.readKey}` } });
    expect(report.status).toBe(400);
    expect(((await report.json()) as any).error.message).toBe(`asOf: "${cut('2')}" is not an ISO 8601 date-time with an offset, e.g. 2026-11-02T10:00:00Z`);

    const missing = await fetch(`${api.server.url}/${long('x')}`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as any).error.message).toBe(`No route GET /${'x'.repeat(99)}….`);
  });
});
