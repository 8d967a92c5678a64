import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, findOrCreateWorkspace } from '../../src/db/api-keys.js';
import type { Database } from '../../src/db/client.js';
import { deleteEvents } from '../../src/db/events-repo.js';
import { createTestDatabase, DATABASE_KINDS } from '../helpers/db.js';
import { postJson, startTestServer, type TestServer } from '../helpers/http.js';

const call = (id: string, extra: Record<string, unknown> = {}) => ({ id, type: 'call', occurredAt: '2026-11-02T16:00:00Z', repEmail: 'anna@example.com', ...extra });

// Issue 10, item 13: a write committed without its data_version bump leaves cached reports stale.
// A trigger makes the bump fail; the write it belongs to must not be stored either.
describe.each(DATABASE_KINDS)('data version bump on %s', (kind) => {
  let db: Database;
  let server: TestServer;
  let key: string;
  let workspaceId: number;

  const refuseBumps = (on: boolean) =>
    db.query(on ? `CREATE TRIGGER refuse_bump BEFORE UPDATE OF data_version ON workspace FOR EACH ROW EXECUTE FUNCTION refuse_bump()` : `DROP TRIGGER refuse_bump ON workspace`);
  const stored = async () => db.query<{ external_id: string; version: number | null }>('SELECT external_id, version FROM activity_event WHERE workspace_id = $1 ORDER BY external_id', [workspaceId]);
  const dataVersion = async () => (await db.query<{ v: string }>('SELECT data_version::text AS v FROM workspace WHERE id = $1', [workspaceId]))[0]!.v;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    server = await startTestServer(db);
    workspaceId = (await findOrCreateWorkspace(db, 'T0BUMP')).id;
    key = (await createApiKey(db, workspaceId, 'ingest')).key;
    await db.query(`CREATE FUNCTION refuse_bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'data_version bump refused by the test'; END $$`);
    expect((await postJson(`${server.url}/api/v1/events`, { events: [call('kept-1'), call('kept-2')] }, key)).body.accepted).toBe(2);
  });

  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it('stores no insert, replacement or deletion whose bump failed, and answers an error', async () => {
    const before = await stored();
    expect(before).toEqual([
      { external_id: 'kept-1', version: null },
      { external_id: 'kept-2', version: null },
    ]);
    await refuseBumps(true);
    try {
      const insert = await postJson(`${server.url}/api/v1/events`, { events: [call('new-1')] }, key);
      expect(insert.status).toBe(500);
      const replace = await postJson(`${server.url}/api/v1/events`, { events: [call('kept-1', { type: 'email', version: 2 })] }, key);
      expect(replace.status).toBe(500);
      const remove = await fetch(`${server.url}/api/v1/events/kept-2`, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } });
      expect(remove.status).toBe(500);
      await expect(deleteEvents(db, workspaceId, ['kept-1', 'kept-2'])).rejects.toThrow('data_version bump refused by the test');
      expect(await stored()).toEqual(before);
    } finally {
      await refuseBumps(false);
    }
  });

  it('bumps once per write that changed something, and not for duplicates', async () => {
    const start = BigInt(await dataVersion());
    const steps: [string, () => Promise<unknown>, bigint][] = [
      ['insert', () => postJson(`${server.url}/api/v1/events`, { events: [call('b-1'), call('b-2')] }, key), 1n],
      ['duplicates', () => postJson(`${server.url}/api/v1/events`, { events: [call('b-1'), call('b-2')] }, key), 0n],
      ['replace', () => postJson(`${server.url}/api/v1/events`, { events: [call('b-1', { type: 'email', version: 2 })] }, key), 1n],
      ['delete one', () => fetch(`${server.url}/api/v1/events/b-1`, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } }), 1n],
      ['delete none', () => deleteEvents(db, workspaceId, ['b-1', 'missing']), 0n],
      ['delete some', () => deleteEvents(db, workspaceId, ['b-2', 'missing']), 1n],
    ];
    let expected = start;
    for (const [name, step, bump] of steps) {
      await step();
      expected += bump;
      expect(`${name}: ${await dataVersion()}`).toBe(`${name}: ${expected}`);
    }
  });
});
