/**
 * What an operator scrapes from GET /metrics (Prometheus text format): one registry per process
 * (never prom-client's global one, so tests can run several Pacer apps side by side), every name
 * prefixed `pacer_`, with Node's process metrics. The edges of the product record here: the HTTP
 * server, ingestion, the report routes and Slack's report cache, slash commands, the delivery path,
 * the job runner and CRM sync. Label values come from bounded sets only (route patterns, job ids,
 * ledger kinds, configured source names): never an id, an email or a token.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PoolUsage } from '../db/client.js';

/** Request and report latencies: 5 ms to 10 s (Slack waits 3 s; the report targets are well under a second). */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Job runs: a fold takes milliseconds, a weekly run or a CRM sync minutes. */
const JOB_BUCKETS = [0.01, 0.05, 0.25, 1, 5, 15, 60, 180, 600, 1800];
/** The gauges of one scrape read the CRM sources once between them. */
const SOURCES_READ_REUSE_MS = 1000;

/** Where ingested events came from. */
export type EventSource = 'api' | 'crm';
/** How a slash command's answer reached Slack (src/slack/answer-within.ts), or that it never did. */
export type CommandAnswer = 'ack' | 'response_url' | 'failed';
/** How a delivery ended in this process (the ledger's final statuses, and a claim lost to another process). */
export type DeliveryOutcome = 'sent' | 'failed' | 'skipped' | 'unknown' | 'lost';
/** How a job run ended: `busy` means its previous run in this process was still going, so it did not start. */
export type JobOutcome = 'ok' | 'failed' | 'busy';

/** One CRM source's sync state, read when /metrics is scraped. */
export interface SourceSyncState {
  workspace: string;
  source: string;
  /** Seconds since its last successful sync; null before the first. */
  lagSeconds: number | null;
  /** In a failing spell (a stopping failure only a person can fix). */
  failing: boolean;
}

/** The Slack report cache's queue (src/reports/report-cache.ts). */
export interface ReportComputations {
  computing: number;
  waiting: number;
  deferred: number;
}

