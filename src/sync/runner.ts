/**
 * Runs a source's sync (issue 13): for each object, the pages of records changed since its
 * checkpoint are mapped, stored through the same ingestion as the API (versions decide: an edit
 * replaces, a replay is a duplicate), the records' events they no longer make are removed, and
 * only then is the checkpoint moved to the page's position. A sync killed anywhere restarts from
 * a checkpoint whose records are all stored: nothing is lost, and what is read again is a
 * duplicate, never a second copy. Deletions follow the same way. A lease keeps replicas from
 * syncing one source at once.
 */
import { hostname } from 'node:os';
import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import { bumpDataVersion, deleteEvents, ingestContext, staleRecordEvents } from '../db/events-repo.js';
import { pidExists } from '../db/process-start.js';
import { claimSource, readCheckpoints, recordFailure, recordSuccess, releaseSource, renewSource, saveCheckpoint, type SourceRow } from '../db/sync-repo.js';
import { validateEvent } from '../ingest/event-schema.js';
import { ingestEventsDetailed, MAX_EVENTS_PER_BATCH } from '../ingest/ingest-events.js';
import { SOURCE_LEASE_MS } from '../jobs/registry.js';
import type { Logger } from '../logger.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import { describeSyncError, SyncError, type SyncFailureKind } from './errors.js';
import type { RejectedRecord, Source, SourceObject } from './types.js';

/** The first sync reads this far back when the config gives no `sync.since`. */
export const DEFAULT_SINCE_WEEKS = 30;
const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
/** Rejections kept per object in the summary (all are counted and logged). */
const REJECTIONS_KEPT = 100;

export interface ObjectSummary {
  object: string;
  read: number;
  /** Events the mapping made. */
  events: number;
  accepted: number;
  /** Of the accepted, those that replaced stored content (an edit). */
  updated: number;
  duplicates: number;
  unmatched: number;
  /** Records the mapping could not use plus events ingestion refused. */
  rejected: number;
  rejections: RejectedRecord[];
  skipped: Record<string, number>;
  /** Stored events removed: of deleted records, or no longer made by their record. */
  removed: number;
  /** Deleted records read. */
  deletedRecords: number;
}

export type RunStatus = 'ok' | 'failed' | 'busy' | 'dry-run';

export interface SourceRunResult {
  source: string;
  workspace: string;
  status: RunStatus;
  error: string | null;
  /** The failure stops the source until a person fixes it. */
  stopping: boolean;
  full: boolean;
  objects: ObjectSummary[];
  requests: number;
  rateLimited: number;
  seconds: number;
}

export interface SyncProgress {
  source: string;
  object: string;
  /** Records read in this object so far. */
  read: number;
  /** Objects done, of all. */
  objectsDone: number;
  objects: number;
}

export interface SourceFactoryOptions {
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Where a stream without a checkpoint starts. */
  start: Date;
  /** Every stage of the workspace's active teams' pipelines. */
  teamStages: ReadonlySet<string>;
}

export type SourceFactory = (row: SourceRow, options: SourceFactoryOptions) => Source;

/** A source left failing by a stopping failure: what the admins' DM is made from. */
export interface FailingSource {
  row: SourceRow;
  /** The spell's start (crm_source.failing_since): with the source, it names the spell. */
  since: Date;
  /** 'started': this attempt began the spell (once per spell across processes). */
  spell: 'started' | 'continues';
  /** This attempt's failure, as recorded. */
  error: string;
  kind: SyncFailureKind;
  token: 'revoked' | 'expired' | null;
}

/**
 * Told after every attempt that ends in a stopping failure, the spell's first and each later one:
 * a DM the first could not send (a process without Slack, a crash) goes out at a later attempt,
 * and the delivery ledger keeps it to one per spell.
 */
export type FailingSourceListener = (failing: FailingSource) => Promise<void>;

export interface SyncDeps {
  db: Database;
  logger: Logger;
  /** Pacer's clock: received times, attempts, successes, the default start. */
  clock: Clock;
  env: NodeJS.ProcessEnv;
  /** This process's name on leases. */
  processId: string;
  createSource: SourceFactory;
  /** The system clock for leases (never PACER_NOW). */
  systemNow?: () => Date;
  /** Aborted when the process shuts down: the run stops after the page it is storing. */
  signal?: AbortSignal;
  /** Tells the workspace's admins (src/jobs/source-failing.ts); its errors are logged, never thrown. */
  onFailing?: FailingSourceListener;
  /** The process's metrics: runs, errors by kind, and the events the sync ingests. */
  telemetry?: Telemetry | undefined;
}

export interface RunOptions {
  /** Read everything from the start again (checkpoints ignored; stored events replaced by what the CRM says now). */
  full?: boolean;
  /** Read and map only: nothing is stored, no checkpoint or status moves. */
  dryRun?: boolean;
  onProgress?: (p: SyncProgress) => void;
}

const emptyObject = (object: string): ObjectSummary => ({
  object,
  read: 0,
  events: 0,
  accepted: 0,
  updated: 0,
  duplicates: 0,
  unmatched: 0,
  rejected: 0,
  rejections: [],
  skipped: {},
  removed: 0,
  deletedRecords: 0,
});

