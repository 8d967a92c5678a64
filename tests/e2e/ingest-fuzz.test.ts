import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORE_EVENT_TYPES } from '../../src/ingest/event-types.js';
import { postJson } from '../helpers/http.js';
import { startIngestApi, type IngestApi } from '../helpers/ingest-api.js';

/** Each property stops after this long (the runs done so far must all have passed). */
const TIME_LIMIT_MS = 20_000;

/** Characters of every class worth a try: emoji (with ZWJ and skin tone), RTL, combining marks, BOM, odd spaces, JSON specials. */
const SPECIALS = ['🎉', '👩‍👩‍👧', '👍🏽', 'ע', 'ب', '\u202e', '\u200f', 'e\u0301', '\u0301', '\ufeff', '\u3000', '\u00a0', ' ', '\t', '\n', '"', '\\', '/', '.', '𝔘', '中', '\u2028'];
/** What PostgreSQL cannot store: a NUL and unpaired surrogates. */
const POISON = ['\u0000', '\ud800', '\udbff', '\udc00', '\udfff'];

/** One code point of any class (never half a surrogate pair, never NUL). */
const storableUnit = fc.oneof(
  fc.constantFrom(...SPECIALS),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => c !== '\u0000'),
);
/** Any UTF-16 code unit too: NUL and lone surrogates included. */
const anyUnit = fc.oneof(
  storableUnit,
  fc.constantFrom(...POISON),
  fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
);

const anyText = fc.string({ unit: anyUnit, maxLength: 30 });

/** `{"a":{"a":…}}` or `[[…]]` as JSON text: JSON.stringify itself overflows on thousands of levels. */
const nestedText = (levels: number, kind: 'object' | 'array') => (kind === 'object' ? `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}` : `${'['.repeat(levels)}${']'.repeat(levels)}`);

const VALID_AT = '2026-11-02T10:00:00Z';

/** One element of a fuzzed batch, as JSON text once it has its unique id. */
type Piece = (id: string) => string;

/** An event close enough to valid that each field's check matters: any field may hold any text. */
const nearEvent: fc.Arbitrary<Piece> = fc
  .record(
    {
      suffix: anyText,
      type: fc.oneof(fc.constantFrom(...CORE_EVENT_TYPES), anyText),
      occurredAt: fc.oneof(fc.constant(VALID_AT), anyText),
      repEmail: fc.oneof(fc.constant('anna@example.com'), anyText),
      crmOwnerId: anyText,
      leadId: anyText,
      dealId: anyText,
      stage: anyText,
      amount: fc.oneof(fc.double(), fc.integer({ min: 0, max: 10_000 }), anyText),
      leadSource: fc.oneof(fc.constantFrom('inbound', 'outbound'), anyText),
      metadata: fc.dictionary(anyText, fc.jsonValue({ maxDepth: 3, stringUnit: anyUnit }), { maxKeys: 4 }),
    },
    { requiredKeys: ['suffix', 'type', 'occurredAt'] },
  )
  .map(
    ({ suffix, ...fields }) =>
      (id: string) =>
        JSON.stringify({ id: `${id}${suffix}`, ...fields }),
  );

/** Metadata nested past the limit, or far past what a recursive walk survives. */
const deepEvent: fc.Arbitrary<Piece> = fc
  .record({ levels: fc.oneof(fc.integer({ min: 30, max: 40 }), fc.integer({ min: 1_000, max: 20_000 })), kind: fc.constantFrom('object' as const, 'array' as const) })
  .map(
    ({ levels, kind }) =>
      (id: string) =>
        JSON.stringify({ id, type: 'call', occurredAt: VALID_AT, repEmail: 'anna@example.com' }).replace(/}$/, `,"metadata":{"a":${nestedText(levels, kind)}}}`),
  );

/** Large strings around the metadata limit (8 KB), sometimes with poison inside. */
const largeEvent: fc.Arbitrary<Piece> = fc.record({ size: fc.integer({ min: 1_000, max: 40_000 }), poison: fc.option(fc.constantFrom(...POISON)) }).map(
  ({ size, poison }) =>
    (id: string) =>
      JSON.stringify({ id, type: 'email', occurredAt: VALID_AT, repEmail: 'anna@example.com', metadata: { text: `${'ü'.repeat(size)}${poison ?? ''}` } }),
);

