import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { startLocalSlack, type LocalSlack } from '../../src/local-slack/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/runtime.js';
import { createLogger } from '../../src/logger.js';
import { createTestDatabase } from '../helpers/db.js';
import { freePort } from '../helpers/postgres-server.js';
import { startSlackTestApp, type SlackTestApp } from '../helpers/slack-app.js';
import { testKeys } from '../helpers/secrets.js';

const TEAM = 'T0ROUTES';
const BOT_TOKEN = 'xoxb-routes-test-token';
const SIGNING_SECRET = 'routes-signing-secret';
const ROOT = path.resolve(import.meta.dirname, '../..');

/** Requests Bolt does not serve: each once made the process exit (HTTPReceiverDeferredRequestError). */
const STRANGERS: { method: string; path: string }[] = [
  { method: 'GET', path: '/slack/events' },
  { method: 'PUT', path: '/slack/events' },
  { method: 'DELETE', path: '/slack/events' },
  { method: 'HEAD', path: '/slack/events' },
  { method: 'OPTIONS', path: '/slack/events' },
  { method: 'PATCH', path: '/slack/events' },
  { method: 'GET', path: '/slack/' },
  { method: 'GET', path: '/slack/unknown' },
  { method: 'POST', path: '/slack/unknown' },
  { method: 'POST', path: '/slack/../api/v1/events' },
  { method: 'POST', path: '/slack/%2e%2e/api/v1/events' },
  { method: 'GET', path: '/slack/events/../events' },
  { method: 'POST', path: '/slack/install' },
  { method: 'POST', path: '/slack/oauth_redirect' },
  { method: 'GET', path: '/slack//events' },
  { method: 'GET', path: '/slack/events?x=1' },
];

/**
 * A request written on a raw socket, as a stranger sends it: fetch and http.request would
 * normalise `..` or frame the body their own way. Answers the response's status code.
 */
function rawRequest(base: string, method: string, rawPath: string): Promise<number> {
  const { hostname, port } = new URL(base);
  const body = method === 'GET' || method === 'HEAD' ? '' : '{}';
  const head = [`${method} ${rawPath} HTTP/1.1`, `Host: ${hostname}:${port}`, 'Connection: close', 'Content-Type: application/json', `Content-Length: ${body.length}`];
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(`${head.join('\r\n')}\r\n\r\n${body}`));
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(received);
      if (status) resolve(Number(status[1]));
      else reject(new Error(`no HTTP response to ${method} ${rawPath}: ${JSON.stringify(received.slice(0, 200))}`));
    });
  });
}

async function expectStrangersRefused(base: string, oauth: boolean): Promise<void> {
  for (const { method, path: p } of STRANGERS) {
    const status = await rawRequest(base, method, p);
    // The routes Bolt owns in this mode answer 405 to other methods; everything else is Pacer's 404.
    const owned = p === '/slack/events' || p === '/slack/events?x=1' || (oauth && (p === '/slack/install' || p === '/slack/oauth_redirect'));
    expect({ method, path: p, status }).toEqual({ method, path: p, status: owned ? 405 : 404 });
  }
  expect((await fetch(`${base}/healthz`)).status).toBe(200);
}

describe('requests Bolt does not serve never stop Pacer', () => {
  let db: Database;
  let slack: LocalSlack;
  beforeAll(async () => {
    db = await createTestDatabase('embedded');
    slack = await startLocalSlack({
      oauth: { clientId: '1.2', clientSecret: 'routes-client-secret' },
      workspaces: [{ teamId: TEAM, botToken: BOT_TOKEN, botUserId: 'UPACER', appId: 'A0PACER', users: [] }],
    });
  });
  afterAll(async () => {
    await slack?.close();
    await db?.close();
  });

  it('in HTTP mode: unknown /slack paths get 404, other methods on /slack/events 405, and /healthz still answers', async () => {
    let app: SlackTestApp | undefined;
    try {
      app = await startSlackTestApp({ db, slack: { kind: 'http', botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET }, slackApiUrl: slack.apiUrl, now: new Date('2026-11-30T12:00:00Z') });
      await expectStrangersRefused(app.url, false);
    } finally {
      await app?.close();
    }
  });

  it('in OAuth mode: the same, with /slack/install and /slack/oauth_redirect GET-only', async () => {
    let app: SlackTestApp | undefined;
    try {
      app = await startSlackTestApp({
        db,
        slack: { kind: 'oauth', clientId: '1.2', clientSecret: 'routes-client-secret', stateSecret: 'routes-state-secret', signingSecret: SIGNING_SECRET, encryption: testKeys() },
        slackApiUrl: slack.apiUrl,
        now: new Date('2026-11-30T12:00:00Z'),
      });
      await expectStrangersRefused(app.url, true);
      expect((await fetch(`${app.url}/slack/install`, { redirect: 'manual' })).status).toBe(302);
    } finally {
      await app?.close();
    }
  });

  it('in the sandbox (a page could point an <img> at /slack/events)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pacer-routes-'));
    let sandbox: Sandbox | undefined;
    try {
      sandbox = await startSandbox({ dataDir: dir, port: 0, logger: createLogger({ level: 'silent' }), demo: { reps: 6, weeks: 6, seed: 3 }, scheduler: false });
      await expectStrangersRefused(sandbox.url, false);
    } finally {
      await sandbox?.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('as a real process in HTTP mode: still up after every stranger', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pacer-routes-proc-'));
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PACER_DATA_DIR: dir,
        PORT: String(port),
        PACER_CONFIG: path.join(ROOT, 'pacer.config.example.yaml'),
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        PACER_SCHEDULER: 'off',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let exitCode: number | null | undefined;
    child.on('exit', (code) => (exitCode = code));
    try {
      const base = `http://127.0.0.1:${port}`;
      const until = Date.now() + 90_000;
      while (
        !(await fetch(`${base}/healthz`).then(
          (r) => r.ok,
          () => false,
        ))
      ) {
        if (Date.now() > until || exitCode !== undefined) throw new Error(`Pacer did not start (exit ${String(exitCode)})`);
        await new Promise((r) => setTimeout(r, 100));
      }
      await expectStrangersRefused(base, false);
      expect(exitCode).toBeUndefined();
    } finally {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