export class Telemetry {
  readonly registry = new Registry();
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly events: Counter<'source' | 'outcome'>;
  private readonly unmatched: Counter<'source'>;
  private readonly reportDuration: Histogram<'kind' | 'surface' | 'cached'>;
  private readonly commandDuration: Histogram<'command' | 'answered'>;
  private readonly deliveries: Counter<'kind' | 'status'>;
  private readonly jobRuns: Counter<'job' | 'outcome'>;
  private readonly jobDuration: Histogram<'job' | 'outcome'>;
  private readonly jobLastSuccess: Gauge<'job'>;
  private readonly syncRuns: Counter<'source' | 'status'>;
  private readonly syncErrors: Counter<'source' | 'kind'>;
  private pool: () => PoolUsage | null = () => null;
  private reportComputations: () => ReportComputations | null = () => null;
  private sources: () => Promise<SourceSyncState[]> = () => Promise.resolve([]);
  private sourcesRead: { at: number; states: Promise<SourceSyncState[]> } | undefined;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'pacer_' });
    this.httpDuration = new Histogram({
      name: 'pacer_http_request_duration_seconds',
      help: 'HTTP requests by method, route pattern and status, with their latency (_count is the number of requests)',
      labelNames: ['method', 'route', 'status'],
      buckets: REQUEST_BUCKETS,
      registers,
    });
    this.events = new Counter({
      name: 'pacer_events_total',
      help: 'Events ingested, by source (api, crm) and outcome (accepted, duplicate, rejected)',
      labelNames: ['source', 'outcome'],
      registers,
    });
    this.unmatched = new Counter({
      name: 'pacer_events_unmatched_total',
      help: 'Of the accepted events, those naming a person not in the coaching config (stored, credited once the person is added)',
      labelNames: ['source'],
      registers,
    });
    this.reportDuration = new Histogram({
      name: 'pacer_report_duration_seconds',
      help: 'Reports served, by kind (rep, team), surface (api, slack) and whether Slack’s report cache held it, with the time to produce it',
      labelNames: ['kind', 'surface', 'cached'],
      buckets: REQUEST_BUCKETS,
      registers,
    });
    this.commandDuration = new Histogram({
      name: 'pacer_slash_command_duration_seconds',
      help: 'Slash commands by command and how the answer went (ack: in the acknowledgement; response_url: after it; failed), with the time to answer',
      labelNames: ['command', 'answered'],
      buckets: REQUEST_BUCKETS,
      registers,
    });
    this.deliveries = new Counter({
      name: 'pacer_deliveries_total',
      help: 'Scheduled Slack messages settled by this process, by ledger kind and final status (sent, failed, skipped, unknown, lost to another process)',
      labelNames: ['kind', 'status'],
      registers,
    });
    this.jobRuns = new Counter({
      name: 'pacer_job_runs_total',
      help: 'Job runs by job id and outcome (ok, failed, busy: the previous run in this process had not finished)',
      labelNames: ['job', 'outcome'],
      registers,
    });
    this.jobDuration = new Histogram({
      name: 'pacer_job_duration_seconds',
      help: 'How long job runs took, by job id and outcome',
      labelNames: ['job', 'outcome'],
      buckets: JOB_BUCKETS,
      registers,
    });
    this.jobLastSuccess = new Gauge({
      name: 'pacer_job_last_success_timestamp_seconds',
      help: 'When each job last ended without error in this process (Unix seconds, system clock)',
      labelNames: ['job'],
      registers,
    });
    this.syncRuns = new Counter({
      name: 'pacer_crm_sync_runs_total',
      help: 'CRM sync runs by source name and status (ok, failed, busy: another process held the source)',
      labelNames: ['source', 'status'],
      registers,
    });
    this.syncErrors = new Counter({
      name: 'pacer_crm_sync_errors_total',
      help: 'Failed CRM sync runs by source name and kind of failure (auth, permission, config, refused, rate_limit, unavailable, unexpected)',
      labelNames: ['source', 'kind'],
      registers,
    });
    const lag: Gauge<'workspace' | 'source'> = new Gauge({
      name: 'pacer_crm_sync_lag_seconds',
      help: 'Seconds since each active CRM source last synced successfully (absent before its first success)',
      labelNames: ['workspace', 'source'],
      registers,
      collect: async () => {
        lag.reset();
        for (const s of await this.readSources()) if (s.lagSeconds !== null) lag.set({ workspace: s.workspace, source: s.source }, s.lagSeconds);
      },
    });
    const failing: Gauge<'workspace' | 'source'> = new Gauge({
      name: 'pacer_crm_sync_failing',
      help: '1 while an active CRM source is stopped by a failure only a person can fix, else 0',
      labelNames: ['workspace', 'source'],
      registers,
      collect: async () => {
        failing.reset();
        for (const s of await this.readSources()) failing.set({ workspace: s.workspace, source: s.source }, s.failing ? 1 : 0);
      },
    });
    const poolGauge = (name: string, help: string, pick: (u: PoolUsage) => number | null) => {
      const gauge: Gauge = new Gauge({
        name,
        help,
        registers,
        collect: () => {
          const usage = this.pool();
          const value = usage ? pick(usage) : null;
          if (value === null) gauge.reset();
          else gauge.set(value);
        },
      });
    };
    const computations: Gauge<'state'> = new Gauge({
      name: 'pacer_report_computations',
      help: 'Slack report computations by state: computing, waiting their turn, and team reports deferred until nobody waits',
      labelNames: ['state'],
      registers,
      collect: () => {
        computations.reset();
        const now = this.reportComputations();
        if (now) for (const state of ['computing', 'waiting', 'deferred'] as const) computations.set({ state }, now[state]);
      },
    });
    poolGauge('pacer_db_pool_max_connections', 'Connections the database pool may open (1 for the embedded database)', (u) => u.max);
    poolGauge('pacer_db_pool_connections', 'Connections open in the database pool', (u) => u.total);
    poolGauge('pacer_db_pool_idle_connections', 'Open connections not in use (PostgreSQL only)', (u) => u.idle);
    poolGauge('pacer_db_pool_waiting_requests', 'Queries waiting for a free connection (PostgreSQL only)', (u) => u.waiting);
  }

  /** The Content-Type of `scrape()`'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  /** Where the pool gauges read from (the process's database). */
  watchPool(read: () => PoolUsage | null): void {
    this.pool = read;
  }

  /** Where the report computations gauge reads from (the Slack report cache). */
  watchReportComputations(read: () => ReportComputations): void {
    this.reportComputations = read;
  }

  /** Where the CRM sync gauges read from; a failed read leaves them empty rather than failing the scrape. */
  watchSources(read: () => Promise<SourceSyncState[]>): void {
    this.sources = read;
    this.sourcesRead = undefined;
  }

  /** Every job the process can run starts at zero, so a job that never ran is visible as such. */
  declareJobs(ids: readonly string[]): void {
    for (const job of ids) for (const outcome of ['ok', 'failed', 'busy'] as const) this.jobRuns.inc({ job, outcome }, 0);
  }

  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status: String(status) }, seconds);
  }

  eventsIngested(source: EventSource, counts: { accepted: number; duplicates: number; rejected: number; unmatched: number }): void {
    this.events.inc({ source, outcome: 'accepted' }, counts.accepted);
    this.events.inc({ source, outcome: 'duplicate' }, counts.duplicates);
    this.events.inc({ source, outcome: 'rejected' }, counts.rejected);
    this.unmatched.inc({ source }, counts.unmatched);
  }

  reportServed(kind: 'rep' | 'team', surface: 'api' | 'slack', cached: boolean, seconds: number): void {
    this.reportDuration.observe({ kind, surface, cached: String(cached) }, seconds);
  }

  slashCommand(command: string, answered: CommandAnswer, seconds: number): void {
    this.commandDuration.observe({ command, answered }, seconds);
  }

  deliveriesSettled(kind: string, status: DeliveryOutcome, count = 1): void {
    this.deliveries.inc({ kind, status }, count);
  }

  jobRun(job: string, outcome: JobOutcome, seconds: number): void {
    this.jobRuns.inc({ job, outcome });
    if (outcome === 'busy') return;
    this.jobDuration.observe({ job, outcome }, seconds);
    if (outcome === 'ok') this.jobLastSuccess.set({ job }, Date.now() / 1000);
  }

  syncRun(source: string, status: 'ok' | 'failed' | 'busy', errorKind: string | null): void {
    this.syncRuns.inc({ source, status });
    if (status === 'failed') this.syncErrors.inc({ source, kind: errorKind ?? 'unexpected' });
  }

  /** One read of the sources per scrape, shared by the gauges that show them. */
  private readSources(): Promise<SourceSyncState[]> {
    const now = Date.now();
    if (this.sourcesRead && now - this.sourcesRead.at < SOURCES_READ_REUSE_MS) return this.sourcesRead.states;
    // The database unreachable: /readyz says so, and the scrape still carries everything else.
    const states = this.sources().catch(() => []);
    this.sourcesRead = { at: now, states };
    return states;
  }
}
