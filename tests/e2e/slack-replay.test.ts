import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrator.js';
import { startLocalSlack, type LocalSlack } from '../../src/local-slack/index.js';
import { createPostgresDatabase } from '../helpers/db.js';
import { loadScenario, SCENARIO_AS_OF } from '../helpers/scenario.js';
import { startSlackTestApp, type SlackTestApp } from '../helpers/slack-app.js';
import { blockActionsBody, eventCallbackBody, postSigned, slackSignature, slashCommandBody } from '../helpers/slack.js';

const TEAM = 'T0REPLAY';
const BOT_TOKEN = 'xoxb-pacer-replay-test-token';
const SIGNING_SECRET = 'replay-test-signing-secret';
const FORM = 'application/x-www-form-urlencoded';
/** Pacer's clock of the second process: years from the system clock, which the windows follow. */
const FAR_AWAY = new Date('2031-06-01T12:00:00Z');

const systemNowS = () => Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Slack request timestamps and replays (HTTP mode, two Pacer processes on one PostgreSQL database)', () => {
  let dbA: Database;
  let dbB: Database;
  let slack: LocalSlack;
  let a: SlackTestApp;
  let b: SlackTestApp;

  beforeAll(async () => {
    const url = await createPostgresDatabase();
    dbA = await openDatabase({ databaseUrl: url, maxConnections: 4 });
    await migrate(dbA);
    dbB = await openDatabase({ databaseUrl: url, maxConnections: 4 });
    await loadScenario(dbA, TEAM);
    slack = await startLocalSlack({
      workspaces: [{ teamId: TEAM, botToken: BOT_TOKEN, botUserId: 'UPACER', appId: 'A0PACER', users: [{ id: 'UANNA', name: 'anna', email: 'anna@example.com' }] }],
    });
    // Budget 0: every command answers on its response URL, where each answer can be counted.
    const options = { slack: { kind: 'http' as const, botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET }, slackApiUrl: slack.apiUrl, answerBudgetMs: 0 };
    a = await startSlackTestApp({ ...options, db: dbA, now: SCENARIO_AS_OF });
    b = await startSlackTestApp({ ...options, db: dbB, now: FAR_AWAY });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await slack?.close();
    await dbA?.close();
    await dbB?.close();
  });

  /** A signed /mykpis help, and where its answer goes. */
  function signedCommand(timestamp = systemNowS()) {
    const responseUrl = slack.newResponseUrl();
    const body = slashCommandBody({ command: '/mykpis', text: 'help', teamId: TEAM, userId: 'UANNA', responseUrl });
    return { responseUrl, body, timestamp, signature: slackSignature(SIGNING_SECRET, timestamp, body) };
  }
  const send = (app: SlackTestApp, req: { body: string; timestamp: number; signature: string }, contentType = FORM, headers: Record<string, string> = {}) =>
    postSigned(`${app.url}/slack/events`, SIGNING_SECRET, req.body, { contentType, timestamp: req.timestamp, signature: req.signature, headers });
  async function answersOn(responseUrl: string, count: number): Promise<void> {
    const until = Date.now() + 10_000;
    while (slack.responses(responseUrl).length < count) {
      if (Date.now() > until) throw new Error(`expected ${count} answer(s) on ${responseUrl}`);
      await sleep(20);
    }
  }

  it('refuses a timestamp an hour ahead of or behind the system clock with 401, and runs nothing', async () => {
    const before = slack.calls.length;
    const refused = [signedCommand(systemNowS() + 3600), signedCommand(systemNowS() - 3600), signedCommand(systemNowS() + 6 * 60)];
    for (const req of refused) {
      for (const app of [a, b]) {
        const res = await send(app, req);
        expect(res.status).toBe(401);
        expect(res.json().error.code).toBe('invalid_slack_signature');
      }
    }
    await sleep(300);
    for (const req of refused) expect(slack.responses(req.responseUrl)).toHaveLength(0);
    expect(slack.calls.length).toBe(before);
    // Just inside the window (a clock a little ahead of ours) is fine.
    const ahead = signedCommand(systemNowS() + 4 * 60);
    expect((await send(a, ahead)).status).toBe(200);
    await answersOn(ahead.responseUrl, 1);
  });

  it('follows the system clock, not Pacer’s: a request signed at Pacer’s far-away now is refused, one signed now is served', async () => {
    const atPacerNow = signedCommand(Math.floor(b.clock.now().getTime() / 1000));
    expect((await send(b, atPacerNow)).status).toBe(401);
    a.clock.set(new Date('2019-01-07T09:00:00Z'));
    try {
      for (const app of [a, b]) {
        const fresh = signedCommand();
        expect((await send(app, fresh)).status).toBe(200);
        await answersOn(fresh.responseUrl, 1);
      }
    } finally {
      a.clock.set(SCENARIO_AS_OF);
    }
  });

  it('serves a signed command once: the same signature again is refused by the same process and by another on the database', async () => {
    const req = signedCommand();
    expect((await send(a, req)).status).toBe(200);
    await answersOn(req.responseUrl, 1);
    const again = await send(a, req);
    expect(again.status).toBe(401);
    expect(again.json().error.code).toBe('slack_request_replayed');
    const elsewhere = await send(b, req);
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.json().error.code).toBe('slack_request_replayed');
    await sleep(300);
    expect(slack.responses(req.responseUrl)).toHaveLength(1);
    // A fresh request from the same person is served as usual.
    const fresh = signedCommand();
    expect((await send(b, fresh)).status).toBe(200);
    await answersOn(fresh.responseUrl, 1);
  });

  it('lets exactly one of two processes serve the same signature sent to both at once', async () => {
    const req = signedCommand();
    const statuses = (await Promise.all([send(a, req), send(b, req)])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401]);
    await answersOn(req.responseUrl, 1);
    await sleep(300);
    expect(slack.responses(req.responseUrl)).toHaveLength(1);
  });

  it('serves a button click once: its replay is refused and makes no Web API call', async () => {
    const body = blockActionsBody({ teamId: TEAM, userId: 'UANNA', actionId: 'settings_toggle_nudges', value: 'off' });
    const timestamp = systemNowS();
    const click = { body, timestamp, signature: slackSignature(SIGNING_SECRET, timestamp, body) };
    const publishes = slack.callsTo('views.publish').length;
    expect((await send(b, click)).status).toBe(200);
    const until = Date.now() + 10_000;
    while (slack.callsTo('views.publish').length === publishes && Date.now() < until) await sleep(20);
    await sleep(300);
    const calls = slack.calls.length;
    expect(slack.callsTo('views.publish')).toHaveLength(publishes + 1);
    for (const app of [a, b]) {
      const replay = await send(app, click);
      expect(replay.status).toBe(401);
      expect(replay.json().error.code).toBe('slack_request_replayed');
    }
    await sleep(300);
    expect(slack.calls.length).toBe(calls);
  });

  it('does not refuse an Events API retry as a replay: the event id recognises it', async () => {
    const body = eventCallbackBody({ teamId: TEAM, eventId: 'Ev0REPLAYHOME', event: { type: 'app_home_opened', user: 'UANNA', channel: 'D0ANNA', tab: 'home', event_ts: '1.0' } });
    const timestamp = systemNowS();
    const delivery = { body, timestamp, signature: slackSignature(SIGNING_SECRET, timestamp, body) };
    const publishes = slack.callsTo('views.publish').length;
    expect((await send(a, delivery, 'application/json')).status).toBe(200);
    expect((await send(b, delivery, 'application/json', { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' })).status).toBe(200);
    const until = Date.now() + 10_000;
    while (slack.callsTo('views.publish').length === publishes && Date.now() < until) await sleep(20);
    await sleep(300);
    expect(slack.callsTo('views.publish')).toHaveLength(publishes + 1);
  });
});
