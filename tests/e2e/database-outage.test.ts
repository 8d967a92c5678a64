import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, findOrCreateWorkspace } from '../../src/db/api-keys.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrator.js';
import { createTestDatabase } from '../helpers/db.js';
import { startTestServer, type TestServer } from '../helpers/http.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres-server.js';

/** The bound: the API hung for more than 15 s on a frozen database. */
const ANSWER_WITHIN_MS = 15_000;

const call = (id: string) => ({ id, type: 'call', occurredAt: '2026-11-02T16:00:00Z', repEmail: 'anna@example.com' });

interface Answer {
  status: number;
  retryAfter: string | null;
  body: any;
  ms: number;
}

/** One request, given up (failing the test) after `limitMs`: a hang must not hang the test. */
async function timed(url: string, init: RequestInit, limitMs: number): Promise<Answer> {
  const start = Date.now();
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(limitMs) });
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: text ? JSON.parse(text) : null, ms: Date.now() - start };
}

// Issue 10, item 5: a stopped database answered 500; a frozen one (no answers, as in a network
// partition) made /readyz and the API hang for more than 15 s.
describe('database outages on PostgreSQL', () => {
  let pgServer: PostgresServer;
  let db: Database;
  let server: TestServer;
  let ingestKey: string;
  let readKey: string;
  let seq = 0;

  const requests = (limitMs: number) => {
    const auth = (key: string) => ({ authorization: `Bearer ${key}` });
    seq += 1;
    return {
      post: timed(
        `${server.url}/api/v1/events`,
        { method: 'POST', headers: { 'content-type': 'application/json', ...auth(ingestKey) }, body: JSON.stringify({ events: [call(`o${seq}-1`), call(`o${seq}-2`)] }) },
        limitMs,
      ),
      delete: timed(`${server.url}/api/v1/events/kept`, { method: 'DELETE', headers: auth(ingestKey) }, limitMs),
      report: timed(`${server.url}/api/v1/reports/reps/anna@example.com`, { headers: auth(readKey) }, limitMs),
    };
  };
  const readyz = () => timed(`${server.url}/readyz`, {}, 2_000);

  const expectUnavailable = (answer: Answer, limitMs: number) => {
    expect(answer).toMatchObject({ status: 503, retryAfter: '5', body: { error: { code: 'database_unavailable' } } });
    expect(answer.ms).toBeLessThan(limitMs);
  };

  const expectRecovered = async () => {
    const post = await timed(
      `${server.url}/api/v1/events`,
      { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ingestKey}` }, body: JSON.stringify({ events: [call(`back-${seq}`)] }) },
      ANSWER_WITHIN_MS,
    );
    expect(post).toMatchObject({ status: 200, body: { accepted: 1 } });
    expect(await readyz()).toMatchObject({ status: 200, body: { status: 'ready' } });
  };

  beforeAll(async () => {
    pgServer = await startPostgres();
    const admin = new pg.Client({ connectionString: pgServer.adminUrl });
    await admin.connect();
    await admin.query('CREATE DATABASE outage');
    await admin.end();
    const url = pgServer.adminUrl.replace(/\/postgres$/, '/outage');
    // As a server opens it: with the request timeouts.
    db = await openDatabase({ databaseUrl: url, profile: 'request', maxConnections: 4 });
    await migrate(db);
    server = await startTestServer(db);
    const workspaceId = (await findOrCreateWorkspace(db, 'T0OUTAGE')).id;
    ingestKey = (await createApiKey(db, workspaceId, 'ingest')).key;
    readKey = (await createApiKey(db, workspaceId, 'read')).key;
  });

  afterAll(async () => {
    await pgServer?.thaw().catch(() => undefined);
    await server?.close();
    await db?.close();
    await pgServer?.stop();
  });

  it('answers 503 with Retry-After while the database is stopped, and serves again once it is back', async () => {
    // Idle pooled connections see the server terminate them: that must not end the process.
    await Promise.all([1, 2, 3].map(() => readyz()));
    await pgServer.pause();
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const pending = requests(5_000);
      for (const answer of await Promise.all([pending.post, pending.delete, pending.report])) expectUnavailable(answer, 5_000);
      expect(await readyz()).toMatchObject({ status: 503, retryAfter: '5', body: { status: 'database_unreachable' } });
    } finally {
      await pgServer.resume();
    }
    await expectRecovered();
  });

  it('answers 503 with Retry-After within the request timeouts while the database is frozen, and /readyz within 2 s', async () => {
    // Open connections first: the freeze must also catch queries on connections already open.
    await Promise.all([1, 2, 3].map(() => readyz()));
    const limit = ANSWER_WITHIN_MS;
    await pgServer.freeze();
    try {
      const pending = requests(limit);
      const ready = await readyz();
      expect(ready).toMatchObject({ status: 503, body: { status: 'database_unreachable' } });
      expect(ready.ms).toBeLessThan(2_000);
      for (const answer of await Promise.all([pending.post, pending.delete, pending.report])) expectUnavailable(answer, limit);
    } finally {
      await pgServer.thaw();
    }
    await expectRecovered();
  });
});

describe('database outages on the embedded database', () => {
  it('answers 503 with Retry-After once the database is closed under the server', async () => {
    const db = await createTestDatabase('embedded');
    const server = await startTestServer(db);
    try {
      const workspaceId = (await findOrCreateWorkspace(db, 'T0OUTEMB')).id;
      const key = (await createApiKey(db, workspaceId, 'ingest')).key;
      await db.close();
      const answer = await timed(
        `${server.url}/api/v1/events`,
        { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ events: [call('e-1')] }) },
        5_000,
      );
      expectUnavailableEmbedded(answer);
    } finally {
      await server.close();
    }
  });
});

function expectUnavailableEmbedded(answer: Answer) {
  expect(answer).toMatchObject({ status: 503, retryAfter: '5', body: { error: { code: 'database_unavailable', details: { reason: 'unreachable' } } } });
}
