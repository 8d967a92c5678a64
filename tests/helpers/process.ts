import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach } from 'vitest';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** A Pacer process (server or CLI) started by a test. */
export interface Running {
  child: ChildProcess;
  /** Everything it wrote so far, stdout and stderr interleaved. */
  output: () => string;
  exited: Promise<number | null>;
}

const running: Running[] = [];
afterEach(() => {
  for (const r of running.splice(0)) r.child.kill('SIGKILL');
});

/** Runs `node --import tsx <args>` from the repository root with only PATH, HOME and `env`. */
export function run(args: string[], env: Record<string, string>): Running {
  return runNode(['--import', 'tsx', ...args], env, ROOT);
}

/** Runs `node <args>` in `cwd` with only PATH, HOME and `env`. */
export function runNode(args: string[], env: Record<string, string>, cwd: string): Running {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const r = { child, output: () => out, exited };
  running.push(r);
  return r;
}

export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 90_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Lines of a stack trace, which a user-facing error must never print. */
export const STACK_LINE = /^\s+at /m;
