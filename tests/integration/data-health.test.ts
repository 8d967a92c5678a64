import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { createApiKey, findOrCreateWorkspace } from '../../src/db/api-keys.js';
import type { Database } from '../../src/db/client.js';
import { importCsv } from '../../src/ingest/csv-import.js';
import { createTestDatabase, DATABASE_KINDS } from '../helpers/db.js';
import { postJson, startTestServer, type TestServer } from '../helpers/http.js';

const CLOCK_AT = new Date('2026-11-23T12:00:00Z');

describe.each(DATABASE_KINDS)('received times come from Pacer’s clock on %s', (kind) => {
  let db: Database;
  let server: TestServer;
  let dir: string;
  let workspaceId: number;
  let ingestKey: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    // The server's clock is a PACER_NOW-style manual clock, years away from the database's now().
    server = await startTestServer(db, CLOCK_AT);
    dir = await mkdtemp(path.join(tmpdir(), 'pacer-health-'));
    workspaceId = (await findOrCreateWorkspace(db, 'T0RECEIVED')).id;
    ingestKey = (await createApiKey(db, workspaceId, 'ingest')).key;
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const receivedAt = async (externalId: string) =>
    (await db.prisma.activityEvent.findUniqueOrThrow({ where: { workspaceId_externalId: { workspaceId, externalId } } })).receivedAt.toISOString();

  it('the events API stores the clock’s now, and so does a replacement by a higher version', async () => {
    const call = { id: 'api-1', type: 'call', occurredAt: '2026-11-20T15:00:00Z', repEmail: 'anna@example.com' };
    expect((await postJson(`${server.url}/api/v1/events`, { events: [call] }, ingestKey)).status).toBe(200);
    expect(await receivedAt('api-1')).toBe('2026-11-23T12:00:00.000Z');

    const later = await startTestServer(db, new Date('2026-11-24T09:30:00Z'));
    try {
      const replaced = await postJson(`${later.url}/api/v1/events`, { events: [{ ...call, type: 'email', version: 2 }] }, ingestKey);
      expect(replaced.body).toMatchObject({ accepted: 1, rejected: [] });
    } finally {
      await later.close();
    }
    expect(await receivedAt('api-1')).toBe('2026-11-24T09:30:00.000Z');
  });

  it('the CSV import stores the clock’s now for each batch', async () => {
    const file = path.join(dir, 'events.csv');
    await writeFile(file, 'id,type,occurredAt,repEmail\ncsv-1,call,2026-11-20T15:00:00Z,anna@example.com\ncsv-2,email,2026-11-20T16:00:00Z,anna@example.com\n');
    const clock = manualClock(new Date('2021-03-04T05:06:07Z'));
    const summary = await importCsv(db, { file, workspaceId, kind: 'events', clock, batchRows: 1, onProgress: () => clock.advance(60_000) });
    expect(summary.accepted).toBe(2);
    expect([await receivedAt('csv-1'), await receivedAt('csv-2')]).toEqual(['2021-03-04T05:06:07.000Z', '2021-03-04T05:07:07.000Z']);
  });
});
