import { spawn } from 'node:child_process';
import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/postgres-server.js';
import { ROOT, waitFor } from '../helpers/process.js';

const answers = (url: string) =>
  fetch(url).then(
    (r) => r.ok,
    () => false,
  );

describe('npm start under a process manager', () => {
  it('passes SIGTERM on to Pacer, which shuts down and frees its port (no orphan left serving)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pacer-signal-'));
    const configPath = path.join(dir, 'pacer.yaml');
    await copyFile(path.join(ROOT, 'pacer.config.example.yaml'), configPath);
    const port = await freePort();
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PACER_DATA_DIR: path.join(dir, 'data'), PACER_CONFIG: configPath, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npm.stdout.on('data', (d: Buffer) => (output += d.toString()));
    npm.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
    const ready = `http://127.0.0.1:${port}/readyz`;
    await waitFor(() => answers(ready), 'Pacer started by npm start');

    npm.kill('SIGTERM');
    await exited;
    await waitFor(async () => !(await answers(ready)), 'the port to be freed', 20_000);
    expect(output).toMatch(/"reason":"SIGTERM","msg":"shutting down"/);
  });
});
