import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const log = (message: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};

/** Peak resident set size so far (VmHWM) of a live process, in kB; null once it is gone. */
export function vmHwmKb(pid: number): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Polls a process's VmHWM (the kernel's own high-water mark, so short peaks between polls are
 * not missed; only growth in the last interval before exit is).
 */
export function watchPeakRss(pid: number, intervalMs = 50): { peakMb: () => number | null; stop: () => void } {
  let peakKb: number | null = null;
  const poll = () => {
    const kb = vmHwmKb(pid);
    if (kb !== null && (peakKb === null || kb > peakKb)) peakKb = kb;
  };
  poll();
  const timer = setInterval(poll, intervalMs);
  return {
    peakMb: () => {
      poll();
      return peakKb === null ? null : Math.round((peakKb / 1024) * 10) / 10;
    },
    stop: () => clearInterval(timer),
  };
}

/** The environment for a child: the parent's minus everything Pacer reads, plus `vars`. */
export function childEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k === 'DATABASE_URL' || k === 'PORT' || k === 'HOST' || k === 'NODE_OPTIONS' || k.startsWith('PACER_') || k.startsWith('SLACK_')) continue;
    env[k] = v;
  }
  return { ...env, ...vars };
}

export interface RunningChild {
  child: ChildProcess;
  pid: number;
  /** The last lines the child wrote (for error messages). */
  tail: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop: (graceMs?: number) => Promise<void>;
}

/**
 * Starts `node --import tsx <script> …args` from the repository root, so the pid is the node
 * process itself (no npm or shell in between). Its stdout and stderr go to our stderr with a
 * prefix, keeping our stdout for the result.
 */
export function spawnNode(label: string, script: string, args: string[], env: NodeJS.ProcessEnv, nodeFlags: string[] = []): RunningChild {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', path.join(REPO_ROOT, script), ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${label}`);
  const lines: string[] = [];
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      lines.push(line);
      if (lines.length > 40) lines.shift();
      process.stderr.write(`  [${label}] ${line}\n`);
    }
  };
  child.stdout.on('data', forward);
  child.stderr.on('data', forward);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });
  return {
    child,
    pid: child.pid,
    tail: () => lines.join('\n'),
    exited,
    stop: async (graceMs = 20_000) => {
      if (done) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

function getStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = get(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2_000, () => req.destroy());
  });
}

/** Waits until GET `url` answers 200; fails when the child exits first or after `timeoutMs`. */
export async function waitReady(child: RunningChild, url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.exited.then(() => {
    exited = true;
  });
  for (;;) {
    if (exited) throw new Error(`the server exited before it was ready:\n${child.tail()}`);
    if ((await getStatus(url)) === 200) return;
    if (Date.now() > deadline) throw new Error(`the server was not ready within ${timeoutMs / 1000} s:\n${child.tail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