/** Any JSON value at all in the place of an event. */
const anyValue: fc.Arbitrary<Piece> = fc.jsonValue({ maxDepth: 4, stringUnit: anyUnit }).map((value) => () => JSON.stringify(value));

/** A valid event whose free-text fields hold storable Unicode of every class. */
const freeText = fc.string({ unit: storableUnit, minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0);

describe('ingestion API under fuzzing (PostgreSQL)', () => {
  let nextId = 0;
  /** A prefix and counter make every generated id unique across runs, so each accepted event is one new row. */
  const uniqueId = () => `fz${(nextId += 1)}:`;

  let api: IngestApi;
  beforeAll(async () => {
    api = await startIngestApi('postgres', 'T0FUZZ');
  });

  afterAll(() => api?.close());

  const storedRows = () => api.db.prisma.activityEvent.count({ where: { workspaceId: api.workspaceId } });

  it('never answers 5xx; accepted + duplicates + rejected = batch length; the database holds exactly the accepted events', async () => {
    const before = await storedRows();
    let expectedRows = before;
    const reasons = new Set<string>();
    const piece = fc.oneof({ arbitrary: nearEvent, weight: 4 }, { arbitrary: anyValue, weight: 2 }, { arbitrary: deepEvent, weight: 1 }, { arbitrary: largeEvent, weight: 1 });
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 12 }), async (pieces) => {
        const body = `{"events":[${pieces.map((p) => p(uniqueId())).join(',')}]}`;
        const res = await postJson(api.eventsUrl, body, api.ingestKey);
        expect(res.status).toBeLessThan(500);
        if (res.status === 200) {
          expect(res.body.accepted + res.body.duplicates + res.body.rejected.length).toBe(pieces.length);
          expectedRows += res.body.accepted;
          for (const r of res.body.rejected) for (const e of r.errors) reasons.add(String(e.message).split(' ', 2).join(' '));
        }
        expect(await storedRows()).toBe(expectedRows);
      }),
      { numRuns: 150, interruptAfterTimeLimit: TIME_LIMIT_MS },
    );
    // Not vacuous: events were stored, and poison and depth were among the reasons for rejecting others.
    expect(expectedRows).toBeGreaterThan(before);
    expect([...reasons]).toEqual(expect.arrayContaining(['contains a', 'is nested']));
  }, 60_000);

  it('always accepts valid events whose free text is any storable Unicode, and reads it back equal', async () => {
    const event = fc.record({
      suffix: fc.string({ unit: storableUnit, maxLength: 40 }),
      crmOwnerId: freeText,
      leadId: freeText,
      dealId: freeText,
      stage: freeText,
      metadata: fc.dictionary(
        fc.string({ unit: storableUnit, maxLength: 20 }),
        fc.oneof(fc.string({ unit: storableUnit, maxLength: 40 }), fc.array(fc.string({ unit: storableUnit, maxLength: 20 }), { maxLength: 3 })),
        {
          maxKeys: 5,
        },
      ),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 5 }), async (generated) => {
        const events = generated.map(({ suffix, ...fields }) => ({ id: `${uniqueId()}${suffix}`, type: 'stage_changed', occurredAt: VALID_AT, ...fields }));
        const res = await postJson(api.eventsUrl, { events }, api.ingestKey);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ accepted: events.length, duplicates: 0, unmatched: events.length, rejected: [] });
        for (const sent of events) {
          // The API trims ids, lead/deal ids, CRM owner ids and stages (String.prototype.trim); metadata is kept as sent.
          const [row] = await api.db.query<{ external_id: string; lead_id: string; deal_id: string; stage: string; metadata: unknown; crm: string }>(
            `SELECT e.external_id, e.lead_id, e.deal_id, e.stage, e.metadata, i.value AS crm
               FROM activity_event e JOIN identity i ON i.id = e.identity_id
              WHERE e.workspace_id = $1 AND e.external_id = $2 AND i.kind = 'crm'`,
            [api.workspaceId, sent.id.trim()],
          );
          expect(row).toEqual({
            external_id: sent.id.trim(),
            lead_id: sent.leadId.trim(),
            deal_id: sent.dealId.trim(),
            stage: sent.stage.trim(),
            metadata: sent.metadata,
            crm: sent.crmOwnerId.trim(),
          });
        }
      }),
      { numRuns: 100, interruptAfterTimeLimit: TIME_LIMIT_MS },
    );
  }, 60_000);
});
