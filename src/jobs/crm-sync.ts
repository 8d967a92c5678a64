/**
 * The scheduled CRM sync: once a minute, every active source whose `everyMinutes` have passed
 * since its last attempt is synced, one at a time (each source's requests are limited by its own
 * CRM account, and one process at a time per source by its lease). It runs in every Pacer process
 * with PACER_SCHEDULER on, whether or not Slack is configured: the data comes first.
 */
import cron, { type ScheduledTask } from 'node-cron';
import { listSources } from '../db/sync-repo.js';
import { isDue, syncSource, type SourceRunResult, type SyncDeps } from '../sync/runner.js';

/** Syncs the sources due now; returns what each run did. */
export async function runDueSyncs(deps: SyncDeps): Promise<SourceRunResult[]> {
  const results: SourceRunResult[] = [];
  for (const row of await listSources(deps.db)) {
    if (!isDue(row, deps.clock.now())) continue;
    results.push(await syncSource(deps, row));
  }
  return results;
}

export interface SyncScheduler {
  /** One tick, as the minute timer runs it (tests call it directly). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export function startSyncScheduler(deps: SyncDeps, options: { timer?: boolean } = {}): SyncScheduler {
  const log = deps.logger.child({ component: 'crm-sync' });
  const stopping = new AbortController();
  let running: Promise<void> | null = null;
  const tick = async () => {
    if (running || stopping.signal.aborted) return running ?? undefined;
    running = runDueSyncs({ ...deps, logger: log, signal: stopping.signal })
      .then((results) => {
        for (const r of results) {
          if (r.status === 'ok') log.info({ source: r.source, workspace: r.workspace, requests: r.requests, seconds: Math.round(r.seconds * 10) / 10 }, 'source synced');
        }
      })
      .catch((err: unknown) => log.error({ err }, 'CRM sync tick failed; the next tick retries'))
      .finally(() => {
        running = null;
      });
    return running;
  };
  let task: ScheduledTask | undefined;
  if (options.timer !== false) task = cron.schedule('* * * * *', tick, { name: 'pacer-crm-sync' });
  return {
    tick,
    stop: async () => {
      await task?.stop();
      // A sync in progress stops after the page it is storing; its checkpoints keep what it did.
      stopping.abort();
      await running;
    },
  };
}
