import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { createApiKey, findOrCreateWorkspace } from '../../src/db/api-keys.js';
import type { Database } from '../../src/db/client.js';
import { deleteEvent } from '../../src/db/events-repo.js';
import { runJobNow } from '../../src/jobs/registry.js';
import { jobContext } from '../../src/jobs/setup.js';
import { importCsv } from '../../src/ingest/csv-import.js';
import { ingestEvents } from '../../src/ingest/ingest-events.js';
import { startLocalSlack, type LocalSlack } from '../../src/local-slack/index.js';
import { createLogger } from '../../src/logger.js';
import { teamReport } from '../../src/reports/build-report.js';
import { seedDatabase } from '../../src/seed/run.js';
import { STALE_DIGEST_ADVICE } from '../../src/slack/blocks/digest.js';
import { deliveryClients } from '../../src/slack/delivery/clients.js';
import { openDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrator.js';
import { createPostgresDatabase, createTestDatabase, DATABASE_KINDS } from '../helpers/db.js';
import { postJson, startTestServer, type TestServer } from '../helpers/http.js';
import { loadScenario, SCENARIO_AS_OF } from '../helpers/scenario.js';
import { jobLines } from '../../src/cli/status.js';
import { JOBS } from '../../src/jobs/registry.js';

const CLOCK_AT = new Date('2026-11-23T12:00:00Z');

const sectionTexts = (blocks: readonly unknown[] | undefined): string[] =>
  (blocks ?? []).flatMap((b) =>
    typeof b === 'object' && b !== null && 'type' in b && b.type === 'section' && 'text' in b && typeof b.text === 'object' && b.text !== null && 'text' in b.text && typeof b.text.text === 'string'
      ? [b.text.text]
      : [],
  );

describe.each(DATABASE_KINDS)('received times come from Pacer’s clock on %s', (kind) => {
  let db: Database;
  let server: TestServer;
  let dir: string;
  let workspaceId: number;
  let ingestKey: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    // The server's clock is a PACER_NOW-style manual clock, years away from the database's now().
    server = await startTestServer(db, CLOCK_AT);
    dir = await mkdtemp(path.join(tmpdir(), 'pacer-health-'));
    workspaceId = (await findOrCreateWorkspace(db, 'T0RECEIVED')).id;
    ingestKey = (await createApiKey(db, workspaceId, 'ingest')).key;
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const receivedAt = async (externalId: string) => (await db.prisma.activityEvent.findUniqueOrThrow({ where: { workspaceId_externalId: { workspaceId, externalId } } })).receivedAt.toISOString();

  it('the events API stores the clock’s now, and so does a replacement by a higher version', async () => {
    const call = { id: 'api-1', type: 'call', occurredAt: '2026-11-20T15:00:00Z', repEmail: 'anna@example.com' };
    expect((await postJson(`${server.url}/api/v1/events`, { events: [call] }, ingestKey)).status).toBe(200);
    expect(await receivedAt('api-1')).toBe('2026-11-23T12:00:00.000Z');

    const later = await startTestServer(db, new Date('2026-11-24T09:30:00Z'));
    try {
      const replaced = await postJson(`${later.url}/api/v1/events`, { events: [{ ...call, type: 'email', version: 2 }] }, ingestKey);
      expect(replaced.body).toMatchObject({ accepted: 1, rejected: [] });
    } finally {
      await later.close();
    }
    expect(await receivedAt('api-1')).toBe('2026-11-24T09:30:00.000Z');
  });

  it('the CSV import stores the clock’s now for each batch', async () => {
    const file = path.join(dir, 'events.csv');
    await writeFile(file, 'id,type,occurredAt,repEmail\ncsv-1,call,2026-11-20T15:00:00Z,anna@example.com\ncsv-2,email,2026-11-20T16:00:00Z,anna@example.com\n');
    const clock = manualClock(new Date('2021-03-04T05:06:07Z'));
    const summary = await importCsv(db, { file, workspaceId, kind: 'events', clock, batchRows: 1, onProgress: () => clock.advance(60_000) });
    expect(summary.accepted).toBe(2);
    expect([await receivedAt('csv-1'), await receivedAt('csv-2')]).toEqual(['2021-03-04T05:06:07.000Z', '2021-03-04T05:07:07.000Z']);
  });
});

describe.each(DATABASE_KINDS)('data health in the team report and /readyz on %s', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.close();
  });

  // The scenario's events were received Monday 2026-11-23 09:00 Chicago. Two working days later
  // (Wednesday 15:00 Chicago: 54 h, 24 working hours) nothing new has come in.
  const TWO_WORKING_DAYS_LATER = new Date('2026-11-25T21:00:00Z');

  it('no events for 2 working days: stale, no_events, in the team report, every rep report and /readyz', async () => {
    const ws = await loadScenario(db, 'T0STALE');
    const fresh = await teamReport(db, ws, 'Central', SCENARIO_AS_OF);
    expect(fresh.dataHealth).toEqual({ lastReceivedAt: '2026-11-23T09:00:00-06:00', lastOccurredAt: '2026-11-23T08:30:00-06:00', stale: false, reason: null, sources: [] });

    const report = await teamReport(db, ws, 'Central', TWO_WORKING_DAYS_LATER);
    const stale = { lastReceivedAt: '2026-11-23T09:00:00-06:00', lastOccurredAt: '2026-11-23T08:30:00-06:00', stale: true, reason: 'no_events', sources: [] };
    expect(report.dataHealth).toEqual(stale);
    expect(report.members.map((m) => m.dataHealth)).toEqual(report.members.map(() => stale));

    const server = await startTestServer(db, TWO_WORKING_DAYS_LATER);
    try {
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(200);
      const body = (await ready.json()) as { status: string; dataHealth: unknown[] };
      expect(body.status).toBe('ready');
      // The workspace figure, in the workspace's zone (UTC): 3 + 9 + 9 working hours of silence.
      expect(body.dataHealth).toContainEqual({ workspace: 'T0STALE', lastReceivedAt: '2026-11-23T15:00:00Z', lastOccurredAt: '2026-11-23T14:30:00Z', stale: true, reason: 'no_events', sources: [] });
    } finally {
      await server.close();
    }
  });

  it('a historical report (t more than staleAfterHours before the clock) says null, not stale', async () => {
    const ws = await loadScenario(db, 'T0HISTORY');
    const now = new Date(TWO_WORKING_DAYS_LATER.getTime() + 36 * 3_600_000 + 1000);
    const report = await teamReport(db, ws, 'Central', TWO_WORKING_DAYS_LATER, now);
    expect(report.dataHealth).toMatchObject({ lastReceivedAt: '2026-11-23T09:00:00-06:00', stale: null, reason: null });
    // The reports API judges against its clock: as of now stale, as of t (3 days back) historical.
    const server = await startTestServer(db, now);
    try {
      const readKey = (await createApiKey(db, ws, 'read')).key;
      const get = async (query: string) => {
        const res = await fetch(`${server.url}/api/v1/reports/reps/ben@example.com${query}`, { headers: { authorization: `Bearer ${readKey}` } });
        expect(res.status).toBe(200);
        return ((await res.json()) as { dataHealth: unknown }).dataHealth;
      };
      expect(await get('')).toMatchObject({ stale: true, reason: 'no_events' });
      expect(await get(`?asOf=${TWO_WORKING_DAYS_LATER.toISOString()}`)).toMatchObject({ lastReceivedAt: '2026-11-23T09:00:00-06:00', stale: null, reason: null });
    } finally {
      await server.close();
    }
    // Events received after t do not count for it: as of an hour before they came, nothing had.
    const before = await teamReport(db, ws, 'Central', new Date(SCENARIO_AS_OF.getTime() - 3_600_000));
    expect(before.dataHealth).toMatchObject({ lastReceivedAt: null, lastOccurredAt: null, stale: false });
  });

  it('no touch half-way through the week where the 4 previous weeks had some: stale, zero_activity', async () => {
    const ws = await loadScenario(db, 'T0ZERO');
    expect(await deleteEvent(db, ws, 'ben-wtd')).toBe(true);
    // Something still arrives (a lead, not a touch), so the data is not silent.
    const lead = { id: 'lead-wed', type: 'lead_assigned', occurredAt: '2026-11-25T18:00:00Z', repEmail: 'anna@example.com', leadId: 'L9', leadSource: 'inbound' };
    await ingestEvents(db, ws, [lead], { receivedAt: new Date('2026-11-25T18:05:00Z') });
    // Wednesday 13:30 Chicago is 22.5 working hours into the week; a minute earlier is not.
    expect((await teamReport(db, ws, 'Central', new Date('2026-11-25T19:29:00Z'))).dataHealth).toMatchObject({ stale: false, reason: null });
    expect((await teamReport(db, ws, 'Central', new Date('2026-11-25T19:30:00Z'))).dataHealth).toMatchObject({
      lastReceivedAt: '2026-11-25T12:05:00-06:00',
      stale: true,
      reason: 'zero_activity',
    });
  });
});

