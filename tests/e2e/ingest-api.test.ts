import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, findOrCreateWorkspace, revokeApiKey } from '../../src/db/api-keys.js';
import type { Database } from '../../src/db/client.js';
import { createTestDatabase, DATABASE_KINDS } from '../helpers/db.js';
import { postJson, startTestServer, type TestServer } from '../helpers/http.js';

const AT = '2026-11-02T10:00:00-06:00';
const call = (id: string, extra: Record<string, unknown> = {}) => ({ id, type: 'call', occurredAt: AT, repEmail: 'anna@example.com', ...extra });

describe.each(DATABASE_KINDS)('ingestion API on %s', (kind) => {
  let db: Database;
  let server: TestServer;
  let ingestKey: string;
  let readKey: string;
  let workspaceId: number;
  let eventsUrl: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    server = await startTestServer(db);
    eventsUrl = `${server.url}/api/v1/events`;
    workspaceId = (await findOrCreateWorkspace(db, 'T0INGEST')).id;
    ingestKey = (await createApiKey(db, workspaceId, 'ingest')).key;
    readKey = (await createApiKey(db, workspaceId, 'read')).key;
    // A team with a pipeline and one member, so stages and matching can be checked.
    const team = await db.prisma.team.create({
      data: { workspaceId, name: 'Central', timezone: 'America/Chicago', pipelineStages: ['discovery', 'demo', 'proposal'], focus: ['cadence.call'] },
    });
    const anna = await db.prisma.member.create({ data: { workspaceId, email: 'anna@example.com', name: 'Anna' } });
    await db.prisma.teamMembership.create({ data: { teamId: team.id, memberId: anna.id, role: 'rep' } });
  });

  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  const storedCount = async (externalIdPrefix: string) => db.prisma.activityEvent.count({ where: { workspaceId, externalId: { startsWith: externalIdPrefix } } });

  describe('authentication', () => {
    it('401 without a key, with an unknown key and with a revoked key; 403 with a read key', async () => {
      expect((await postJson(eventsUrl, { events: [] })).status).toBe(401);
      const unknown = await postJson(eventsUrl, { events: [] }, 'pacer_ingest_notakey');
      expect(unknown.status).toBe(401);
      expect(unknown.body.error.code).toBe('invalid_api_key');
      const revoked = await createApiKey(db, workspaceId, 'ingest');
      await revokeApiKey(db, revoked.id, new Date());
      expect((await postJson(eventsUrl, { events: [call('auth-1')] }, revoked.key)).status).toBe(401);
      const wrongScope = await postJson(eventsUrl, { events: [call('auth-2')] }, readKey);
      expect(wrongScope.status).toBe(403);
      expect(wrongScope.body.error.message).toContain('needs a ingest key');
      expect(await storedCount('auth-')).toBe(0);
    });

    it('never writes a key to the logs', async () => {
      await postJson(eventsUrl, { events: [call('log-1')] }, ingestKey);
      await postJson(eventsUrl, { events: [] }, 'pacer_ingest_secretvalue123');
      expect(server.logs()).not.toContain(ingestKey);
      expect(server.logs()).not.toContain('secretvalue123');
      expect(server.logs()).toContain('events ingested');
    });
  });

  describe('request errors', () => {
    it('415 for a body that is not JSON', async () => {
      const res = await fetch(eventsUrl, { method: 'POST', headers: { 'content-type': 'text/plain', authorization: `Bearer ${ingestKey}` }, body: 'hello' });
      expect(res.status).toBe(415);
    });

    it('400 for malformed JSON, naming the problem', async () => {
      const res = await postJson(eventsUrl, '{"events":[{"id":', ingestKey);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('malformed_json');
    });

    it('400 for a body without an events array', async () => {
      const res = await postJson(eventsUrl, { event: [] }, ingestKey);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe('events: missing; the body is {"events":[…]}; unknown field "event"; the body is {"events":[…]}');
      const notArray = await postJson(eventsUrl, { events: 'x' }, ingestKey);
      expect(notArray.status).toBe(400);
      expect(notArray.body.error.message).toBe('events: must be an array of events');
    });

    it('413 for more than 5,000 events, storing none of them', async () => {
      const events = Array.from({ length: 5001 }, (_, i) => call(`big-${i}`));
      const res = await postJson(eventsUrl, { events }, ingestKey);
      expect(res.status).toBe(413);
      expect(res.body.error.message).toContain('5001 events');
      expect(await storedCount('big-')).toBe(0);
    });

    it('413 for a body over 5 MB', async () => {
      const padding = 'x'.repeat(1000);
      const events = Array.from({ length: 5000 }, (_, i) => call(`huge-${i}`, { metadata: { padding } }));
      const res = await postJson(eventsUrl, { events }, ingestKey);
      expect(res.status).toBe(413);
      expect(await storedCount('huge-')).toBe(0);
    });
  });

  describe('events', () => {
    it('stores valid events and rejects each bad one with its index, id, field and reason', async () => {
      const batch = [
        call('mix-ok-1'),
        { id: 'mix-type', type: 'fax', occurredAt: AT, repEmail: 'anna@example.com' },
        { id: 'mix-won', type: 'deal_won', occurredAt: AT, repEmail: 'anna@example.com', amount: 10 },
        { id: 'mix-neg', type: 'opportunity_created', dealId: 'D1', amount: -5, occurredAt: '2026-11-02T10:00:00', repEmail: 'anna@example.com' },
        call('mix-feb', { occurredAt: '2026-02-30T10:00:00Z' }),
        { id: 'mix-stage', type: 'stage_changed', dealId: 'D1', stage: 'closing', occurredAt: AT, repEmail: 'anna@example.com' },
        call('mix-meta', { metadata: { note: 'y'.repeat(9000) } }),
        { id: 'mix-norep', type: 'call', occurredAt: AT },
        call('mix-ok-2', { type: 'email' }),
      ];
      const res = await postJson(eventsUrl, { events: batch }, ingestKey);
      expect(res.status).toBe(200);
      expect(res.body.accepted).toBe(2);
      expect(res.body.duplicates).toBe(0);
      const byIndex = Object.fromEntries(res.body.rejected.map((r: any) => [r.index, r]));
      expect(Object.keys(byIndex).map(Number)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(byIndex[1].id).toBe('mix-type');
      expect(byIndex[1].errors[0]).toMatchObject({ path: 'type', message: expect.stringMatching(/^unknown event type "fax"/) });
      expect(byIndex[2].errors).toEqual([{ path: 'dealId', message: 'dealId is required for deal_won' }]);
      expect(byIndex[3].errors).toEqual([
        { path: 'amount', message: '-5 is negative; amounts must be ≥ 0' },
        { path: 'occurredAt', message: expect.stringContaining('has no UTC offset') },
      ]);
      expect(byIndex[4].errors).toEqual([{ path: 'occurredAt', message: '"2026-02-30T10:00:00Z" is not a real date and time' }]);
      expect(byIndex[5].errors).toEqual([{ path: 'stage', message: `"closing" is not a stage of the rep's team pipeline (discovery, demo, proposal)` }]);
      expect(byIndex[6].errors[0]).toMatchObject({ path: 'metadata', message: expect.stringMatching(/^metadata is \d+ bytes; at most 8192 allowed$/) });
      expect(byIndex[7].errors).toEqual([{ path: 'repEmail', message: 'name the rep with repEmail, slackUserId or crmOwnerId' }]);
      expect(await storedCount('mix-')).toBe(2);
      const stored = await db.prisma.activityEvent.findUnique({ where: { workspaceId_externalId: { workspaceId, externalId: 'mix-ok-1' } } });
      expect(stored?.occurredAt.toISOString()).toBe('2026-11-02T16:00:00.000Z');
    });

    it('tells duplicates, conflicts and higher versions apart, comparing content after normalising', async () => {
      const first = await postJson(eventsUrl, { events: [call('v-1', { metadata: { a: 1, b: 2 } })] }, ingestKey);
      expect(first.body).toMatchObject({ accepted: 1, duplicates: 0, rejected: [] });
      // Same instant written in UTC and keys in another order: the same content.
      const again = await postJson(eventsUrl, { events: [call('v-1', { occurredAt: '2026-11-02T16:00:00Z', metadata: { b: 2, a: 1 } })] }, ingestKey);
      expect(again.body).toMatchObject({ accepted: 0, duplicates: 1, rejected: [] });
      const changed = await postJson(eventsUrl, { events: [call('v-1', { type: 'email', metadata: { a: 1, b: 2 } })] }, ingestKey);
      expect(changed.body.accepted).toBe(0);
      expect(changed.body.rejected).toEqual([{ index: 0, id: 'v-1', errors: [{ path: 'id', message: expect.stringMatching(/^conflict: /) }] }]);
      const newer = await postJson(eventsUrl, { events: [call('v-1', { type: 'email', version: 2 })] }, ingestKey);
      expect(newer.body).toMatchObject({ accepted: 1, duplicates: 0, rejected: [] });
      const older = await postJson(eventsUrl, { events: [call('v-1', { type: 'meeting', version: 1 })] }, ingestKey);
      expect(older.body.rejected).toHaveLength(1);
      const row = await db.prisma.activityEvent.findUnique({ where: { workspaceId_externalId: { workspaceId, externalId: 'v-1' } } });
      expect(row).toMatchObject({ type: 'email', version: 2n, metadata: null });
    });

    it('takes versions up to 2^53 − 1 (a modification time in epoch milliseconds), and refuses one above', async () => {
      const modified = Date.parse('2026-11-02T16:00:00.123Z');
      const first = await postJson(eventsUrl, { events: [call('big-1', { version: modified })] }, ingestKey);
      expect(first.body).toMatchObject({ accepted: 1, rejected: [] });
      // An edit a millisecond later replaces it; the same content again is a duplicate, whatever its version.
      const edited = await postJson(eventsUrl, { events: [call('big-1', { type: 'email', version: modified + 1 })] }, ingestKey);
      expect(edited.body).toMatchObject({ accepted: 1, rejected: [] });
      const replay = await postJson(eventsUrl, { events: [call('big-1', { type: 'email', version: modified + 1 })] }, ingestKey);
      expect(replay.body).toMatchObject({ accepted: 0, duplicates: 1 });
      const stale = await postJson(eventsUrl, { events: [call('big-1', { type: 'meeting', version: modified })] }, ingestKey);
      expect(stale.body.rejected).toHaveLength(1);
      const max = await postJson(eventsUrl, { events: [call('big-1', { type: 'demo', version: Number.MAX_SAFE_INTEGER })] }, ingestKey);
      expect(max.body).toMatchObject({ accepted: 1, rejected: [] });
      const row = await db.prisma.activityEvent.findUnique({ where: { workspaceId_externalId: { workspaceId, externalId: 'big-1' } } });
      expect(row).toMatchObject({ type: 'demo', version: BigInt(Number.MAX_SAFE_INTEGER) });
      const over = await postJson(eventsUrl, { events: [call('big-2', { version: 2 ** 53 })] }, ingestKey);
      expect(over.body.rejected).toEqual([{ index: 0, id: 'big-2', errors: [{ path: 'version', message: `version is larger than ${Number.MAX_SAFE_INTEGER}` }] }]);
    });

    it('takes the events of one batch in order', async () => {
      await postJson(eventsUrl, { events: [call('ord-1')] }, ingestKey);
      const res = await postJson(
        eventsUrl,
        { events: [call('ord-1'), call('ord-1', { type: 'email' }), call('ord-1', { type: 'email', version: 2 }), call('ord-1', { type: 'email', version: 2 }), call('ord-2'), call('ord-2')] },
        ingestKey,
      );
      expect(res.body).toMatchObject({ accepted: 2, duplicates: 3 });
      expect(res.body.rejected.map((r: any) => r.index)).toEqual([1]);
      expect(res.body.accepted + res.body.duplicates + res.body.rejected.length).toBe(6);
    });

    it('counts events naming people outside the config as unmatched, and stores them', async () => {
      const res = await postJson(eventsUrl, { events: [call('um-1', { repEmail: 'NEWBIE@example.com' }), call('um-2'), call('um-3', { crmOwnerId: 'Zed', repEmail: undefined })] }, ingestKey);
      expect(res.body).toMatchObject({ accepted: 3, unmatched: 2 });
      const identity = await db.prisma.identity.findFirst({ where: { workspaceId, kind: 'email', value: 'newbie@example.com' } });
      expect(identity?.memberId).toBeNull();
    });

    it('accepts concurrent batches with overlapping ids exactly once each', async () => {
      const ids = Array.from({ length: 300 }, (_, i) => `race-${i}`);
      const batches = [ids.slice(0, 200), ids.slice(100, 300), ids.slice(50, 250)];
      const results = await Promise.all(batches.map((b) => postJson(eventsUrl, { events: b.map((id) => call(id)) }, ingestKey)));
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(results.reduce((n, r) => n + r.body.accepted, 0)).toBe(300);
      expect(results.reduce((n, r) => n + r.body.duplicates, 0)).toBe(300);
      expect(await storedCount('race-')).toBe(300);
    });

    it('deletes one event by id, then says it is gone', async () => {
      await postJson(eventsUrl, { events: [call('del-1')] }, ingestKey);
      const del = (key: string) => fetch(`${eventsUrl}/del-1`, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } });
      expect((await del(readKey)).status).toBe(403);
      expect((await del(ingestKey)).status).toBe(204);
      expect(await storedCount('del-')).toBe(0);
      const again = await del(ingestKey);
      expect(again.status).toBe(404);
    });
  });

  it('answers health and readiness', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    // The events above arrived at the server clock's now: the workspace's data is fresh.
    expect(await ready.json()).toEqual({
      status: 'ready',
      database: kind,
      dataHealth: [{ workspace: 'T0INGEST', lastReceivedAt: '2026-11-23T12:00:00Z', lastOccurredAt: expect.any(String), stale: false, reason: null, sources: [] }],
    });
  });
});
