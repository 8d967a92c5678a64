/**
 * The scheduled CRM sync (the crm-sync job of src/jobs/registry.ts): every active source whose
 * `everyMinutes` have passed since its last attempt is synced, one at a time (each source's
 * requests are limited by its own CRM account, and one process at a time per source by its
 * lease). It runs in every Pacer process with PACER_SCHEDULER on, whether or not Slack is
 * configured: the data comes first.
 */
import { listSources } from '../db/sync-repo.js';
import { isDue, syncSource, type SourceRunResult, type SyncDeps } from '../sync/runner.js';

/** Syncs the sources due now; returns what each run did. */
export async function runDueSyncs(deps: SyncDeps): Promise<SourceRunResult[]> {
  const results: SourceRunResult[] = [];
  for (const row of await listSources(deps.db)) {
    if (deps.signal?.aborted) break;
    if (!isDue(row, deps.clock.now())) continue;
    results.push(await syncSource(deps, row));
  }
  return results;
}
