/**
 * Issue 13: Salesforce sync's limits and failures against the local Salesforce: REQUEST_LIMIT_EXCEEDED
 * (a storm, and the org's allowance used up), an expired session, a revoked refresh token reported
 * through data health, the JWT bearer flow, query batches paged by nextRecordsUrl, Get Deleted's id
 * limit and window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { listSources } from '../../src/db/sync-repo.js';
import type { LocalSalesforce } from '../../src/local-crm/salesforce/index.js';
import { teamReport } from '../../src/reports/build-report.js';
import type { SourceRunResult } from '../../src/sync/runner.js';
import { sourceFactory } from '../../src/sync/sources.js';
import { sourceStatusLines } from '../../src/sync/status.js';
import { createTestDatabase } from '../helpers/db.js';
import { startTestServer } from '../helpers/http.js';
import { applyDocument, capturingLogger, storedEvents, syncNamed } from '../helpers/hubspot.js';
import { SF_CLIENT_ID, SF_ENV, SF_REFRESH_TOKEN, salesforceSource, salesforceSyncDeps, startTestSalesforce, wallClock } from '../helpers/salesforce.js';
import { at, buildOrg, configDoc, NOW, type Ids } from '../helpers/salesforce-org.js';

const byObject = (r: SourceRunResult, object: string) => r.objects.find((o) => o.object === object)!;

describe('Salesforce sync: limits and failures', () => {
  let db: Database;
  let sf: LocalSalesforce;
  let workspaceId: number;
  const wall = wallClock(NOW);

  beforeAll(async () => {
    db = await createTestDatabase('embedded');
    sf = await startTestSalesforce(wall);
    buildOrg(sf);
    workspaceId = await applyDocument(db, configDoc(sf.url));
  });
  afterAll(async () => {
    await sf?.close();
    await db?.close();
  });

  it('rides out a REQUEST_LIMIT_EXCEEDED storm with backoff, reports it, and stores everything once', async () => {
    sf.failNext({ errorCode: 'REQUEST_LIMIT_EXCEEDED' }, 3);
    sf.clearRequests();
    const result = await syncNamed(salesforceSyncDeps(db, { now: NOW, wall, tuning: { limitBackoffMs: 50 } }), workspaceId, 'salesforce');
    expect(result).toMatchObject({ status: 'ok', rateLimited: 3 });
    const limited = sf.requests.filter((r) => r.status === 403);
    expect(limited).toHaveLength(3);
    // Each refused request was sent again, after a wait of at least the first backoff (50 ms).
    for (const r of limited) {
      const retry = sf.requests.find((x) => x.arrivedMs > r.arrivedMs && x.path === r.path && x.soql === r.soql);
      expect(retry).toBeDefined();
      expect(retry!.arrivedMs - r.arrivedMs).toBeGreaterThanOrEqual(45);
    }
    expect(await storedEvents(db, workspaceId)).toHaveLength(22);
  });

  it("the org's allowance used up ends the run without calling the source failing; the next run carries on", async () => {
    sf.allowRequests(3);
    const result = await syncNamed(salesforceSyncDeps(db, { now: NOW, wall }), workspaceId, 'salesforce');
    expect(result).toMatchObject({ status: 'failed', stopping: false });
    // Five tries of the request that gave up (others may have been refused meanwhile).
    expect(result.rateLimited).toBeGreaterThanOrEqual(5);
    expect(result.error).toBe(
      "Salesforce's API request limit is exceeded (REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.) after 5 tries with backoff; the next sync carries on from the checkpoints",
    );
    const [row] = await listSources(db, { workspaceId });
    expect(row).toMatchObject({ failingSince: null, lastError: result.error });
    expect(sourceStatusLines([row!], NOW)[1]).toContain(`last attempt failed (retried every 10 min): ${result.error}`);
    expect((await teamReport(db, workspaceId, 'Central', NOW, NOW)).dataHealth.sources).toEqual([{ name: 'salesforce', lastSuccessAt: expect.any(String), error: null }]);
    sf.resetUsage();
    const again = await syncNamed(salesforceSyncDeps(db, { now: NOW, wall }), workspaceId, 'salesforce');
    expect(again.status).toBe('ok');
  });

  it('an expired session is renewed once, in the middle of a run, and the run goes on', async () => {
    const factory = sourceFactory({ backoffMs: 5, salesforce: { windowMs: 100, limitBackoffMs: 5, now: wall.now } });
    const run = () => syncNamed(salesforceSyncDeps(db, { now: NOW, wall, factory }), workspaceId, 'salesforce');
    const issued = sf.tokensIssued();
    expect((await run()).status).toBe('ok');
    // The process keeps its token between runs.
    expect((await run()).status).toBe('ok');
    expect(sf.tokensIssued()).toBe(issued + 1);
    let expired = false;
    sf.onRequest(({ soql }) => {
      if (expired || !soql?.includes('FROM Task ')) return;
      expired = true;
      sf.expireSessions();
    });
    sf.clearRequests();
    const result = await run();
    sf.onRequest(null);
    expect(result.status).toBe('ok');
    // One new token, however many requests were refused with the old one.
    expect(sf.tokensIssued()).toBe(issued + 2);
    expect(sf.requests.filter((r) => r.status === 401).length).toBeGreaterThanOrEqual(1);

    // A new token refused too: once renewed, no more; the source stops with a token error.
    sf.refuseSessions(true);
    sf.clearRequests();
    const refused = await run();
    sf.refuseSessions(false);
    expect(refused).toMatchObject({ status: 'failed', stopping: true });
    expect(refused.error).toBe(
      'Salesforce refused a new access token too (INVALID_SESSION_ID: Session expired or invalid); the integration user may be frozen, or its session settings may block API access',
    );
    expect(sf.tokensIssued()).toBe(issued + 3);
    expect(sf.requests.map((r) => r.status)).toEqual([401, 200, 401]);
    expect((await run()).status).toBe('ok');
  });

  it('a revoked refresh token stops the source and is reported through data health once per failing spell', async () => {
    const { logger, lines } = capturingLogger();
    sf.revokeGrant();
    const failedAt = new Date(NOW.getTime() + 10 * 60_000);
    const first = await syncNamed(salesforceSyncDeps(db, { now: failedAt, wall, logger }), workspaceId, 'salesforce');
    expect(first).toMatchObject({ status: 'failed', stopping: true, requests: 0 });
    expect(first.error).toBe(
      "Salesforce refused the refresh token in SF_REFRESH_TOKEN (invalid_grant: expired access/refresh token): it was revoked or has expired. Authorize Pacer's connected app again and put the new refresh token in SF_REFRESH_TOKEN",
    );
    const second = await syncNamed(salesforceSyncDeps(db, { now: new Date(failedAt.getTime() + 10 * 60_000), wall, logger }), workspaceId, 'salesforce');
    expect(second.status).toBe('failed');
    expect(lines().filter((l) => l.msg === 'source failing: it stays stopped until this is fixed (reported through data health)')).toHaveLength(1);
    const logged = JSON.stringify(lines());
    for (const secret of [SF_REFRESH_TOKEN, SF_ENV.SF_CLIENT_SECRET, SF_CLIENT_ID]) expect(logged).not.toContain(secret);
    const [row] = await listSources(db, { workspaceId });
    expect(row!.failingSince).toEqual(failedAt);
    const health = (await teamReport(db, workspaceId, 'Central', failedAt, failedAt)).dataHealth;
    expect(health).toMatchObject({ stale: true, reason: 'source_error', sources: [{ name: 'salesforce', error: first.error }] });
    const server = await startTestServer(db, failedAt);
    try {
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as { dataHealth: unknown[] }).dataHealth).toEqual([
        expect.objectContaining({ workspace: 'T0SALESFORCE', stale: true, reason: 'source_error', sources: [{ name: 'salesforce', lastSuccessAt: expect.any(String), error: first.error }] }),
      ]);
    } finally {
      await server.close();
    }
    expect(sourceStatusLines(await listSources(db, { workspaceId }), failedAt)[1]).toContain(`FAILING since ${failedAt.toISOString()}: ${first.error}`);

    sf.restoreGrant();
    const back = await syncNamed(salesforceSyncDeps(db, { now: new Date(failedAt.getTime() + 20 * 60_000), wall, logger }), workspaceId, 'salesforce');
    expect(back.status).toBe('ok');
    expect((await listSources(db, { workspaceId }))[0]).toMatchObject({ failingSince: null, lastError: null });
    expect(lines().filter((l) => l.msg === 'source recovered: syncing again')).toHaveLength(1);
  });

  it('signs in by the JWT bearer flow; a key the connected app does not know stops the source', async () => {
    await applyDocument(db, { ...configDoc(sf.url), sources: [salesforceSource(sf.url, { stages: { Prospecting: 'discovery' } }, true)] });
    sf.clearRequests();
    const ok = await syncNamed(salesforceSyncDeps(db, { now: NOW, wall }), workspaceId, 'salesforce');
    expect(ok.status).toBe('ok');
    expect(sf.requests.filter((r) => r.path === '/services/oauth2/token').map((r) => r.status)).toEqual([200]);
    const { generateKeyPairSync } = await import('node:crypto');
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    // Environments often hold a PEM with literal \n: read as line breaks.
    const wrong = await syncNamed(salesforceSyncDeps(db, { now: NOW, wall, env: { ...SF_ENV, SF_JWT_KEY: other.replace(/\n/g, '\\n') } }), workspaceId, 'salesforce');
    expect(wrong).toMatchObject({ status: 'failed', stopping: true });
    expect(wrong.error).toMatch(
      /^Salesforce refused the JWT bearer sign-in of pacer-integration@acme\.example \(invalid_grant: invalid assertion\)\. Check that the connected app holds the certificate of the key in SF_JWT_KEY/,
    );
    const garbled = await syncNamed(salesforceSyncDeps(db, { now: NOW, wall, env: { ...SF_ENV, SF_JWT_KEY: 'not a key' } }), workspaceId, 'salesforce');
    expect(garbled).toMatchObject({ status: 'failed', stopping: true });
    expect(garbled.error).toMatch(/^SF_JWT_KEY does not hold a PEM private key/);
    expect((await syncNamed(salesforceSyncDeps(db, { now: NOW, wall }), workspaceId, 'salesforce')).status).toBe('ok');
  });
});

describe("Salesforce sync: query batches and the delete log's limits", () => {
  let db: Database;
  let sf: LocalSalesforce;
  let ids: Ids;
  let workspaceId: number;
  const wall = wallClock(NOW);

  beforeAll(async () => {
    db = await createTestDatabase('embedded');
    // Batches of 20 stand for Salesforce's 2,000; a Get Deleted answer of at most 4 ids for its 600,000.
    sf = await startTestSalesforce(wall, { queryBatch: 20, deletedIdLimit: 4 });
    ids = buildOrg(sf);
    workspaceId = await applyDocument(db, configDoc(sf.url));
  });
  afterAll(async () => {
    await sf?.close();
    await db?.close();
  });

  it('pages by nextRecordsUrl and reads each changed record once, ties across batch boundaries included', async () => {
    const base = at('11-16T15:00:00');
    const made: string[] = [];
    const call = (modified: number) =>
      made.push(sf.state.insert('Task', { TaskSubtype: 'Call', Type: 'Call', IsClosed: true, Status: 'Completed', ActivityDate: null, OwnerId: ids.ben, WhoId: null, WhatId: null }, modified));
    for (let i = 0; i < 15; i += 1) call(base + i * 1000);
    // 30 written in one millisecond, straddling two batch boundaries.
    for (let i = 0; i < 30; i += 1) call(base + 20_000);
    for (let i = 0; i < 25; i += 1) call(base + 30_000 + i * 1000);
    sf.clearRequests();
    const result = await syncNamed(salesforceSyncDeps(db, { now: NOW, wall }), workspaceId, 'salesforce');
    expect(result.status).toBe('ok');
    // The nine tasks of the org above, then these; none read twice.
    expect(byObject(result, 'tasks')).toMatchObject({ read: 9 + made.length, duplicates: 0, accepted: 6 + made.length });
    const stored = new Set((await storedEvents(db, workspaceId)).map((e) => e.id));
    expect(made.filter((id) => !stored.has(`salesforce:task:${id}`))).toEqual([]);
    // 79 tasks in batches of 20: the query, then three nextRecordsUrl pages (the only query here with more than a batch).
    expect(sf.requests.flatMap((r) => /\/query\/01g\w+-(\d+)$/.exec(r.path)?.[1] ?? [])).toEqual(['20', '40', '60']);
    expect(sf.requests.every((r) => r.status === 200)).toBe(true);
  });

  it('halves a Get Deleted range holding more ids than one answer may', async () => {
    const doomed = [ids.t2, ids.t3, ids.t4, ids.t5, ids.t6, ids.t7, ids.t8, ids.t9, ids.t1];
    doomed.forEach((id, i) => sf.state.remove('Task', id, at('11-23T13:00:00') + i * 2 * 3600_000));
    wall.set(new Date('2026-11-24T12:00:00Z'));
    sf.clearRequests();
    const result = await syncNamed(salesforceSyncDeps(db, { now: new Date('2026-11-24T12:00:00Z'), wall }), workspaceId, 'salesforce');
    expect(result.status).toBe('ok');
    expect(byObject(result, 'tasks')).toMatchObject({ deletedRecords: 9, removed: 6 });
    const taskDeleted = sf.requests.filter((r) => r.path.includes('/sobjects/Task/deleted'));
    // The day (9 ids), its first half (5), the quarters of that half (3 and 2), its second half (4).
    expect(taskDeleted.map((r) => r.status)).toEqual([400, 400, 200, 200, 200]);
    expect((await storedEvents(db, workspaceId)).filter((e) => doomed.some((id) => e.id === `salesforce:task:${id}`))).toEqual([]);
  });

  it('falls back to the recycle bin when Salesforce says the delete log no longer reaches the checkpoint', async () => {
    // The source believes a month is within reach; Salesforce keeps 15 days.
    wall.set(new Date('2026-12-15T12:00:00Z'));
    const e2 = ids.e2;
    sf.state.remove('Event', e2, at('12-14T12:00:00'));
    sf.clearRequests();
    const { logger, lines } = capturingLogger();
    const deps = salesforceSyncDeps(db, { now: new Date('2026-12-15T12:00:00Z'), wall, logger, tuning: { deletedWindowMs: 30 * 24 * 3600_000 } });
    const result = await syncNamed(deps, workspaceId, 'salesforce');
    expect(result.status).toBe('ok');
    expect(byObject(result, 'events')).toMatchObject({ deletedRecords: 1, removed: 1 });
    expect(sf.requests.filter((r) => r.path.includes('/sobjects/Event/deleted')).map((r) => r.status)).toEqual([400]);
    expect(sf.requests.filter((r) => r.path.endsWith('/queryAll')).map((r) => r.soql)).toContain(
      'SELECT Id, SystemModstamp FROM Event WHERE IsDeleted = true AND SystemModstamp > 2026-11-24T11:55:00Z ORDER BY SystemModstamp, Id',
    );
    expect(lines().filter((l) => l.msg === "Get Deleted no longer reaches the checkpoint: reading the recycle bin's deleted records instead" && l.object === 'Event')).toHaveLength(1);
  });
});