describe('the alert scan while data is stale (PostgreSQL, local Slack)', () => {
  const TEAM = 'T0HELD';
  const TOKEN = 'xoxb-held-token';
  // The seed's events are received at its end, Monday 12:00 UTC; 60 h later every team, from
  // UTC-8 to UTC+12, has had at least 2 working days without new data.
  const END = new Date('2026-11-23T12:00:00Z');
  const STALE_AT = new Date('2026-11-26T00:00:00Z');
  let db: Database;
  let slack: LocalSlack;
  const logs: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk: Buffer, _e, cb) {
        logs.push(chunk.toString());
        cb();
      },
    }),
  });

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    await seedDatabase(db, { reps: 8, weeks: 8, seed: 7, end: END, workspace: TEAM, verify: false });
    const members = await db.prisma.member.findMany({ where: { workspace: { slackTeamId: TEAM } } });
    slack = await startLocalSlack({
      workspaces: [{ teamId: TEAM, botToken: TOKEN, users: members.map((m) => ({ id: `U${m.id}`, name: m.email.split('@')[0]!, email: m.email, tz: 'UTC' })), channels: [] }],
    });
  });
  afterAll(async () => {
    await slack?.close();
    await db?.close();
  });

  const ctx = (now: Date) => jobContext({ db, logger, clock: manualClock(now), clients: deliveryClients({ kind: 'http', botToken: TOKEN, signingSecret: 'unused' }, slack.apiUrl, db, logger) });

  it('raises and delivers no alert of any rule, and logs the stale spell once per team', async () => {
    const teams = await db.prisma.team.findMany({ where: { workspace: { slackTeamId: TEAM } }, select: { name: true } });
    // The same alerts are open then as at the end: the seed plants one of each rule per team.
    const open = await teamReport(db, (await findOrCreateWorkspace(db, TEAM)).id, teams[0]!.name, STALE_AT);
    expect(open.dataHealth).toMatchObject({ stale: true, reason: 'no_events' });
    expect(open.members.flatMap((m) => m.alerts).length).toBeGreaterThan(0);

    for (const at of [STALE_AT, new Date(STALE_AT.getTime() + 10 * 60_000)]) {
      const summary = await runJobNow(ctx(at), 'alert-scan', at);
      expect(summary).toMatchObject({ due: 0, sent: 0, held: 0 });
    }
    expect(slack.callsTo('chat.postMessage')).toEqual([]);
    expect(slack.messages()).toEqual([]);
    expect(await db.query("SELECT key FROM delivery WHERE kind = 'behaviour_alert'")).toEqual([]);
    const held = logs.filter((l) => l.includes('team data is stale: alerts held'));
    expect(held.map((l) => JSON.parse(l).team).sort()).toEqual(teams.map((t) => t.name).sort());
  });
  it('the managers’ digest says so once per stale spell', async () => {
    const managers = await db.prisma.teamMembership.findMany({ where: { role: 'manager', team: { workspace: { slackTeamId: TEAM } } }, select: { memberId: true } });
    const ids = [...new Set(managers.map((m) => m.memberId))];
    const notes = () => ids.flatMap((id) => slack.messages(`U${id}`).flatMap((m) => sectionTexts(m.blocks).filter((t) => t.startsWith('⚠️ No new CRM data since') && t.endsWith(STALE_DIGEST_ADVICE))));
    const first = await runJobNow(ctx(STALE_AT), 'manager-digests', STALE_AT);
    expect(first.sent).toBeGreaterThan(0);
    expect(notes()).toHaveLength(ids.length);
    // A week later, still no data: the next digests do not repeat it.
    slack.clearRecords();
    const weekLater = new Date(STALE_AT.getTime() + 7 * 86_400_000);
    expect((await runJobNow(ctx(weekLater), 'manager-digests', weekLater)).sent).toBe(first.sent);
    expect(slack.messages().length).toBeGreaterThan(0);
    expect(notes()).toEqual([]);
  });
});

