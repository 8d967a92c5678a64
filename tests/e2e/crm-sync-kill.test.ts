/**
 * Issue 13: `pacer sync` killed (SIGKILL) in the middle of a page and run again loses and doubles
 * nothing: the checkpoint only ever covers stored records, and records read again are duplicates.
 * A real process on PostgreSQL, against the local HubSpot at HubSpot's documented limits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { listSources, readCheckpoints } from '../../src/db/sync-repo.js';
import { migrate } from '../../src/db/migrator.js';
import { startLocalHubSpot, type LocalHubSpot } from '../../src/local-crm/hubspot/index.js';
import { createPostgresDatabase } from '../helpers/db.js';
import { applyDocument, HUBSPOT_TOKEN, storedEvents } from '../helpers/hubspot.js';
import { run } from '../helpers/process.js';

const NOW = '2026-11-23T12:00:00Z';
const CALLS = 2500;
const FIRST_CALL = Date.parse('2026-11-16T15:00:00Z');

describe('pacer sync killed mid-page', () => {
  let databaseUrl: string;
  let db: Database;
  let hs: LocalHubSpot;
  let workspaceId: number;

  beforeAll(async () => {
    databaseUrl = await createPostgresDatabase();
    db = await openDatabase({ databaseUrl, maxConnections: 2 });
    await migrate(db);
    hs = await startLocalHubSpot({ token: HUBSPOT_TOKEN });
    hs.state.owners.push({ id: '701', email: 'anna@x.com', updatedAt: Date.parse('2026-10-01T00:00:00Z') });
    hs.state.pipelines = [{ id: 'default', label: 'Sales pipeline', stages: [{ id: 'discovery', label: 'Discovery' }] }];
    // A call a second, so the 5-minute overlap before a checkpoint holds 300 of them.
    for (let i = 0; i < CALLS; i += 1) hs.state.upsert('calls', null, { hs_timestamp: new Date(FIRST_CALL + i * 1000).toISOString(), hubspot_owner_id: '701' }, FIRST_CALL + i * 1000);
    workspaceId = await applyDocument(db, {
      workspace: { id: 'T0KILL', currency: 'USD' },
      teams: [{ name: 'Central', timezone: 'UTC', pipelineStages: ['discovery'], focus: ['cadence.call'], members: [{ email: 'anna@x.com', name: 'Anna' }] }],
      sources: [{ kind: 'hubspot', token: 'env:HUBSPOT_TOKEN', apiUrl: hs.url }],
    });
  });
  afterAll(async () => {
    await hs?.close();
    await db?.close();
  });

  const env = () => ({ DATABASE_URL: databaseUrl, HUBSPOT_TOKEN, PACER_NOW: NOW, LOG_LEVEL: 'warn' });
  const storedCalls = async () => (await storedEvents(db, workspaceId)).filter((e) => e.type === 'call').map((e) => e.id);

  it('restarts from the last stored page and ends with every call once', { timeout: 180_000 }, async () => {
    // Pages hold 1,000 calls; each page reads its deals and contacts. The second page's second
    // association request comes after its calls were read and before they are stored.
    let associationRequests = 0;
    const killed = new Promise<void>((resolve) => {
      hs.onRequest(({ path }) => {
        if (!path.startsWith('/crm/v4/associations/calls/')) return;
        associationRequests += 1;
        if (associationRequests === 4) {
          first.child.kill('SIGKILL');
          resolve();
        }
      });
    });
    const first = run(['src/cli/index.ts', 'sync'], env());
    await killed;
    expect(await first.exited).toBeNull();
    hs.onRequest(null);

    const sourceId = (await listSources(db, { workspaceId }))[0]!.id;
    const afterKill = await storedCalls();
    expect(afterKill).toHaveLength(1000);
    const checkpoint = Number((await readCheckpoints(db, sourceId)).get('calls'));
    expect(checkpoint).toBe(FIRST_CALL + 999 * 1000);

    const second = run(['src/cli/index.ts', 'sync'], env());
    expect(await second.exited, second.output()).toBe(0);
    const calls = await storedCalls();
    expect(calls).toHaveLength(CALLS);
    expect(new Set(calls).size).toBe(CALLS);
    // The restart read from the checkpoint (less its overlap), not from the start: the 1,500 calls
    // not stored yet were accepted, the 301 of the overlap were duplicates.
    expect(second.output()).toMatch(/calls\s+read 1,801, accepted 1,500, duplicates 301, unmatched 0, rejected 0/);
  });
});
