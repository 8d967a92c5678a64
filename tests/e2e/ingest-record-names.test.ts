import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../helpers/db.js';
import { postJson } from '../helpers/http.js';
import { startIngestApi, type IngestApi } from '../helpers/ingest-api.js';

// docs/metrics.md "Events" (rev 2): optional dealName, leadName, accountName (≤ 200 characters) and
// url (http:// or https://, ≤ 2,000 characters), stored and part of the event's content.

const AT = '2026-11-02T10:00:00-06:00';
const opened = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'opportunity_created',
  occurredAt: AT,
  repEmail: 'anna@example.com',
  dealId: 'D1',
  amount: 1000,
  ...extra,
});

describe.each(DATABASE_KINDS)('record names and links through the ingestion API on %s', (kind) => {
  let api: IngestApi;
  beforeAll(async () => {
    api = await startIngestApi(kind, 'T0NAMES');
  });

  afterAll(() => api?.close());

  const row = (externalId: string) => api.db.prisma.activityEvent.findUnique({ where: { workspaceId_externalId: { workspaceId: api.workspaceId, externalId } } });

  it('stores the names and the link of an event', async () => {
    const names = { dealName: 'Acme Logistics — 40 seats', leadName: 'Jo Park', accountName: 'Acme Logistics', url: 'https://crm.example.com/deals/D1?tab=1' };
    const res = await postJson(api.eventsUrl, { events: [opened('n-ok', { ...names, leadId: 'L1' }), opened('n-http', { url: 'http://crm.local/d/1' })] }, api.ingestKey);
    expect(res.body).toEqual({ accepted: 2, duplicates: 0, unmatched: 2, rejected: [] });
    expect(await row('n-ok')).toMatchObject(names);
    expect(await row('n-http')).toMatchObject({ url: 'http://crm.local/d/1', dealName: null, leadName: null, accountName: null });
  });

  it('rejects a link that is not http(s), names or links that are too long, and empty names, naming the field', async () => {
    const res = await postJson(
      api.eventsUrl,
      {
        events: [
          opened('n-js', { url: 'javascript:alert(1)' }),
          opened('n-ftp', { url: 'ftp://crm.example.com/d/1' }),
          opened('n-rel', { url: '/deals/D1' }),
          opened('n-long-url', { url: `https://crm.example.com/${'x'.repeat(2000)}` }),
          opened('n-long-name', { dealName: 'n'.repeat(201) }),
          opened('n-empty', { accountName: '  ' }),
          opened('n-num', { leadName: 7 }),
          opened('n-max', { dealName: 'n'.repeat(200), url: `https://c.io/${'x'.repeat(2000 - 'https://c.io/'.length)}` }),
        ],
      },
      api.ingestKey,
    );
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected.map((r: { id: string; errors: unknown[] }) => [r.id, r.errors])).toEqual([
      ['n-js', [{ path: 'url', message: '"javascript:alert(1)" is not an http:// or https:// link to the record in the CRM' }]],
      ['n-ftp', [{ path: 'url', message: '"ftp://crm.example.com/d/1" is not an http:// or https:// link to the record in the CRM' }]],
      ['n-rel', [{ path: 'url', message: '"/deals/D1" is not an http:// or https:// link to the record in the CRM' }]],
      ['n-long-url', [{ path: 'url', message: 'url is longer than 2000 characters' }]],
      ['n-long-name', [{ path: 'dealName', message: 'dealName is longer than 200 characters' }]],
      ['n-empty', [{ path: 'accountName', message: 'accountName must not be empty' }]],
      ['n-num', [{ path: 'leadName', message: 'leadName must be a string' }]],
    ]);
    expect(await row('n-js')).toBeNull();
    expect(await row('n-max')).toMatchObject({ dealName: 'n'.repeat(200) });
  });

  it('counts a changed name as changed content: a conflict, unless sent with a higher version', async () => {
    await postJson(api.eventsUrl, { events: [opened('n-v', { dealName: 'Acme — 40 seats' })] }, api.ingestKey);
    const same = await postJson(api.eventsUrl, { events: [opened('n-v', { dealName: 'Acme — 40 seats' })] }, api.ingestKey);
    expect(same.body).toMatchObject({ accepted: 0, duplicates: 1 });
    const renamed = await postJson(api.eventsUrl, { events: [opened('n-v', { dealName: 'Acme — 60 seats' })] }, api.ingestKey);
    expect(renamed.body.rejected).toEqual([{ index: 0, id: 'n-v', errors: [{ path: 'id', message: expect.stringMatching(/^conflict: /) }] }]);
    const newer = await postJson(api.eventsUrl, { events: [opened('n-v', { dealName: 'Acme — 60 seats', version: 2 })] }, api.ingestKey);
    expect(newer.body).toMatchObject({ accepted: 1, rejected: [] });
    expect(await row('n-v')).toMatchObject({ dealName: 'Acme — 60 seats', version: 2n });
  });
});