describe('pacer status (a process on PostgreSQL, PACER_NOW)', () => {
  function status(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'status'], { env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('prints the workspace’s and each team’s data health as of the clock', async () => {
    const url = await createPostgresDatabase();
    const db = await openDatabase({ databaseUrl: url, maxConnections: 2 });
    try {
      await migrate(db);
      await loadScenario(db, 'T0STATUS');
    } finally {
      await db.close();
    }
    const stale = await status({ DATABASE_URL: url, PACER_NOW: '2026-11-25T21:00:00Z' });
    expect(stale.stderr).toBe('');
    expect(stale.stdout.split('\n').slice(2)).toEqual([
      'data: STALE (no_events) — last event received 2026-11-23T15:00:00Z, latest occurred 2026-11-23T14:30:00Z',
      '  team Central: STALE (no_events) — last event received 2026-11-23T09:00:00-06:00, latest occurred 2026-11-23T08:30:00-06:00',
      'alert feedback (last 30 days): none',
      'alert rules paused by reps: none',
      ...jobLines(JOBS),
      '',
    ]);
    const fresh = await status({ DATABASE_URL: url, PACER_NOW: '2026-11-23T16:00:00Z' });
    expect(fresh.stdout).toContain('\n  team Central: fresh — last event received 2026-11-23T09:00:00-06:00');
  });
});
