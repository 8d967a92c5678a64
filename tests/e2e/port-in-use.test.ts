import { copyFile, mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/postgres-server.js';
import { ROOT, run, STACK_LINE } from '../helpers/process.js';

const HOST = '127.0.0.1';
let taken: Server;
let port: number;

beforeAll(async () => {
  port = await freePort();
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen({ port, host: HOST }, resolve));
});

afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())));

const inUse = () => `Port ${port} on ${HOST} is already in use (another Pacer, or another program, is listening there): stop it, or set PORT to a free port.`;

describe('a port another process holds', () => {
  it('stops the sandbox with one line that says which port and what to do, no stack', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pacer-port-'));
    const sandbox = run(['src/main.ts'], { PACER_DATA_DIR: path.join(dir, 'data'), PACER_CONFIG: '', PORT: String(port) });
    expect(await sandbox.exited).toBe(1);
    expect(sandbox.output()).toContain(inUse());
    expect(sandbox.output()).not.toMatch(STACK_LINE);
  });

  it('stops the server with one fatal log line that says which port and what to do, no stack', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pacer-port-'));
    const configPath = path.join(dir, 'pacer.yaml');
    await copyFile(path.join(ROOT, 'pacer.config.example.yaml'), configPath);
    const server = run(['src/main.ts'], { PACER_DATA_DIR: path.join(dir, 'data'), PACER_CONFIG: configPath, PORT: String(port), HOST });
    expect(await server.exited).toBe(1);
    const fatal = server
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; code?: string; msg: string })
      .filter((l) => l.level === 60);
    expect(fatal).toEqual([expect.objectContaining({ code: 'port_unavailable', msg: inUse() })]);
    expect(server.output()).not.toMatch(STACK_LINE);
  });
});
