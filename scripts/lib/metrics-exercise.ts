/**
 * One ingest, one report and one slash command against a running Pacer, and what each must move
 * in GET /metrics: shared by the check in .ci/run (scripts/ci-metrics-check.ts, a compiled server
 * against PostgreSQL) and tests/e2e/metrics.test.ts (the same against an in-process server).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { postSigned, slashCommandBody } from '../../src/sandbox/slack-requests.js';
import { parsePrometheusText, total, type Sample } from './prometheus-text.js';

/** The Pacer clock of the exercise (PACER_NOW): a Monday afternoon, its events in the four weeks before. */
export const EXERCISE_NOW = new Date('2026-11-23T15:00:00Z');
export const EXERCISE_TEAM_ID = 'T0METRICS';
/** The rep who asks /mykpis: the local Slack knows this user by anna@example.com's email. */
export const EXERCISE_USER = { id: 'UANNA', name: 'anna', email: 'anna@example.com', tz: 'UTC' };

/** The local Slack workspace the exercise's config names: its members, the asking rep first. */
export function exerciseSlackWorkspace(botToken: string) {
  return {
    teamId: EXERCISE_TEAM_ID,
    botToken,
    botUserId: 'UPACER',
    appId: 'A0PACER',
    users: [EXERCISE_USER, { id: 'UBEN', name: 'ben', email: 'ben@example.com' }, { id: 'UCARA', name: 'cara', email: 'cara@example.com' }, { id: 'UMGR', name: 'mo', email: 'mgr@example.com' }],
  };
}

const WEEK_MS = 7 * 86_400_000;
const REPS = ['anna', 'ben', 'cara'];

/** Writes the exercise's coaching config (one team of three reps and a manager) as YAML; returns its path. */
export async function writeExerciseConfig(dir: string): Promise<string> {
  const config = {
    workspace: { id: EXERCISE_TEAM_ID, currency: 'USD' },
    teams: [
      {
        name: 'Central',
        timezone: 'UTC',
        pipelineStages: ['discovery', 'demo', 'proposal'],
        focus: ['cadence.call', 'cadence.meeting'],
        thresholds: { cadenceWeeks: 4, baselineWeeks: 4, minCohort: 3 },
        members: [{ email: 'mgr@example.com', name: 'Mo Manager', role: 'manager' }, ...REPS.map((rep) => ({ email: `${rep}@example.com`, name: rep, startDate: '2025-01-06' }))],
      },
    ],
  };
  const file = path.join(dir, 'pacer.metrics.yaml');
  await writeFile(file, stringify(config));
  return file;
}

/**
 * The batch: calls by each rep over four weeks (stored), the first of them again (a duplicate),
 * one by a person not in the config (stored, unmatched) and one of an unknown type (rejected).
 */
function exerciseBatch(): Record<string, unknown>[] {
  const calls = REPS.flatMap((rep, r) =>
    [1, 2, 3, 4].flatMap((week) =>
      Array.from({ length: 3 + r }, (_, i) => ({
        id: `${rep}-call-${week}-${i}`,
        type: 'call',
        occurredAt: new Date(EXERCISE_NOW.getTime() - week * WEEK_MS + i * 3_600_000).toISOString(),
        repEmail: `${rep}@example.com`,
      })),
    ),
  );
  return [
    ...calls,
    calls[0]!,
    { id: 'stranger-call', type: 'call', occurredAt: new Date(EXERCISE_NOW.getTime() - WEEK_MS).toISOString(), repEmail: 'stranger@example.com' },
    { id: 'not-an-event', type: 'carrier_pigeon', occurredAt: EXERCISE_NOW.toISOString(), repEmail: 'anna@example.com' },
  ];
}

/** What the batch must count: every call and the stranger's accepted, one duplicate, one rejected, one unmatched. */
export const EXPECTED_INGEST = { accepted: REPS.reduce((n, _, r) => n + 4 * (3 + r), 0) + 1, duplicates: 1, rejected: 1, unmatched: 1 };

export interface ExerciseTarget {
  url: string;
  ingestKey: string;
  readKey: string;
  signingSecret: string;
  /** A new response_url of the local Slack, and what was posted to it. */
  newResponseUrl(): string;
  responses(url: string): readonly unknown[];
}

