import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { startLocalSlack, type LocalSlack } from '../../src/local-slack/index.js';
import { createLogger } from '../../src/logger.js';
import { boltLogger } from '../../src/slack/bolt-logger.js';
import { createTestDatabase } from '../helpers/db.js';
import { startTestServer, type TestServer } from '../helpers/http.js';
import { startSlackTestApp, type SlackTestApp } from '../helpers/slack-app.js';
import { testKeys } from '../helpers/secrets.js';

/** Each secret-named parameter (in any case, one percent-encoded) with a value that must not be logged. */
const SECRETS: [name: string, value: string][] = [
  ['key', 'v4lue-key-0001'],
  ['TOKEN', 'v4lue-token-0002'],
  ['api_key', 'v4lue-apikey-0003'],
  ['Access_Token', 'v4lue-access-0004'],
  ['secret', 'v4lue-secret-0005'],
  ['password', 'v4lue-password-0006'],
  ['signature', 'v4lue-signature-0007'],
  ['code', 'v4lue-code-0008'],
  ['state', 'v4lue-state-0009'],
  ['%74oken', 'v4lue-encoded-0010'],
];
const QUERY = `${SECRETS.map(([n, v]) => `${n}=${v}`).join('&')}&team=visible-team`;

function expectRedacted(logs: string): void {
  for (const [name, value] of SECRETS) {
    expect(logs).not.toContain(value);
    expect(logs).toContain(`${name}=[redacted]`);
  }
  expect(logs).toContain('team=visible-team');
}

describe('secrets in a request URL never reach the log', () => {
  let db: Database;
  let server: TestServer;
  let slack: LocalSlack;
  let oauthApp: SlackTestApp;

  beforeAll(async () => {
    db = await createTestDatabase('embedded');
    server = await startTestServer(db);
    slack = await startLocalSlack({ oauth: { clientId: '1234.5678', clientSecret: 'oauth-client-secret-value' }, workspaces: [] });
    oauthApp = await startSlackTestApp({
      db,
      slack: { kind: 'oauth', clientId: '1234.5678', clientSecret: 'oauth-client-secret-value', stateSecret: 'oauth-state-secret-value', signingSecret: 'signing-secret', encryption: testKeys() },
      slackApiUrl: slack.apiUrl,
      now: new Date('2026-11-23T12:00:00Z'),
    });
  });
  afterAll(async () => {
    await oauthApp?.close();
    await slack?.close();
    await server?.close();
    await db?.close();
  });

  it('in the API server request log, whatever the route and answer', async () => {
    expect((await fetch(`${server.url}/healthz?${QUERY}`)).status).toBe(200);
    expect((await fetch(`${server.url}/api/v1/events?${QUERY}`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${server.url}/no/such/route?${QUERY}`)).status).toBe(404);
    const logs = server.logs();
    expect(logs).toContain('incoming request');
    expectRedacted(logs);
  });

  it('in the log of a Slack OAuth redirect carrying code and state', async () => {
    await fetch(`${oauthApp.url}/slack/oauth_redirect?${QUERY}`, { redirect: 'manual' });
    await fetch(`${oauthApp.url}/slack/oauth_redirect/elsewhere?${QUERY}`, { redirect: 'manual' });
    expectRedacted(oauthApp.logs());
  });

  it("in Bolt's messages, which name the URL of a request that failed", () => {
    const chunks: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk.toString());
        cb();
      },
    });
    const logger = createLogger({ destination });
    // The text Bolt's HTTP receiver logs for a request its handler could not serve.
    boltLogger(logger).error(`An unexpected error occurred during a request (GET) made to /slack/oauth_redirect?${QUERY}`);
    expect(chunks).toHaveLength(1);
    expectRedacted(chunks.join(''));
  });
});
