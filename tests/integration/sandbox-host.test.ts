import { mkdtemp } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/runtime.js';

const quiet = createLogger({ level: 'warn', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

/** One request to the sandbox with the Host header given (fetch would put the URL's own). */
function withHost(url: string, method: string, reqPath: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${reqPath}`, { method, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(method === 'POST' ? '{}' : undefined);
  });
}

describe('the sandbox refuses requests addressed to another host (DNS rebinding)', () => {
  let sandbox: Sandbox;
  let port: number;
  beforeAll(async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pacer-sandbox-'));
    sandbox = await startSandbox({ dataDir: dir, port: 0, logger: quiet, demo: { reps: 10, weeks: 8, seed: 3 }, scheduler: false });
    port = Number(new URL(sandbox.url).port);
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  const routes: [string, string][] = [
    ['GET', '/'],
    ['GET', '/sandbox/api/people'],
    ['POST', '/slack/events'],
    ['GET', '/slack/events'],
    ['GET', '/healthz'],
  ];

  it('answers 403 to any other Host, on every route', async () => {
    const strangers = () => ['rebind.attacker.example', `rebind.attacker.example:${port}`, `127.0.0.1:${port + 1}`, `localhost.:${port}`, `0.0.0.0:${port}`, `127.0.0.2:${port}`];
    for (const host of strangers()) {
      for (const [method, route] of routes) {
        const res = await withHost(sandbox.url, method, route, host);
        expect({ host, method, route, status: res.status, code: (JSON.parse(res.body) as { error: { code: string } }).error.code }).toEqual({
          host,
          method,
          route,
          status: 403,
          code: 'host_not_allowed',
        });
      }
    }
  });

  it('serves its own address under each of its names, and its page and Slack flow still work', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      expect({ host, status: (await withHost(sandbox.url, 'GET', '/', host)).status }).toEqual({ host, status: 200 });
      expect({ host, status: (await withHost(sandbox.url, 'GET', '/sandbox/api/people', host)).status }).toEqual({ host, status: 200 });
    }
    const rep = (await sandbox.backend.people()).find((p) => p.role === 'rep')!;
    const [answer] = await sandbox.backend.runCommand(rep.slackUserId, '/mykpis', '');
    expect(answer!.ephemeral).toBe(true);
  });
});
