/**
 * Pacer's throttle against the local HubSpot (windows a hundred times shorter) when HubSpot counts
 * requests late: a request counts somewhere between its arrival and its answer, and Pacer must
 * stay within the limits wherever that is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalHubSpot } from '../../src/local-crm/hubspot/index.js';
import { createLogger } from '../../src/logger.js';
import { HubSpotClient } from '../../src/sync/hubspot/client.js';
import { HUBSPOT_TOKEN, startTestHubSpot, TEST_WINDOWS } from '../helpers/hubspot.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('HubSpot pacing', () => {
  let hs: LocalHubSpot;

  beforeAll(async () => {
    hs = await startTestHubSpot();
    hs.state.owners.push({ id: '701', email: 'anna@x.com', updatedAt: 0 });
    for (let i = 0; i < 10; i += 1) hs.state.upsert('calls', null, { hubspot_owner_id: '701' }, Date.parse('2026-11-01T00:00:00Z') + i);
  });
  afterAll(async () => {
    hs.onRequest(null);
    await hs?.close();
  });

  const client = () =>
    new HubSpotClient({ apiUrl: hs.url, token: HUBSPOT_TOKEN, limits: { per10Seconds: 100, searchPerSecond: 5 }, logger: createLogger({ level: 'silent' }), windows: TEST_WINDOWS, backoffMs: 5 });

  it('no 429 when some searches are counted as late as their answer and the rest at once', async () => {
    // Every fourth search is counted and answered 25 ms after it arrived (two and a half search
    // windows): the searches counted on time after it must still be a window after it.
    let n = 0;
    hs.onRequest(async ({ path }) => {
      if (path.endsWith('/search') && n++ % 4 === 0) await sleep(25);
    });
    hs.clearRequests();
    const hubspot = client();
    const search = () => hubspot.search('calls', { filterGroups: [], sorts: [], properties: [], limit: 1 });
    // Eight callers searching one after another keep search's window full.
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = 0; i < 25; i += 1) await search();
      }),
    );
    expect(hs.requests.filter((r) => r.status !== 200)).toEqual([]);
    expect(hubspot.http.rateLimited).toBe(0);
    expect(hs.requests).toHaveLength(200);
  });

  it('no 429 from the burst limit when some reads are counted as late as their answer', async () => {
    let n = 0;
    hs.onRequest(async ({ path }) => {
      if (path.endsWith('/batch/read') && n++ % 10 === 0) await sleep(40);
    });
    hs.clearRequests();
    const hubspot = client();
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        for (let i = 0; i < 20; i += 1) await hubspot.batchRead('calls', ['30001'], []);
      }),
    );
    expect(hs.requests.filter((r) => r.status !== 200)).toEqual([]);
    expect(hubspot.http.rateLimited).toBe(0);
    expect(hs.requests).toHaveLength(400);
  });
});