async function expectStatus(what: string, res: Response, status: number): Promise<unknown> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`${what}: HTTP ${res.status}, expected ${status}: ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : null;
}

/** One ingest, one rep report and one /mykpis; throws naming the step whose answer was wrong. */
export async function exercise(target: ExerciseTarget): Promise<void> {
  const ingested = (await expectStatus(
    'POST /api/v1/events',
    await fetch(`${target.url}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${target.ingestKey}` },
      body: JSON.stringify({ events: exerciseBatch() }),
    }),
    200,
  )) as { accepted: number; duplicates: number; unmatched: number; rejected: unknown[] };
  const counts = { accepted: ingested.accepted, duplicates: ingested.duplicates, rejected: ingested.rejected.length, unmatched: ingested.unmatched };
  if (JSON.stringify(counts) !== JSON.stringify(EXPECTED_INGEST)) throw new Error(`POST /api/v1/events counted ${JSON.stringify(counts)}, expected ${JSON.stringify(EXPECTED_INGEST)}`);

  await expectStatus(
    'GET /api/v1/reports/reps/:email',
    await fetch(`${target.url}/api/v1/reports/reps/${encodeURIComponent(EXERCISE_USER.email)}`, { headers: { authorization: `Bearer ${target.readKey}` } }),
    200,
  );

  const responseUrl = target.newResponseUrl();
  const command = await postSigned(`${target.url}/slack/events`, target.signingSecret, slashCommandBody({ command: '/mykpis', teamId: EXERCISE_TEAM_ID, userId: EXERCISE_USER.id, responseUrl }), {
    contentType: 'application/x-www-form-urlencoded',
  });
  if (command.status !== 200) throw new Error(`/mykpis: HTTP ${command.status}: ${command.text.slice(0, 500)}`);
  // Answered in the acknowledgement, or (a busy machine) through the response URL a moment later.
  const until = Date.now() + 15_000;
  while (!command.text && target.responses(responseUrl).length === 0) {
    if (Date.now() > until) throw new Error('/mykpis: no answer in the acknowledgement nor on the response URL');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A counter the exercise must move, and by how much at least. */
export interface ExpectedMove {
  what: string;
  name: string;
  labels: Record<string, string>;
  by: number;
}

export const EXPECTED_MOVES: readonly ExpectedMove[] = [
  { what: 'events accepted', name: 'pacer_events_total', labels: { source: 'api', outcome: 'accepted' }, by: EXPECTED_INGEST.accepted },
  { what: 'events duplicate', name: 'pacer_events_total', labels: { source: 'api', outcome: 'duplicate' }, by: EXPECTED_INGEST.duplicates },
  { what: 'events rejected', name: 'pacer_events_total', labels: { source: 'api', outcome: 'rejected' }, by: EXPECTED_INGEST.rejected },
  { what: 'events unmatched', name: 'pacer_events_unmatched_total', labels: { source: 'api' }, by: EXPECTED_INGEST.unmatched },
  { what: 'the ingest request', name: 'pacer_http_request_duration_seconds_count', labels: { method: 'POST', route: '/api/v1/events', status: '200' }, by: 1 },
  { what: 'the report request', name: 'pacer_http_request_duration_seconds_count', labels: { method: 'GET', route: '/api/v1/reports/reps/:email', status: '200' }, by: 1 },
  { what: 'the API report', name: 'pacer_report_duration_seconds_count', labels: { kind: 'rep', surface: 'api' }, by: 1 },
  { what: 'the slash command request', name: 'pacer_http_request_duration_seconds_count', labels: { method: 'POST', route: '/slack/events', status: '200' }, by: 1 },
  { what: 'the slash command', name: 'pacer_slash_command_duration_seconds_count', labels: { command: '/mykpis' }, by: 1 },
  { what: 'the slash command’s report', name: 'pacer_report_duration_seconds_count', labels: { kind: 'rep', surface: 'slack' }, by: 1 },
];

/** What `before` → `after` moved short of each expectation: empty when everything moved enough. */
export function unmoved(before: readonly Sample[], after: readonly Sample[], expected: readonly ExpectedMove[] = EXPECTED_MOVES): { move: ExpectedMove; moved: number }[] {
  return expected.flatMap((move) => {
    const moved = total(after, move.name, move.labels) - total(before, move.name, move.labels);
    return moved >= move.by ? [] : [{ move, moved }];
  });
}

/** GET /metrics, parsed; `token` is PACER_METRICS_TOKEN when the server has one. */
export async function scrape(url: string, token?: string): Promise<Sample[]> {
  const res = await fetch(`${url}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET /metrics: HTTP ${res.status}: ${text.slice(0, 300)}`);
  if (!(res.headers.get('content-type') ?? '').startsWith('text/plain')) throw new Error(`GET /metrics: content-type ${res.headers.get('content-type')}, expected the Prometheus text format`);
  return parsePrometheusText(text);
}
