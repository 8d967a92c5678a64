import type { Database, DatabaseKind } from '../db/client.js';
import { pendingMigrations } from '../db/migrator.js';
import { workspaceDataHealth } from '../reports/data-health.js';
import type { DataHealthJson } from '../reports/types.js';

/** /readyz answers within 2 s: a database that does not answer in this time counts as unreachable. */
export const READINESS_DEADLINE_MS = 1_500;

export type Readiness =
  | { status: 'ready'; database: DatabaseKind; dataHealth: ({ workspace: string } & DataHealthJson)[] }
  | { status: 'migrations_pending'; pending: string[] }
  | { status: 'database_unreachable'; cause: unknown };

/**
 * Whether the database answers and has every migration applied, with each workspace's data
 * health as of `now` (said, not acted on: stale data is the CRM's problem, Pacer is ready). A
 * check cut short by the deadline goes on in the background until the database's own timeouts
 * end it; its outcome is ignored.
 */
export async function checkReadiness(db: Database, now: Date, deadlineMs = READINESS_DEADLINE_MS): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Readiness>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'database_unreachable', cause: new Error(`no answer within ${deadlineMs} ms`) }), deadlineMs);
  });
  const check = pendingMigrations(db)
    .then(async (pending): Promise<Readiness> => {
      if (pending.length > 0) return { status: 'migrations_pending', pending };
      const dataHealth = (await workspaceDataHealth(db, now, now)).map((w) => ({ workspace: w.workspace, ...w.dataHealth }));
      return { status: 'ready', database: db.kind, dataHealth };
    })
    .catch((cause: unknown): Readiness => ({ status: 'database_unreachable', cause }));
  try {
    return await Promise.race([check, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
