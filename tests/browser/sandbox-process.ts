import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * The system Chromium (Debian's `chromium`, which .ci/run installs): PACER_CHROMIUM if set, else
 * the first of chromium / chromium-browser on PATH. playwright-core never downloads a browser.
 */
export function systemChromium(): string {
  const explicit = process.env.PACER_CHROMIUM?.trim();
  if (explicit) return explicit;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const found = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (found) return found;
    } catch {
      // not on PATH; try the next name
    }
  }
  throw new Error('No system Chromium found: install it (apt-get install chromium) or set PACER_CHROMIUM to its path.');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface Sandbox {
  url: string;
  dataDir: string;
  /** Everything the process wrote so far (stdout and stderr), for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
}

const children = new Set<ChildProcess>();
// If the test runner itself goes away, take the sandbox with it.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/**
 * `node --import tsx src/main.ts`, as `npm start` runs it on a fresh clone, with no Slack
 * variables, no DATABASE_URL and no config (PACER_CONFIG empty): the local sandbox, in a fresh
 * data directory on a free port. Resolves once the process prints its one stdout line with the address.
 */
export async function startSandbox(timeoutMs = 150_000): Promise<Sandbox> {
  if (existsSync(path.join(ROOT, 'pacer.config.yaml'))) {
    throw new Error(`${ROOT}/pacer.config.yaml exists, so npm start would not run the sandbox; move it aside to run the browser test.`);
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), 'pacer-browser-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PACER_DATA_DIR: dataDir, PACER_CONFIG: '', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let all = '';
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the sandbox printed no address within ${timeoutMs / 1000} s:\n${all}`)), timeoutMs);
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        all += d.toString();
        const match = /^Pacer sandbox: (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(stdout);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.stderr.on('data', (d: Buffer) => (all += d.toString()));
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`the sandbox exited (${code}) before printing its address:\n${all}`));
      });
    });
    return { url, dataDir, output: () => all, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
