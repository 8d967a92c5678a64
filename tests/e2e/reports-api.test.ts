import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/db/api-keys.js';
import type { Database } from '../../src/db/client.js';
import { teamReport } from '../../src/reports/build-report.js';
import { createTestDatabase } from '../helpers/db.js';
import { startTestServer, type TestServer } from '../helpers/http.js';
import { loadScenario, SCENARIO_AS_OF } from '../helpers/scenario.js';

describe('reports API', () => {
  let db: Database;
  let server: TestServer;
  let readKey: string;
  let ingestKey: string;
  let ws: number;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    ws = await loadScenario(db, 'T0REPORTAPI');
    readKey = (await createApiKey(db, ws, 'read')).key;
    ingestKey = (await createApiKey(db, ws, 'ingest')).key;
    server = await startTestServer(db, SCENARIO_AS_OF);
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  const get = (path: string, key?: string) => fetch(`${server.url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });

  it('serves the team and rep reports to read keys, as of the clock or asOf', async () => {
    const team = await get('/api/v1/reports/teams/Central', readKey);
    expect(team.status).toBe(200);
    expect(await team.json()).toEqual(JSON.parse(JSON.stringify(await teamReport(db, ws, 'Central', SCENARIO_AS_OF))));
    const rep = await get(`/api/v1/reports/reps/${encodeURIComponent('ben@example.com')}?asOf=2026-11-20T12:00:00Z`, readKey);
    expect(rep.status).toBe(200);
    const body: any = await rep.json();
    expect(body.asOf).toBe('2026-11-20T06:00:00-06:00');
    expect(body.rep.email).toBe('ben@example.com');
  });

  it('refuses ingest keys and missing keys, and says what is wrong with the request', async () => {
    expect((await get('/api/v1/reports/teams/Central', ingestKey)).status).toBe(403);
    expect((await get('/api/v1/reports/teams/Central')).status).toBe(401);
    const missing = await get('/api/v1/reports/teams/Nowhere', readKey);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as any).error.message).toBe('No team "Nowhere" in this workspace; teams: Central.');
    const bad = await get('/api/v1/reports/reps/ben@example.com?asOf=2026-11-20', readKey);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.message).toMatch(/^asOf: "2026-11-20" has no UTC offset/);
  });
});
