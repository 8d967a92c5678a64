import type { Database, DatabaseKind } from '../db/client.js';
import { pendingMigrations } from '../db/migrator.js';

/** /readyz answers within 2 s: a database that does not answer in this time counts as unreachable. */
export const READINESS_DEADLINE_MS = 1_500;

export type Readiness =
  | { status: 'ready'; database: DatabaseKind }
  | { status: 'migrations_pending'; pending: string[] }
  | { status: 'database_unreachable'; cause: unknown };

/**
 * Whether the database answers and has every migration applied. A check cut short by the deadline
 * goes on in the background until the database's own timeouts end it; its outcome is ignored.
 */
export async function checkReadiness(db: Database, deadlineMs = READINESS_DEADLINE_MS): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Readiness>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'database_unreachable', cause: new Error(`no answer within ${deadlineMs} ms`) }), deadlineMs);
  });
  const check = pendingMigrations(db).then(
    (pending): Readiness => (pending.length > 0 ? { status: 'migrations_pending', pending } : { status: 'ready', database: db.kind }),
    (cause: unknown): Readiness => ({ status: 'database_unreachable', cause }),
  );
  try {
    return await Promise.race([check, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
