/** The local HubSpot scaled down for tests, and a sync wired to it. */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { manualClock } from '../../src/clock.js';
import { applyConfig } from '../../src/config/apply.js';
import { parseCoachingConfig } from '../../src/config/coaching.js';
import type { Database } from '../../src/db/client.js';
import { listSources } from '../../src/db/sync-repo.js';
import { scaledLimits, startLocalHubSpot, type LocalHubSpot, type LocalHubSpotLimits } from '../../src/local-crm/hubspot/index.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { syncSource, type RunOptions, type SourceRunResult, type SyncDeps } from '../../src/sync/runner.js';
import { sourceFactory, type SourceTuning } from '../../src/sync/sources.js';

export const HUBSPOT_TOKEN = 'pat-na1-00000000-test-token';
/** Windows a hundred times shorter than HubSpot's: 100 requests per 100 ms, search 5 per 10 ms. */
export const TEST_SCALE = 0.01;
export const TEST_WINDOWS = { generalMs: 10_000 * TEST_SCALE, searchMs: 1_000 * TEST_SCALE };

export function startTestHubSpot(overrides: Partial<LocalHubSpotLimits> = {}): Promise<LocalHubSpot> {
  return startLocalHubSpot({ token: HUBSPOT_TOKEN, limits: scaledLimits(TEST_SCALE, overrides) });
}

/** A logger whose lines a test can read. */
export function capturingLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const out: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      out.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination: stream }), lines: () => out.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

export function testSyncDeps(db: Database, options: { now: Date; logger?: Logger; tuning?: SourceTuning; env?: NodeJS.ProcessEnv }): SyncDeps & { clock: ReturnType<typeof manualClock> } {
  return {
    db,
    logger: options.logger ?? createLogger({ level: 'silent' }),
    clock: manualClock(options.now),
    env: options.env ?? { HUBSPOT_TOKEN },
    processId: `test:${randomBytes(4).toString('hex')}`,
    createSource: sourceFactory({ windows: TEST_WINDOWS, backoffMs: 5, ...options.tuning }),
  };
}

/** Parses and applies a config document; returns the workspace id. */
export async function applyDocument(db: Database, doc: unknown): Promise<number> {
  const parsed = parseCoachingConfig(doc);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return (await applyConfig(db, parsed.config)).workspace.id;
}

export async function syncNamed(deps: SyncDeps, workspaceId: number, name = 'hubspot', options: RunOptions = {}): Promise<SourceRunResult> {
  const row = (await listSources(deps.db, { workspaceId })).find((s) => s.name === name);
  if (!row) throw new Error(`no source ${name}`);
  return syncSource(deps, row, options);
}

export interface StoredEvent {
  id: string;
  type: string;
  occurredAt: string;
  rep: string;
  leadId: string | null;
  dealId: string | null;
  amount: number | null;
  stage: string | null;
  leadSource: string | null;
  dealName: string | null;
  leadName: string | null;
  accountName: string | null;
  url: string | null;
}

/** The workspace's events as comparable values, by id. */
export async function storedEvents(db: Database, workspaceId: number): Promise<StoredEvent[]> {
  const rows = await db.query<{
    external_id: string;
    type: string;
    occurred_at: Date;
    kind: string;
    value: string;
    lead_id: string | null;
    deal_id: string | null;
    amount: string | null;
    stage: string | null;
    lead_source: string | null;
    deal_name: string | null;
    lead_name: string | null;
    account_name: string | null;
    url: string | null;
  }>(
    `SELECT e.external_id, e.type, e.occurred_at, i.kind::text AS kind, i.value, e.lead_id, e.deal_id, e.amount::text AS amount, e.stage,
       e.lead_source::text AS lead_source, e.deal_name, e.lead_name, e.account_name, e.url
     FROM activity_event e JOIN identity i ON i.id = e.identity_id WHERE e.workspace_id = $1 ORDER BY e.external_id`,
    [workspaceId],
  );
  return rows.map((r) => ({
    id: r.external_id,
    type: r.type,
    occurredAt: r.occurred_at.toISOString(),
    rep: `${r.kind}:${r.value}`,
    leadId: r.lead_id,
    dealId: r.deal_id,
    amount: r.amount === null ? null : Number(r.amount),
    stage: r.stage,
    leadSource: r.lead_source,
    dealName: r.deal_name,
    leadName: r.lead_name,
    accountName: r.account_name,
    url: r.url,
  }));
}

export async function eventVersions(db: Database, workspaceId: number): Promise<Map<string, number | null>> {
  const rows = await db.query<{ external_id: string; version: number | null }>('SELECT external_id, version::float8 AS version FROM activity_event WHERE workspace_id = $1', [workspaceId]);
  return new Map(rows.map((r) => [r.external_id, r.version]));
}
