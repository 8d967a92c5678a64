/**
 * Issue 13: the config's sources in the database. Applying stores them with credentials as
 * references only; a change to what shapes the events clears the checkpoints (the next sync reads
 * everything again), a rotated token does not; a source left out is deactivated. The scheduler
 * syncs each active source every `everyMinutes`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { listSources, readCheckpoints, saveCheckpoint } from '../../src/db/sync-repo.js';
import { runDueSyncs } from '../../src/jobs/crm-sync.js';
import type { LocalHubSpot } from '../../src/local-crm/hubspot/index.js';
import { createTestDatabase } from '../helpers/db.js';
import { applyDocument, startTestHubSpot, testSyncDeps } from '../helpers/hubspot.js';

const NOW = new Date('2026-11-23T12:00:00Z');

function doc(sources: object[], sync?: object) {
  return {
    workspace: { id: 'T0SOURCES', currency: 'USD' },
    teams: [{ name: 'Central', timezone: 'UTC', pipelineStages: ['discovery', 'demo'], focus: ['cadence.call'], members: [{ email: 'anna@x.com', name: 'Anna' }] }],
    sources,
    ...(sync ? { sync } : {}),
  };
}

describe('sources applied from the config', () => {
  let db: Database;
  let hs: LocalHubSpot;
  let workspaceId: number;

  beforeAll(async () => {
    db = await createTestDatabase('embedded');
    hs = await startTestHubSpot();
    hs.state.owners.push({ id: '701', email: 'anna@x.com', updatedAt: 0 });
    hs.state.pipelines = [{ id: 'default', label: 'Sales pipeline', stages: [{ id: 'discovery', label: 'Discovery' }] }];
    hs.state.upsert('calls', null, { hs_timestamp: '2026-11-20T15:00:00.000Z', hubspot_owner_id: '701' }, Date.parse('2026-11-20T15:00:00Z'));
    workspaceId = await applyDocument(db, doc([{ kind: 'hubspot', token: 'env:HUBSPOT_TOKEN', apiUrl: hs.url }], { everyMinutes: 15 }));
  });
  afterAll(async () => {
    await hs?.close();
    await db?.close();
  });

  const source = async (name = 'hubspot') => (await listSources(db, { workspaceId, includeInactive: true })).find((s) => s.name === name)!;

  it('keeps the credential as its reference, never a value', async () => {
    const row = await source();
    expect(row).toMatchObject({ kind: 'hubspot', everyMinutes: 15, active: true, settings: { source: { token: 'env:HUBSPOT_TOKEN' }, since: null } });
  });

  it('the scheduler syncs a source when its everyMinutes have passed since the last attempt', async () => {
    const deps = testSyncDeps(db, { now: NOW });
    expect((await runDueSyncs(deps)).map((r) => [r.source, r.status])).toEqual([['hubspot', 'ok']]);
    deps.clock.set(new Date(NOW.getTime() + 14 * 60_000));
    expect(await runDueSyncs(deps)).toEqual([]);
    deps.clock.set(new Date(NOW.getTime() + 15 * 60_000));
    expect((await runDueSyncs(deps)).map((r) => r.status)).toEqual(['ok']);
    expect((await source()).lastAttemptAt).toEqual(new Date(NOW.getTime() + 15 * 60_000));
  });

  it('a changed map or start clears the checkpoints; a rotated token or a new limit does not', async () => {
    const id = (await source()).id;
    await saveCheckpoint(db, id, 'calls', '123', NOW);
    await applyDocument(db, doc([{ kind: 'hubspot', token: 'env:OTHER_TOKEN', apiUrl: hs.url, limits: { per10Seconds: 190 } }], { everyMinutes: 15 }));
    expect((await readCheckpoints(db, id)).get('calls')).toBe('123');
    await applyDocument(db, doc([{ kind: 'hubspot', token: 'env:OTHER_TOKEN', apiUrl: hs.url, stages: { Discovery: 'demo' } }], { everyMinutes: 15 }));
    expect(await readCheckpoints(db, id)).toEqual(new Map());
    await saveCheckpoint(db, id, 'calls', '123', NOW);
    await applyDocument(db, doc([{ kind: 'hubspot', token: 'env:OTHER_TOKEN', apiUrl: hs.url, stages: { Discovery: 'demo' } }], { everyMinutes: 15, since: '2026-06-01' }));
    expect(await readCheckpoints(db, id)).toEqual(new Map());
    expect((await source()).settings).toMatchObject({ source: { token: 'env:OTHER_TOKEN', stages: { Discovery: 'demo' } }, since: '2026-06-01' });
  });

  it('a source left out of the config is deactivated, kept with its history, and no longer synced', async () => {
    await applyDocument(db, doc([]));
    const row = await source();
    expect(row).toMatchObject({ active: false });
    expect(row.lastSuccessAt).not.toBeNull();
    expect(await listSources(db, { workspaceId })).toEqual([]);
    expect(await runDueSyncs(testSyncDeps(db, { now: new Date(NOW.getTime() + 3_600_000) }))).toEqual([]);
  });
});
