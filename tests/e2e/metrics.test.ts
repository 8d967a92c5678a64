import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { createApiKey, findOrCreateWorkspace } from '../../src/db/api-keys.js';
import { runJobNow } from '../../src/jobs/registry.js';
import { jobContext } from '../../src/jobs/setup.js';
import { startLocalSlack, type LocalSlack } from '../../src/local-slack/index.js';
import { createLogger } from '../../src/logger.js';
import { startRuntime, type Runtime } from '../../src/server-runtime.js';
import { deliveryClients } from '../../src/slack/delivery/clients.js';
import { EXERCISE_NOW, EXERCISE_TEAM_ID, EXPECTED_INGEST, exerciseSlackWorkspace, EXPECTED_MOVES, exercise, scrape, unmoved, writeExerciseConfig } from '../../scripts/lib/metrics-exercise.js';
import { total, type Sample } from '../../scripts/lib/prometheus-text.js';
import { createPostgresDatabase } from '../helpers/db.js';

const BOT_TOKEN = 'xoxb-metrics-test-token';
const SIGNING_SECRET = 'metrics-test-signing-secret';
const METRICS_TOKEN = 'metrics-scrape-token-0123456789';

describe('GET /metrics (Pacer on PostgreSQL, Slack over signed HTTP, the local Slack)', () => {
  let slack: LocalSlack;
  let runtime: Runtime;
  let ingestKey: string;
  let readKey: string;
  const logged: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk: Buffer, _enc, cb) {
        logged.push(chunk.toString());
        cb();
      },
    }),
  });

  beforeAll(async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pacer-metrics-'));
    slack = await startLocalSlack({ workspaces: [exerciseSlackWorkspace(BOT_TOKEN)] });
    const env = loadEnv({
      DATABASE_URL: await createPostgresDatabase(),
      PORT: '0',
      HOST: '127.0.0.1',
      PACER_CONFIG: await writeExerciseConfig(dir),
      PACER_DATA_DIR: dir,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      PACER_NOW: EXERCISE_NOW.toISOString(),
      // The job run below is the only one: no timer may post or fold meanwhile.
      PACER_SCHEDULER: 'off',
      PACER_METRICS_TOKEN: METRICS_TOKEN,
    });
    runtime = await startRuntime(env, logger);
    const workspace = await findOrCreateWorkspace(runtime.db, EXERCISE_TEAM_ID);
    ingestKey = (await createApiKey(runtime.db, workspace.id, 'ingest')).key;
    readKey = (await createApiKey(runtime.db, workspace.id, 'read')).key;
  });
  afterAll(async () => {
    await runtime?.stop();
    await slack?.close();
  });

  /** Scrapes until `done` holds (a slash command answered through response_url is counted a moment after the answer). */
  async function scrapeUntil(done: (samples: Sample[]) => boolean): Promise<Sample[]> {
    const until = Date.now() + 10_000;
    for (;;) {
      const samples = await scrape(runtime.url, METRICS_TOKEN);
      if (done(samples) || Date.now() > until) return samples;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('counts one ingest, one report, one slash command and one job run, each by what it did', async () => {
    const before = await scrape(runtime.url, METRICS_TOKEN);
    await exercise({ url: runtime.url, ingestKey, readKey, signingSecret: SIGNING_SECRET, newResponseUrl: () => slack.newResponseUrl(), responses: (url) => slack.responses(url) });
    const ctx = jobContext({
      db: runtime.db,
      logger,
      clock: runtime.clock,
      telemetry: runtime.telemetry,
      clients: deliveryClients({ kind: 'http', botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET }, slack.apiUrl, runtime.db, logger),
    });
    const nudges = await runJobNow(ctx, 'rep-nudges', runtime.clock.now());
    expect(nudges).toMatchObject({ sent: 3, failed: 0 });

    const after = await scrapeUntil((samples) => unmoved(before, samples).length === 0);
    const moved = (name: string, labels: Record<string, string> = {}) => total(after, name, labels) - total(before, name, labels);
    // Each by exactly what happened, not merely "moved".
    for (const move of EXPECTED_MOVES) expect(moved(move.name, move.labels), move.what).toBe(move.by);
    expect(moved('pacer_events_total', { source: 'api' })).toBe(EXPECTED_INGEST.accepted + EXPECTED_INGEST.duplicates + EXPECTED_INGEST.rejected);
    expect(
      moved('pacer_slash_command_duration_seconds_count', { command: '/mykpis', answered: 'ack' }) +
        moved('pacer_slash_command_duration_seconds_count', { command: '/mykpis', answered: 'response_url' }),
    ).toBe(1);
    expect(moved('pacer_job_runs_total', { job: 'rep-nudges', outcome: 'ok' })).toBe(1);
    expect(moved('pacer_job_duration_seconds_count', { job: 'rep-nudges', outcome: 'ok' })).toBe(1);
    expect(moved('pacer_job_runs_total', { job: 'manager-digests' })).toBe(0);
    expect(moved('pacer_deliveries_total', { kind: 'rep_nudge', status: 'sent' })).toBe(3);
    expect(moved('pacer_deliveries_total', { status: 'failed' })).toBe(0);
    expect(total(after, 'pacer_job_last_success_timestamp_seconds', { job: 'rep-nudges' })).toBeGreaterThan(Date.now() / 1000 - 60);

    // A latency histogram, not just a count: the buckets are cumulative up to +Inf = _count.
    const inf = after.find((s) => s.name === 'pacer_report_duration_seconds_bucket' && s.labels.kind === 'rep' && s.labels.surface === 'api' && s.labels.le === '+Inf');
    expect(inf?.value).toBe(total(after, 'pacer_report_duration_seconds_count', { kind: 'rep', surface: 'api' }));
    expect(total(after, 'pacer_report_duration_seconds_sum', { kind: 'rep', surface: 'api' })).toBeGreaterThan(0);

    // The pool of this process (PostgreSQL, 10 connections) and Node's own metrics.
    expect(total(after, 'pacer_db_pool_max_connections')).toBe(10);
    expect(total(after, 'pacer_db_pool_connections')).toBeGreaterThanOrEqual(1);
    expect(after.some((s) => s.name === 'pacer_db_pool_idle_connections')).toBe(true);
    // The Slack report cache's queue: the slash command's team report, deferred while it was answered, computed since.
    const computations = await scrapeUntil((samples) => total(samples, 'pacer_report_computations') === 0);
    expect(computations.filter((s) => s.name === 'pacer_report_computations').map((s) => [s.labels.state, s.value])).toEqual([
      ['computing', 0],
      ['waiting', 0],
      ['deferred', 0],
    ]);
    expect(after.some((s) => s.name === 'pacer_process_cpu_user_seconds_total')).toBe(true);
    expect(after.some((s) => s.name === 'pacer_nodejs_eventloop_lag_seconds')).toBe(true);
    // No CRM source in this workspace: no lag series.
    expect(after.some((s) => s.name === 'pacer_crm_sync_lag_seconds')).toBe(false);

    // Labels carry patterns and kinds, never what a request named: no email, key or raw path.
    const labelValues = after.flatMap((s) => Object.values(s.labels));
    expect(labelValues.filter((v) => v.includes('@') || v.includes(ingestKey) || v.includes(readKey) || v.includes('%40'))).toEqual([]);

    // The scrape is what the registry holds in the process.
    const json = await runtime.telemetry.registry.getMetricsAsJSON();
    const events = json.find((m) => m.name === 'pacer_events_total')!;
    expect(events.values.find((v) => v.labels.outcome === 'accepted')?.value).toBe(total(after, 'pacer_events_total', { source: 'api', outcome: 'accepted' }));
  });

  it('asks for PACER_METRICS_TOKEN as a bearer token: 401 without it or with another, 200 with it, never logged', async () => {
    const get = (authorization?: string) => fetch(`${runtime.url}/metrics`, authorization ? { headers: { authorization } } : {});
    const none = await get();
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('invalid_metrics_token');
    expect((await get(`Bearer ${METRICS_TOKEN.slice(0, -1)}x`)).status).toBe(401);
    expect((await get('Bearer short')).status).toBe(401);
    expect((await get(`Basic ${METRICS_TOKEN}`)).status).toBe(401);
    const ok = await get(`Bearer ${METRICS_TOKEN}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await ok.text()).toContain('# TYPE pacer_http_request_duration_seconds histogram');
    // The refusals are counted by route like any request; a path no route serves is "unmatched", never itself.
    expect((await fetch(`${runtime.url}/api/v1/reports/nobody/anna%40example.com?key=${METRICS_TOKEN}`)).status).toBe(404);
    const samples = await scrape(runtime.url, METRICS_TOKEN);
    expect(total(samples, 'pacer_http_request_duration_seconds_count', { route: '/metrics', status: '401' })).toBeGreaterThanOrEqual(4);
    expect(total(samples, 'pacer_http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(samples.flatMap((s) => Object.values(s.labels)).filter((v) => v.includes('anna') || v.includes('nobody'))).toEqual([]);
    expect(logged.join('')).not.toContain(METRICS_TOKEN);
    expect(logged.join('')).not.toContain(METRICS_TOKEN.slice(0, -1));
  });

  it('refuses a PACER_METRICS_TOKEN too short to be a secret, without printing it', () => {
    const refusal = (() => {
      try {
        loadEnv({ PACER_METRICS_TOKEN: 'hunter2' });
        return 'accepted';
      } catch (err) {
        return String(err);
      }
    })();
    expect(refusal).toMatch(/PACER_METRICS_TOKEN: must be at least 16 characters/);
    expect(refusal).not.toContain('hunter2');
  });
});
