import { Writable } from 'node:stream';
import type { SocketModeReceiver } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSlackApp, type SlackApp } from '../../src/app.js';
import { manualClock } from '../../src/clock.js';
import type { Database } from '../../src/db/client.js';
import { buildLocalSlackServer, validateBlocks, validateView, type LocalSlack } from '../../src/local-slack/index.js';
import { createLogger } from '../../src/logger.js';
import { repReport } from '../../src/reports/build-report.js';
import { renderMyKpis } from '../../src/slack/blocks/mykpis.js';
import { createTestDatabase } from '../helpers/db.js';
import { loadScenario, SCENARIO_AS_OF } from '../helpers/scenario.js';
import { eventCallbackBody, slashCommandBody } from '../helpers/slack.js';
import { LocalSocketMode, type SocketConnection } from '../helpers/socket-mode-server.js';

const TEAM = 'T0SLACKSOCKET';
const APP_ID = 'A0PACER';
const BOT_TOKEN = 'xoxb-pacer-socket-test-token';
const APP_TOKEN = 'xapp-1-A0PACER-socket-test-app-token';
/** Slack gives up on an unacknowledged envelope after 3 s. */
const SLACK_ACK_LIMIT_MS = 3000;

/** Rejects when `promise` takes longer than `ms`, so a wiring fault fails fast instead of hanging. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits for an effect that follows the acknowledgement (listeners keep working after it). */
async function eventually<T>(probe: () => T | undefined, ms = 3000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Slack in Socket Mode (the real SocketModeReceiver against a local Socket Mode server)', () => {
  let db: Database;
  let ws: number;
  let slack: LocalSlack;
  let socketMode: LocalSocketMode;
  let pacer: SlackApp;
  const logChunks: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    ws = await loadScenario(db, TEAM);
    socketMode = await LocalSocketMode.start({ appToken: APP_TOKEN, appId: APP_ID });
    const server = buildLocalSlackServer({
      workspaces: [
        {
          teamId: TEAM,
          botToken: BOT_TOKEN,
          botUserId: 'UPACER',
          appId: APP_ID,
          users: [
            { id: 'UMGR', name: 'mo', email: 'mgr@example.com', tz: 'America/Chicago' },
            { id: 'UANNA', name: 'anna', email: 'Anna@Example.com', tz: 'Europe/Paris' },
            { id: 'UBEN', name: 'ben', email: 'ben@example.com' },
          ],
        },
      ],
    });
    // apps.connections.open at SLACK_API_URL, next to the Web API methods the bot token uses.
    socketMode.mount(server.app);
    slack = await server.listen();
    const logger = createLogger({
      level: 'debug',
      destination: new Writable({
        write(chunk: Buffer, _enc, cb) {
          logChunks.push(chunk.toString());
          cb();
        },
      }),
    });
    pacer = await buildSlackApp({ slack: { kind: 'socket', botToken: BOT_TOKEN, appToken: APP_TOKEN }, slackApiUrl: slack.apiUrl, db, logger, clock: manualClock(SCENARIO_AS_OF) });
  });
  afterAll(async () => {
    await pacer?.stop();
    await socketMode?.close();
    await slack?.close();
    await db?.close();
  });

  /** The connection Pacer opened at start(). */
  const connection = (): SocketConnection => {
    expect(socketMode.connections).toHaveLength(1);
    return socketMode.connections[0]!;
  };
  const expectedMyKpis = async (email: string) =>
    renderMyKpis({ report: await repReport(db, ws, email, SCENARIO_AS_OF), period: 'this_week', appHomeUrl: `slack://app?team=${TEAM}&id=${APP_ID}&tab=home`, viewerIsSubject: true });

  it('start() opens the connection with the app token at SLACK_API_URL; the bot token was checked with auth.test', async () => {
    // buildSlackApp checked the bot token; nothing has asked for a socket yet.
    expect(slack.callsTo('auth.test').map((c) => c.token)).toEqual([BOT_TOKEN]);
    expect(socketMode.opens).toEqual([]);

    await within(pacer.start(), 3000, 'start()');

    // One apps.connections.open, bearing the app token (not the bot token), answered with a URL…
    expect(socketMode.opens).toHaveLength(1);
    expect(socketMode.opens[0]!.token).toBe(APP_TOKEN);
    expect(socketMode.opens[0]!.response.ok).toBe(true);
    // …and the socket opened with that URL's single-use ticket, and is open now that start() has resolved.
    const ticket = new URL(socketMode.opens[0]!.response.url!).searchParams.get('ticket');
    expect(connection().ticket).toBe(ticket);
    expect(connection().isOpen()).toBe(true);
    expect(socketMode.refused).toEqual([]);
    // The app token went nowhere else: every Web API call bore the bot token.
    expect(slack.calls.length).toBeGreaterThanOrEqual(1);
    expect(slack.calls.filter((c) => c.token !== BOT_TOKEN)).toEqual([]);
    // Nothing is sent on the socket before an envelope arrives.
    expect(connection().received).toEqual([]);
  });

  it('/mykpis in a slash_commands envelope is answered in the acknowledgement, per envelope id, within Slack’s 3 s', async () => {
    const command = (userId: string, responseUrl: string) => ({
      ...Object.fromEntries(new URLSearchParams(slashCommandBody({ command: '/mykpis', teamId: TEAM, userId, responseUrl, apiAppId: APP_ID }))),
      is_enterprise_install: 'false',
    });
    const annaExpected = await expectedMyKpis('anna@example.com');
    const benExpected = await expectedMyKpis('ben@example.com');
    expect(annaExpected.blocks).not.toEqual(benExpected.blocks);
    const annaUrl = slack.newResponseUrl();
    const benUrl = slack.newResponseUrl();
    // Two at once: each acknowledgement must carry its own envelope's id and answer.
    const anna = socketMode.deliver('slash_commands', command('UANNA', annaUrl));
    const ben = socketMode.deliver('slash_commands', command('UBEN', benUrl));
    expect(anna.envelope.envelope_id).not.toBe(ben.envelope.envelope_id);
    const [annaAck, benAck] = await Promise.all([anna.ack(SLACK_ACK_LIMIT_MS), ben.ack(SLACK_ACK_LIMIT_MS)]);

    expect(annaAck.ack).toEqual({ envelope_id: anna.envelope.envelope_id, payload: { response_type: 'ephemeral', ...annaExpected } });
    expect(benAck.ack).toEqual({ envelope_id: ben.envelope.envelope_id, payload: { response_type: 'ephemeral', ...benExpected } });
    expect(Math.max(annaAck.ms, benAck.ms)).toBeLessThan(SLACK_ACK_LIMIT_MS);
    expect(validateBlocks(annaAck.ack.payload!.blocks, { surface: 'message' })).toEqual([]);
    // Acknowledged once each, and answered there only: nothing went to the response URLs.
    await new Promise((r) => setTimeout(r, 200));
    const acks = connection().received.map((r) => r.message.envelope_id);
    expect(acks.filter((id) => id === anna.envelope.envelope_id)).toHaveLength(1);
    expect(acks.filter((id) => id === ben.envelope.envelope_id)).toHaveLength(1);
    expect(slack.responses(annaUrl)).toEqual([]);
    expect(slack.responses(benUrl)).toEqual([]);
    // Anna was found by her Slack email, through users.info with the bot token.
    const lookups = slack.callsTo('users.info').filter((c) => c.body.user === 'UANNA');
    expect(lookups.map((c) => c.token)).toEqual([BOT_TOKEN]);
  });

  it('an app_home_opened events_api envelope is acknowledged and publishes that user’s App Home', async () => {
    const publishes = slack.callsTo('views.publish').length;
    const event = JSON.parse(
      eventCallbackBody({ teamId: TEAM, eventId: 'Ev0SOCKETHOME', apiAppId: APP_ID, event: { type: 'app_home_opened', user: 'UANNA', channel: 'D0ANNA', tab: 'home', event_ts: '1.0' } }),
    ) as Record<string, unknown>;
    const delivery = socketMode.deliver('events_api', event);
    expect(delivery.envelope.accepts_response_payload).toBe(false);
    const { ack } = await delivery.ack(SLACK_ACK_LIMIT_MS);
    expect(ack.envelope_id).toBe(delivery.envelope.envelope_id);
    // Events take no answer: the acknowledgement is empty.
    expect(ack.payload ?? {}).toEqual({});

    const publish = await eventually(() =>
      slack
        .callsTo('views.publish')
        .slice(publishes)
        .find((c) => c.body.user_id === 'UANNA'),
    );
    expect(publish.token).toBe(BOT_TOKEN);
    expect(publish.status).toBe(200);
    expect(
      slack
        .callsTo('views.publish')
        .slice(publishes)
        .map((c) => c.body.user_id),
    ).toEqual(['UANNA']);
    const home = slack.homeView('UANNA', TEAM);
    expect(home).toBeDefined();
    expect(validateView(home!.payload, 'home')).toEqual([]);
    expect(JSON.stringify(home!.payload)).toContain('show_events');
  });

  it('stop() closes the socket with a normal close and does not reconnect', async () => {
    const open = connection();
    const client = (pacer.bolt as unknown as { receiver: SocketModeReceiver }).receiver.client;
    const disconnected = new Promise<void>((resolve) => client.once('disconnected', () => resolve()));

    await within(pacer.stop(), 2000, 'stop()');

    // The server sees the close handshake the app started: 1000, normal closure.
    expect(await within(open.closed, 2000, 'the server seeing the close')).toEqual({ code: 1000, reason: '' });
    await within(disconnected, 2000, 'the Socket Mode client reporting it is disconnected');
    expect(open.isOpen()).toBe(false);
    expect(socketMode.openCount).toBe(0);
    expect(client.websocket?.isActive() ?? false).toBe(false);
    // No reconnection: no new URL asked for, no new connection.
    await new Promise((r) => setTimeout(r, 200));
    expect(socketMode.opens).toHaveLength(1);
    expect(socketMode.connections).toHaveLength(1);
    // Neither token reached the logs, debug included.
    const logs = logChunks.join('');
    expect(logs).toContain('slash command answered');
    expect(logs).not.toContain(APP_TOKEN);
    expect(logs).not.toContain(BOT_TOKEN);
  });
});
