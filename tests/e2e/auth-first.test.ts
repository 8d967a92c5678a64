import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, findOrCreateWorkspace } from '../../src/db/api-keys.js';
import type { Database } from '../../src/db/client.js';
import { MAX_BODY_BYTES } from '../../src/http/server.js';
import { createTestDatabase } from '../helpers/db.js';
import { postJson, startTestServer, type TestServer } from '../helpers/http.js';

/**
 * The key is checked before the body is read: each body below would get its own error (413, 400,
 * 415) if Fastify had parsed it first, so a 401 or 403 proves it was not.
 */
describe('the API checks the key before it reads the body', () => {
  let db: Database;
  let server: TestServer;
  let eventsUrl: string;
  let ingestKey: string;
  let readKey: string;
  const oversized = `{"events":["${'x'.repeat(MAX_BODY_BYTES)}"]}`;

  beforeAll(async () => {
    db = await createTestDatabase('embedded');
    server = await startTestServer(db);
    eventsUrl = `${server.url}/api/v1/events`;
    const workspaceId = (await findOrCreateWorkspace(db, 'T0AUTHFIRST')).id;
    ingestKey = (await createApiKey(db, workspaceId, 'ingest')).key;
    readKey = (await createApiKey(db, workspaceId, 'read')).key;
  });

  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it('answers a body over the limit with 401 when the key is missing or unknown', async () => {
    const missing = await postJson(eventsUrl, oversized);
    expect([missing.status, missing.body.error.code]).toEqual([401, 'missing_api_key']);
    const unknown = await postJson(eventsUrl, oversized, 'pacer_ingest_notakey');
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('invalid_api_key');
  });

  it('answers malformed JSON and a wrong content type with 401, or 403 for a key of the other scope', async () => {
    const malformed = await postJson(eventsUrl, '{"events": [', 'pacer_ingest_notakey');
    expect([malformed.status, malformed.body.error.code]).toEqual([401, 'invalid_api_key']);
    const plain = await postJson(eventsUrl, 'events', undefined, { 'content-type': 'text/plain' });
    expect([plain.status, plain.body.error.code]).toEqual([401, 'missing_api_key']);
    const wrongScope = await postJson(eventsUrl, '{"events": [', readKey);
    expect([wrongScope.status, wrongScope.body.error.code]).toEqual([403, 'wrong_key_scope']);
  });

  it('still parses the body of a request with a valid key', async () => {
    const malformed = await postJson(eventsUrl, '{"events": [', ingestKey);
    expect([malformed.status, malformed.body.error.code]).toEqual([400, 'malformed_json']);
    const tooLarge = await postJson(eventsUrl, oversized, ingestKey);
    expect([tooLarge.status, tooLarge.body.error.code]).toEqual([413, 'payload_too_large']);
    expect((await postJson(eventsUrl, { events: [] }, ingestKey)).status).toBe(200);
  });
});