/** Where a source without checkpoints starts: `sync.since`, else 30 weeks before now. */
export function startOf(row: SourceRow, now: Date): Date {
  return row.settings.since === null ? new Date(now.getTime() - DEFAULT_SINCE_WEEKS * WEEK_MS) : new Date(`${row.settings.since}T00:00:00Z`);
}

function reject(summary: ObjectSummary, log: Logger, r: RejectedRecord): void {
  summary.rejected += 1;
  if (summary.rejections.length < REJECTIONS_KEPT) summary.rejections.push(r);
  log.warn({ object: summary.object, record: r.id, reason: r.reason }, 'record rejected');
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Claims the source's lease. A holder that was a process of this machine and is gone (killed
 * mid-sync) is taken over at once rather than after its lease: its checkpoints are all it left.
 */
async function claim(deps: SyncDeps, sourceId: number, systemNow: () => Date): Promise<boolean> {
  const until = () => new Date(systemNow().getTime() + SOURCE_LEASE_MS);
  const first = await claimSource(deps.db, sourceId, deps.processId, until(), systemNow());
  if (first.claimed) return true;
  if (first.holder === null || !holderIsGone(first.holder)) return false;
  return (await claimSource(deps.db, sourceId, deps.processId, until(), systemNow(), first.holder)).claimed;
}

/** Whether a lease holder (host:pid:random, see newProcessId) was a process of this host that no longer runs. */
export function holderIsGone(holder: string): boolean {
  const [host, pid] = holder.split(':');
  return host === hostname() && pid !== undefined && /^\d+$/.test(pid) && !pidExists(Number(pid));
}

/** Syncs one source now. Never throws for the source's own failures: they are the result. */
export async function syncSource(deps: SyncDeps, row: SourceRow, options: RunOptions = {}): Promise<SourceRunResult> {
  const log = deps.logger.child({ source: row.name, workspace: row.slackTeamId });
  const systemNow = deps.systemNow ?? (() => new Date());
  const started = performance.now();
  const result: SourceRunResult = {
    source: row.name,
    workspace: row.slackTeamId,
    status: options.dryRun ? 'dry-run' : 'ok',
    error: null,
    stopping: false,
    full: options.full ?? false,
    objects: [],
    requests: 0,
    rateLimited: 0,
    seconds: 0,
  };
  if (!options.dryRun && !(await claim(deps, row.id, systemNow))) {
    log.info('another process is syncing this source; skipped');
    deps.telemetry?.syncRun(row.name, 'busy', null);
    return { ...result, status: 'busy' };
  }
  let source: Source | undefined;
  let failing: FailingSource | null = null;
  let errorKind: string | null = null;
  try {
    const { stages } = await ingestContext(deps.db, row.workspaceId);
    source = deps.createSource(row, { env: deps.env, logger: log, start: startOf(row, deps.clock.now()), teamStages: stages ?? new Set() });
    await source.prepare();
    await runObjects(deps, row, source, result, options, log, systemNow);
    if (!options.dryRun) {
      const lastRun = { at: deps.clock.now().toISOString(), full: result.full, objects: result.objects.map(({ rejections: _r, ...counts }) => counts) };
      const { recovered } = await recordSuccess(deps.db, row.id, deps.clock.now(), lastRun);
      if (recovered) {
        // Data health changes with the spell: cached reports must be recomputed.
        await bumpDataVersion(deps.db, row.workspaceId);
        log.info('source recovered: syncing again');
      }
    }
  } catch (err) {
    const message = describeSyncError(err);
    const stopping = err instanceof SyncError ? err.stopping : false;
    errorKind = err instanceof SyncError ? err.kind : 'unexpected';
    Object.assign(result, { status: 'failed', error: message, stopping });
    if (!(err instanceof SyncError)) log.error({ err }, 'sync failed unexpectedly');
    if (!options.dryRun) {
      const { spell, failingSince } = await recordFailure(deps.db, row.id, deps.clock.now(), message, stopping);
      if (stopping && err instanceof SyncError && spell !== 'transient') {
        failing = { row, since: failingSince, spell, error: message, kind: err.kind, token: err.token };
      }
      if (spell === 'started') {
        await bumpDataVersion(deps.db, row.workspaceId);
        log.error({ error: message }, 'source failing: it stays stopped until this is fixed (reported through data health)');
      } else if (spell === 'continues') log.debug({ error: message }, 'source still failing');
      else log.warn({ error: message }, 'sync stopped; the next sync carries on from the checkpoints');
    }
  } finally {
    if (source) Object.assign(result, { requests: source.usage().requests, rateLimited: source.usage().rateLimited });
    if (!options.dryRun) await releaseSource(deps.db, row.id, deps.processId);
    result.seconds = (performance.now() - started) / 1000;
    if (!options.dryRun) deps.telemetry?.syncRun(row.name, result.status === 'failed' ? 'failed' : 'ok', errorKind);
  }
  // After the lease is released: telling people never holds the source.
  if (failing && deps.onFailing) {
    try {
      await deps.onFailing(failing);
    } catch (err) {
      log.error({ err }, 'could not tell the admins that the source is failing; the next attempt tries again');
    }
  }
  return result;
}

