import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockDataDir } from '../../src/db/lock.js';
import { parseProcStatStart, processStart } from '../../src/db/process-start.js';
import { DatabaseLockedError } from '../../src/errors.js';
import { freePort } from '../helpers/postgres-server.js';
import { ROOT, run, waitFor } from '../helpers/process.js';

const up = (url: string) =>
  fetch(url).then(
    (r) => r.ok,
    () => false,
  );

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

async function serverEnv(): Promise<Record<string, string>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pacer-lock-'));
  const configPath = path.join(dir, 'pacer.yaml');
  await copyFile(path.join(ROOT, 'pacer.config.example.yaml'), configPath);
  return { PACER_DATA_DIR: path.join(dir, 'data'), PORT: String(await freePort()), HOST: '127.0.0.1', PACER_CONFIG: configPath };
}

describe('the embedded database lock', () => {
  it('reads the start time after a command name holding spaces and parentheses', () => {
    const stat = '4242 (node (x) y) S 1 4242 4242 0 -1 4194560 900 0 0 0 12 3 0 0 20 0 11 0 987654 1234 56 18446744073709551615';
    expect(parseProcStatStart(stat)).toBe('987654');
  });

  it('is taken over at once after kill -9, and a CLI command meanwhile is told which pid holds it', async () => {
    const env = await serverEnv();
    const first = run(['src/main.ts'], env);
    await waitFor(() => up(`http://127.0.0.1:${env.PORT}/readyz`), 'the first server');

    const cli = run(['src/cli/index.ts', 'migrate'], env);
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toBe(
      `The embedded database in ${env.PACER_DATA_DIR} is in use by another Pacer process (pid ${first.child.pid}). ` +
        'Stop that process first, or set DATABASE_URL to use PostgreSQL, which allows several processes.\n',
    );

    first.child.kill('SIGKILL');
    await first.exited;
    const second = run(['src/main.ts'], env);
    // Before, the dead process's lock blocked every start for 15 s: the restart exited 1 at once.
    await Promise.race([
      waitFor(() => up(`http://127.0.0.1:${env.PORT}/readyz`), 'the restarted server', 30_000),
      second.exited.then((code) => {
        throw new Error(`the restarted server exited ${code}: ${second.output()}`);
      }),
    ]);
    expect(second.output()).not.toContain('in use by another');
  });

  it('takes over a lock whose pid is gone or now belongs to another process, and refuses one held', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pacer-lock-'));
    const lockFile = path.join(dir, 'pacer.lock');

    await writeFile(lockFile, JSON.stringify({ pid: await deadPid(), start: '1' }));
    await (
      await lockDataDir(dir)
    )();

    // This process's pid with another start time: a lock from a process whose pid was reused.
    await writeFile(lockFile, JSON.stringify({ pid: process.pid, start: '1' }));
    const release = await lockDataDir(dir);
    expect(JSON.parse(await readFile(lockFile, 'utf8'))).toEqual({ pid: process.pid, start: await processStart(process.pid) });

    await expect(lockDataDir(dir)).rejects.toEqual(new DatabaseLockedError(dir, process.pid));
    await release();
  });

  it("goes to exactly one of several processes starting at once over a dead owner's lock", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pacer-lock-'));
    await writeFile(path.join(dir, 'pacer.lock'), JSON.stringify({ pid: await deadPid(), start: '1' }));
    const script =
      `const { lockDataDir } = await import(${JSON.stringify(path.join(ROOT, 'src/db/lock.ts'))});` +
      `await new Promise((r) => setTimeout(r, Number(process.env.AT) - Date.now()));` +
      `try { await lockDataDir(process.env.DIR); console.log('held'); await new Promise((r) => setTimeout(r, 6000)); }` +
      `catch (err) { console.log(err.code); }`;
    // All start together once loaded; the winner holds the lock until every other has tried.
    const at = String(Date.now() + 4000);
    const contenders = Array.from({ length: 4 }, () => run(['--input-type=module', '-e', script], { DIR: dir, AT: at }));
    await Promise.all(contenders.map((c) => c.exited));
    expect(contenders.map((c) => c.output().trim()).sort()).toEqual(['database_locked', 'database_locked', 'database_locked', 'held']);
  }, 40_000);
});
