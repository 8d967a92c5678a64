/**
 * CRM sync in /metrics: the crm-sync job run by the scheduler from the registry counts each
 * source's run, its failures by kind and the events it ingested; the lag and failing gauges are
 * read from the sources when scraped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { listSources } from '../../src/db/sync-repo.js';
import { startScheduler } from '../../src/jobs/scheduler.js';
import type { LocalHubSpot } from '../../src/local-crm/hubspot/index.js';
import { sourceSyncStates } from '../../src/sync/status.js';
import { Telemetry } from '../../src/telemetry/telemetry.js';
import { parsePrometheusText, total } from '../../scripts/lib/prometheus-text.js';
import { createTestDatabase } from '../helpers/db.js';
import { applyDocument, capturingLogger, startTestHubSpot, testSyncDeps } from '../helpers/hubspot.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const TEAM = 'T0SYNCMETRICS';

describe('CRM sync in /metrics', () => {
  let db: Database;
  let hs: LocalHubSpot;

  beforeAll(async () => {
    db = await createTestDatabase('embedded');
    hs = await startTestHubSpot();
    hs.state.owners.push({ id: '701', email: 'anna@x.com', updatedAt: 0 });
    hs.state.pipelines = [{ id: 'default', label: 'Sales pipeline', stages: [{ id: 'discovery', label: 'Discovery' }] }];
    hs.state.upsert('calls', null, { hs_timestamp: '2026-11-20T15:00:00.000Z', hubspot_owner_id: '701' }, Date.parse('2026-11-20T15:00:00Z'));
    hs.state.upsert('calls', null, { hs_timestamp: '2026-11-21T15:00:00.000Z', hubspot_owner_id: '701' }, Date.parse('2026-11-21T15:00:00Z'));
    await applyDocument(db, {
      workspace: { id: TEAM, currency: 'USD' },
      teams: [{ name: 'Central', timezone: 'UTC', pipelineStages: ['discovery'], focus: ['cadence.call'], members: [{ email: 'anna@x.com', name: 'Anna' }] }],
      sources: [{ kind: 'hubspot', token: 'env:HUBSPOT_TOKEN', apiUrl: hs.url }],
      sync: { everyMinutes: 15 },
    });
  });
  afterAll(async () => {
    await hs?.close();
    await db?.close();
  });

  it('counts runs, errors by kind and ingested events, and shows each source’s lag and spell', async () => {
    const telemetry = new Telemetry();
    const { logger } = capturingLogger();
    const sync = { ...testSyncDeps(db, { now: NOW, logger }), telemetry };
    telemetry.watchSources(async () => sourceSyncStates(await listSources(db), sync.clock.now()));
    const tick = async (deps: typeof sync) => {
      const scheduler = startScheduler({ db, logger, clock: deps.clock, telemetry, messaging: null, sync: deps }, { timer: false });
      await scheduler.tick();
      await scheduler.stop();
    };
    const scraped = async () => parsePrometheusText(await telemetry.scrape());

    await tick(sync);
    let samples = await scraped();
    expect(total(samples, 'pacer_job_runs_total', { job: 'crm-sync', outcome: 'ok' })).toBe(1);
    expect(total(samples, 'pacer_crm_sync_runs_total', { source: 'hubspot', status: 'ok' })).toBe(1);
    expect(total(samples, 'pacer_events_total', { source: 'crm', outcome: 'accepted' })).toBe(2);
    expect(total(samples, 'pacer_events_total', { source: 'api' })).toBe(0);
    expect(total(samples, 'pacer_crm_sync_lag_seconds', { workspace: TEAM, source: 'hubspot' })).toBe(0);
    expect(total(samples, 'pacer_crm_sync_failing', { workspace: TEAM, source: 'hubspot' })).toBe(0);

    // 20 minutes on, with a token HubSpot refuses: the run fails for good (auth) and the spell starts.
    const revoked = { ...testSyncDeps(db, { now: new Date(NOW.getTime() + 20 * 60_000), logger, env: { HUBSPOT_TOKEN: 'pat-na1-revoked-token' } }), telemetry };
    telemetry.watchSources(async () => sourceSyncStates(await listSources(db), revoked.clock.now()));
    await tick(revoked);
    samples = await scraped();
    expect(total(samples, 'pacer_crm_sync_runs_total', { source: 'hubspot', status: 'failed' })).toBe(1);
    expect(total(samples, 'pacer_crm_sync_errors_total', { source: 'hubspot', kind: 'auth' })).toBe(1);
    expect(total(samples, 'pacer_crm_sync_errors_total', { source: 'hubspot' })).toBe(1);
    // The job itself ran fine: a source's failure is its result, not the job's.
    expect(total(samples, 'pacer_job_runs_total', { job: 'crm-sync', outcome: 'ok' })).toBe(2);
    expect(total(samples, 'pacer_crm_sync_lag_seconds', { workspace: TEAM, source: 'hubspot' })).toBe(20 * 60);
    expect(total(samples, 'pacer_crm_sync_failing', { workspace: TEAM, source: 'hubspot' })).toBe(1);

    // An unreachable database leaves the gauges out; the scrape still answers.
    telemetry.watchSources(() => Promise.reject(new Error('connection refused')));
    samples = await scraped();
    expect(samples.some((s) => s.name === 'pacer_crm_sync_lag_seconds')).toBe(false);
    expect(total(samples, 'pacer_crm_sync_runs_total', { source: 'hubspot' })).toBe(2);
  });
});