/**
 * Syncs every object of the source at once: their checkpoints are their own and their mappings
 * do not read each other, so one object's wait for a limit (search's per second) is another's
 * time to read and store. The first failure stops the others after the page each has in hand.
 */
async function runObjects(deps: SyncDeps, row: SourceRow, source: Source, result: SourceRunResult, options: RunOptions, log: Logger, systemNow: () => Date): Promise<void> {
  const { db } = deps;
  const checkpoints = options.full ? new Map<string, string>() : await readCheckpoints(db, row.id);
  const objects = source.listObjects();
  const extraTouchTypes = options.dryRun ? (await ingestContext(db, row.workspaceId)).extraTouchTypes : new Set<string>();
  let failed = false;
  let done = 0;
  const keepLease = async () => {
    if (failed) throw new SyncError('unavailable', 'stopped: another object of the sync failed');
    if (deps.signal?.aborted) throw new SyncError('unavailable', 'Pacer is shutting down; the next sync carries on from the checkpoints');
    if (options.dryRun) return;
    if (!(await renewSource(db, row.id, deps.processId, new Date(systemNow().getTime() + SOURCE_LEASE_MS)))) {
      throw new SyncError('unavailable', 'another process took this source over (this one stalled past its lease); it carries on from the checkpoints');
    }
  };
  const syncObject = async (object: SourceObject, summary: ObjectSummary) => {
    for await (const page of object.fetchChanges(checkpoints.get(object.name) ?? null)) {
      summary.read += page.records.length;
      const mapped = await object.mapRecords(page.records);
      summary.events += mapped.events.length;
      for (const r of mapped.rejected) reject(summary, log, r);
      for (const [reason, n] of Object.entries(mapped.skipped)) summary.skipped[reason] = (summary.skipped[reason] ?? 0) + n;
      if (options.dryRun) {
        for (const e of mapped.events) {
          const checked = validateEvent(e, { extraTouchTypes });
          if (!checked.ok) reject(summary, log, { id: e.id, reason: checked.problems.map((p) => `${p.path}: ${p.message}`).join('; ') });
        }
      } else {
        for (const batch of chunks(mapped.events, MAX_EVENTS_PER_BATCH)) {
          const outcome = await ingestEventsDetailed(db, row.workspaceId, batch, { receivedAt: deps.clock.now(), onConflict: options.full ? 'replace' : 'reject' });
          summary.accepted += outcome.accepted;
          summary.updated += outcome.updated;
          summary.duplicates += outcome.duplicates;
          summary.unmatched += outcome.unmatched;
          deps.telemetry?.eventsIngested('crm', { accepted: outcome.accepted, duplicates: outcome.duplicates, rejected: outcome.rejected.length, unmatched: outcome.unmatched });
          for (const r of outcome.rejected) reject(summary, log, { id: r.id ?? `#${r.index}`, reason: r.errors.map((p) => `${p.path}: ${p.message}`).join('; ') });
        }
        summary.removed += await deleteEvents(db, row.workspaceId, await staleRecordEvents(db, row.workspaceId, mapped.records));
        await saveCheckpoint(db, row.id, object.name, page.position, deps.clock.now());
      }
      options.onProgress?.({ source: row.name, object: object.name, read: summary.read, objectsDone: done, objects: objects.length });
      await keepLease();
    }
    const deletedStream = `${object.name}:deleted`;
    for await (const page of object.listDeletions(checkpoints.get(deletedStream) ?? null)) {
      summary.deletedRecords += page.read;
      if (options.dryRun) continue;
      summary.removed += await deleteEvents(
        db,
        row.workspaceId,
        await staleRecordEvents(
          db,
          row.workspaceId,
          page.keys.map((key) => ({ key, eventIds: [] })),
        ),
      );
      await saveCheckpoint(db, row.id, deletedStream, page.position, deps.clock.now());
      await keepLease();
    }
    done += 1;
    const { rejections: _rejections, ...counts } = summary;
    log.info(counts, 'object synced');
  };
  const summaries = objects.map((o) => emptyObject(o.name));
  result.objects.push(...summaries);
  const settled = await Promise.allSettled(
    objects.map((object, k) =>
      syncObject(object, summaries[k]!).catch((err: unknown) => {
        failed = true;
        throw err;
      }),
    ),
  );
  // The first object's own failure, not another's "stopped because of it".
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  const cause = failures.find((e) => !(e instanceof SyncError && e.message === 'stopped: another object of the sync failed')) ?? failures[0];
  if (cause !== undefined) throw cause instanceof Error ? cause : new Error(describeSyncError(cause));
}

/** The sources due now: active, and not attempted within their `everyMinutes`. */
export function isDue(row: SourceRow, now: Date): boolean {
  return row.active && (row.lastAttemptAt === null || now.getTime() - row.lastAttemptAt.getTime() >= row.everyMinutes * 60_000);
}
