import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { startLocalSlack, validateBlocks, validateView, type LocalSlack } from '../../src/local-slack/index.js';
import { repReport, teamReport } from '../../src/reports/build-report.js';
import { renderAllRepsModal } from '../../src/slack/blocks/all-reps.js';
import type { AlertJson } from '../../src/reports/types.js';
import { renderBehaviourAlerts } from '../../src/slack/blocks/alert.js';
import { renderMyKpis } from '../../src/slack/blocks/mykpis.js';
import { renderTeamKpis } from '../../src/slack/blocks/teamkpis.js';
import { createTestDatabase } from '../helpers/db.js';
import { loadScenario, SCENARIO_AS_OF } from '../helpers/scenario.js';
import { startSlackTestApp, type SlackTestApp } from '../helpers/slack-app.js';
import { blockActionsBody, commandAnswer, eventCallbackBody, postSigned, slashCommandBody } from '../helpers/slack.js';

const TEAM = 'T0SLACKHTTP';
const BOT_TOKEN = 'xoxb-pacer-http-test-token';
const SIGNING_SECRET = 'http-mode-signing-secret';
const FORM = 'application/x-www-form-urlencoded';

describe('Slack in HTTP mode (signed requests, local Slack Web API)', () => {
  let db: Database;
  let slack: LocalSlack;
  let app: SlackTestApp;
  let ws: number;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    ws = await loadScenario(db, TEAM);
    // The scenario's config names people by email only: Pacer finds them through users.info.
    slack = await startLocalSlack({
      workspaces: [
        {
          teamId: TEAM,
          botToken: BOT_TOKEN,
          botUserId: 'UPACER',
          appId: 'A0PACER',
          users: [
            { id: 'UMGR', name: 'mo', email: 'mgr@example.com', tz: 'America/Chicago' },
            { id: 'UANNA', name: 'anna', email: 'Anna@Example.com', tz: 'Europe/Paris' },
            { id: 'UBEN', name: 'ben', email: 'ben@example.com' },
            { id: 'UCARA', name: 'cara', email: 'cara@example.com' },
            { id: 'UOUT', name: 'outsider', email: 'outsider@example.com' },
          ],
        },
      ],
    });
    // A budget close to Slack's 3 s, so the in-ack path holds on a busy CI machine.
    app = await startSlackTestApp({ db, slack: { kind: 'http', botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET }, slackApiUrl: slack.apiUrl, now: SCENARIO_AS_OF, answerBudgetMs: 2500 });
  });
  afterAll(async () => {
    await app?.close();
    await slack?.close();
    await db?.close();
  });

  const post = (userId: string, name: string, text = '', responseUrl = slack.newResponseUrl()) =>
    postSigned(`${app.url}/slack/events`, SIGNING_SECRET, slashCommandBody({ command: name, text, teamId: TEAM, userId, responseUrl }), { contentType: FORM });
  /** A command's answer: in the ack, or through the response URL when the machine is too busy for the budget. */
  const command = async (userId: string, name: string, text = '') => {
    const responseUrl = slack.newResponseUrl();
    const res = await post(userId, name, text, responseUrl);
    expect(res.status).toBe(200);
    const answer = await commandAnswer(res, () => slack.responses(responseUrl));
    return { json: () => answer };
  };
  const action = (fields: Parameters<typeof blockActionsBody>[0]) => postSigned(`${app.url}/slack/events`, SIGNING_SECRET, blockActionsBody(fields), { contentType: FORM });
  const event = (eventId: string, ev: Record<string, unknown>, headers: Record<string, string> = {}) =>
    postSigned(`${app.url}/slack/events`, SIGNING_SECRET, eventCallbackBody({ teamId: TEAM, eventId, event: ev }), { contentType: 'application/json', headers });
  const textOf = (res: { json(): unknown }) => JSON.stringify(res.json());
  /** Waits for an asynchronous effect (a listener keeps working after its acknowledgement). */
  async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, ms = 5000): Promise<T> {
    const until = Date.now() + ms;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > until) throw new Error('timed out waiting');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('checked the bot token at start with auth.test, bearing the token', () => {
    const authTests = slack.callsTo('auth.test');
    expect(authTests.length).toBeGreaterThanOrEqual(1);
    expect(authTests[0]!.token).toBe(BOT_TOKEN);
  });

  it('/mykpis answers a rep in the acknowledgement with their report, found by their Slack email', async () => {
    // The first request computes the team's report; it still fits the budget and goes in the ack.
    const res = await post('UANNA', '/mykpis');
    expect(res.status).toBe(200);
    const body = res.json();
    const expected = renderMyKpis({
      report: await repReport(db, ws, 'anna@example.com', SCENARIO_AS_OF),
      period: 'this_week',
      appHomeUrl: `slack://app?team=${TEAM}&id=A0PACER&tab=home`,
      viewerIsSubject: true,
    });
    expect(body).toEqual({ response_type: 'ephemeral', ...expected });
    expect(validateBlocks(body.blocks, { surface: 'message' })).toEqual([]);
    const lookups = slack.callsTo('users.info').filter((c) => c.body.user === 'UANNA');
    expect(lookups).toHaveLength(1);
    expect(lookups[0]!.token).toBe(BOT_TOKEN);
    const remembered = await db.prisma.slackUser.findUnique({ where: { workspaceId_slackUserId: { workspaceId: ws, slackUserId: 'UANNA' } } });
    expect(remembered).toMatchObject({ email: 'anna@example.com', timezone: 'Europe/Paris' });
    // Asked again: the mapping is remembered, no second users.info.
    await command('UANNA', '/mykpis');
    expect(slack.callsTo('users.info').filter((c) => c.body.user === 'UANNA')).toHaveLength(1);
  });

  it('/mykpis last shows the last complete week; help and unknown arguments get usage', async () => {
    const last = (await command('UBEN', '/mykpis', 'last')).json();
    const expected = renderMyKpis({
      report: await repReport(db, ws, 'ben@example.com', SCENARIO_AS_OF),
      period: 'last_week',
      appHomeUrl: `slack://app?team=${TEAM}&id=A0PACER&tab=home`,
      viewerIsSubject: true,
    });
    expect(last.blocks).toEqual(expected.blocks);
    const help = await command('UBEN', '/mykpis', 'help');
    expect(textOf(help)).toContain('/mykpis last');
    const unknown = await command('UBEN', '/mykpis', 'yesterday');
    expect(textOf(unknown)).toContain('yesterday');
    expect(textOf(unknown)).toContain('/mykpis last');
  });

  it('a rep asking about another rep is refused without any of their data; their manager may ask', async () => {
    const refused = await command('UANNA', '/mykpis', '<@UBEN|ben>');
    const text = textOf(refused);
    expect(text).toContain('isn’t available to you');
    expect(text).not.toContain('Ben');
    // The same answer for someone who does not exist.
    const ghost = await command('UANNA', '/mykpis', '<@UNOBODY|x>');
    expect(ghost.json()).toEqual(refused.json());
    const byManager = (await command('UMGR', '/mykpis', '<@UBEN|ben>')).json();
    const expected = renderMyKpis({
      report: await repReport(db, ws, 'ben@example.com', SCENARIO_AS_OF),
      period: 'this_week',
      appHomeUrl: `slack://app?team=${TEAM}&id=A0PACER&tab=home`,
      viewerIsSubject: false,
    });
    expect(byManager.blocks).toEqual(expected.blocks);
    // Last week, the mention's label holding a space as some clients send it.
    const lastWeek = (await command('UMGR', '/mykpis', 'last week <@UBEN|Ben Example>')).json();
    const expectedLast = renderMyKpis({
      report: await repReport(db, ws, 'ben@example.com', SCENARIO_AS_OF),
      period: 'last_week',
      appHomeUrl: `slack://app?team=${TEAM}&id=A0PACER&tab=home`,
      viewerIsSubject: false,
    });
    expect(lastWeek.blocks).toEqual(expectedLast.blocks);
    // A manager with no rep role of their own is pointed to /teamkpis.
    expect(textOf(await command('UMGR', '/mykpis'))).toContain('/teamkpis');
  });

  it('someone not in the config is told how to get added', async () => {
    const text = textOf(await command('UOUT', '/mykpis'));
    expect(text).toContain('outsider@example.com');
    expect(text).toContain('coaching config');
  });

  it('/teamkpis shows a manager the team and refuses reps', async () => {
    const table = (await command('UMGR', '/teamkpis')).json();
    const report = await teamReport(db, ws, 'Central', SCENARIO_AS_OF);
    // Nobody has acted on an alert yet: all of them are open.
    const expected = renderTeamKpis({ report, openAlerts: Object.fromEntries(report.members.map((m) => [m.rep.email, m.alerts])), otherTeams: [] });
    expect(table.blocks).toEqual(expected.blocks);
    expect(validateBlocks(table.blocks, { surface: 'message' })).toEqual([]);
    expect(textOf(await command('UANNA', '/teamkpis'))).toContain('for managers');
  });

  it("/teamkpis's Show team button answers the team's manager with that team as of the same moment, and refuses a rep", async () => {
    const value = JSON.stringify({ team: 'Central', page: 0, asOf: SCENARIO_AS_OF.toISOString() });
    const responseUrl = slack.newResponseUrl();
    await action({ teamId: TEAM, userId: 'UMGR', actionId: 'teamkpis_page', value, responseUrl });
    const page: any = (await eventually(() => slack.responses(responseUrl)[0])).body;
    const report = await teamReport(db, ws, 'Central', SCENARIO_AS_OF);
    const expected = renderTeamKpis({ report, openAlerts: Object.fromEntries(report.members.map((m) => [m.rep.email, m.alerts])), otherTeams: [] });
    expect(page).toMatchObject({ replace_original: true, response_type: 'ephemeral' });
    expect(page.blocks).toEqual(expected.blocks);
    const refusedUrl = slack.newResponseUrl();
    await action({ teamId: TEAM, userId: 'UANNA', actionId: 'teamkpis_page', value, responseUrl: refusedUrl });
    const refused: any = (await eventually(() => slack.responses(refusedUrl)[0])).body;
    expect(JSON.stringify(refused)).toContain('for managers');
    expect(JSON.stringify(refused)).not.toContain('Ben');
  });

  it('“See all reps” opens a modal of every rep for the team’s manager and turns its pages in place', async () => {
    const report = await teamReport(db, ws, 'Central', SCENARIO_AS_OF);
    const expected = JSON.parse(JSON.stringify(renderAllRepsModal({ report, openAlerts: Object.fromEntries(report.members.map((m) => [m.rep.email, m.alerts])), page: 0 })));
    const value = JSON.stringify({ team: 'Central', asOf: report.asOf, page: 0 });
    const triggerId = slack.newTriggerId();
    const seen = slack.openedViews.length;
    const message = { text: 'Central — 3 reps to coach first', ts: '7.1', blocks: [] };
    const res = await action({
      teamId: TEAM,
      userId: 'UMGR',
      actionId: 'see_all_reps',
      value,
      triggerId,
      responseUrl: slack.newResponseUrl(),
      message,
      container: { type: 'message', message_ts: '7.1' },
    });
    expect(res.status).toBe(200);
    // Opened at once with the click's trigger id (the local Slack checks every view it is sent), then filled.
    const filled = await eventually(() => slack.openedViews.slice(seen).find((v) => v.method === 'views.update'));
    const [opened] = slack.openedViews.slice(seen);
    expect(opened).toMatchObject({ method: 'views.open', triggerId });
    expect(filled.view.id).toBe(opened!.view.id);
    expect(filled.view.payload).toEqual(expected);
    expect(JSON.stringify(filled.view.payload)).toContain('Anna');

    // A page button inside the modal updates that same view.
    const updates = slack.callsTo('views.update').length;
    await action({ teamId: TEAM, userId: 'UMGR', actionId: 'all_reps_previous', value, container: { type: 'view', view_id: filled.view.id } });
    const turned = await eventually(() => (slack.callsTo('views.update').length > updates ? slack.openedViews.at(-1) : undefined));
    expect(turned).toMatchObject({ method: 'views.update', view: { id: filled.view.id } });
    expect(turned.view.payload).toEqual(expected);
  });

  it('“See all reps” shows a rep who is not the team’s manager nothing of the team, and a page click outside a modal does nothing', async () => {
    const report = await teamReport(db, ws, 'Central', SCENARIO_AS_OF);
    const value = JSON.stringify({ team: 'Central', asOf: report.asOf, page: 0 });
    const seen = slack.openedViews.length;
    await action({ teamId: TEAM, userId: 'UANNA', actionId: 'see_all_reps', value, triggerId: slack.newTriggerId() });
    const refused = await eventually(() => slack.openedViews.slice(seen).find((v) => v.method === 'views.update'));
    expect(validateView(refused.view.payload, 'modal')).toEqual([]);
    const text = JSON.stringify(refused.view.payload);
    expect(text).toContain('for managers');
    for (const m of report.members.filter((x) => x.rep.email !== 'anna@example.com')) expect(text).not.toContain(m.rep.name);

    const updates = slack.callsTo('views.update').length;
    const res = await action({ teamId: TEAM, userId: 'UMGR', actionId: 'all_reps_next', value, container: { type: 'message', message_ts: '7.1' } });
    expect(res.status).toBe(200);
    await eventually(() => (app.logs().includes('the click did not come from a modal') ? true : undefined));
    expect(slack.callsTo('views.update').length).toBe(updates);
  });

  it('refuses forged and stale signatures with 401 and does nothing', async () => {
    const before = slack.calls.length;
    const body = slashCommandBody({ command: '/mykpis', teamId: TEAM, userId: 'UANNA', responseUrl: slack.newResponseUrl() });
    const forged = await postSigned(`${app.url}/slack/events`, 'not-the-secret', body, { contentType: FORM });
    expect(forged.status).toBe(401);
    const stale = await postSigned(`${app.url}/slack/events`, SIGNING_SECRET, body, { contentType: FORM, timestamp: Math.floor(Date.now() / 1000) - 10 * 60 });
    expect(stale.status).toBe(401);
    expect(slack.calls.length).toBe(before);
  });

  it('answers through response_url, once, when the report takes longer than the budget', async () => {
    const slow = await startSlackTestApp({ db, slack: { kind: 'http', botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET }, slackApiUrl: slack.apiUrl, now: SCENARIO_AS_OF, answerBudgetMs: 0 });
    try {
      const responseUrl = slack.newResponseUrl();
      const res = await postSigned(`${slow.url}/slack/events`, SIGNING_SECRET, slashCommandBody({ command: '/mykpis', teamId: TEAM, userId: 'UANNA', responseUrl }), { contentType: FORM });
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
      const answers = await eventually(() => (slack.responses(responseUrl).length > 0 ? slack.responses(responseUrl) : undefined));
      await new Promise((r) => setTimeout(r, 200));
      expect(slack.responses(responseUrl)).toHaveLength(1);
      const expected = renderMyKpis({
        report: await repReport(db, ws, 'anna@example.com', SCENARIO_AS_OF),
        period: 'this_week',
        appHomeUrl: `slack://app?team=${TEAM}&id=A0PACER&tab=home`,
        viewerIsSubject: true,
      });
      expect(answers[0]!.body as object).toMatchObject({ response_type: 'ephemeral', text: expected.text, blocks: expected.blocks });
    } finally {
      await slow.close();
    }
  });

  it('publishes the App Home on app_home_opened, once even when Slack retries the event', async () => {
    const before = slack.callsTo('views.publish').length;
    const res = await event('Ev0HOME1', { type: 'app_home_opened', user: 'UANNA', channel: 'D0ANNA', tab: 'home', event_ts: '1.0' });
    expect(res.status).toBe(200);
    const view = (await eventually(() => slack.homeView('UANNA'))).payload;
    expect(validateView(view, 'home')).toEqual([]);
    expect(JSON.stringify(view)).toContain('show_events');
    const retry = await event(
      'Ev0HOME1',
      { type: 'app_home_opened', user: 'UANNA', channel: 'D0ANNA', tab: 'home', event_ts: '1.0' },
      { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    );
    expect(retry.status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(slack.callsTo('views.publish').length).toBe(before + 1);
    // A manager gets the team overview.
    await event('Ev0HOME2', { type: 'app_home_opened', user: 'UMGR', channel: 'D0MGR', tab: 'home', event_ts: '2.0' });
    const managerView = await eventually(() => slack.homeView('UMGR'));
    expect(JSON.stringify(managerView)).toContain('open_rep');
  });

  it('shows the events behind a figure to the rep and refuses them for another rep', async () => {
    const earlier = slack.callsTo('views.update').length;
    await action({ teamId: TEAM, userId: 'UANNA', actionId: 'show_events', value: JSON.stringify({ key: 'cadence.call', email: 'anna@example.com' }) });
    const update = await eventually(() =>
      slack
        .callsTo('views.update')
        .slice(earlier)
        .find((c) => JSON.stringify(c.body).includes('call')),
    );
    const view = typeof update.body.view === 'string' ? JSON.parse(update.body.view) : update.body.view;
    expect(validateView(view, 'modal')).toEqual([]);
    // Anna made 10 calls a week over the 4-week cadence window: 40 events.
    expect(JSON.stringify(view)).toContain('40');
    const updates = slack.callsTo('views.update').length;
    await action({ teamId: TEAM, userId: 'UANNA', actionId: 'show_events', value: JSON.stringify({ key: 'cadence.call', email: 'ben@example.com' }) });
    const refused = await eventually(() => (slack.callsTo('views.update').length > updates ? slack.callsTo('views.update').at(-1) : undefined));
    expect(JSON.stringify(refused.body)).toContain('isn’t available to you');
  });

  it('acknowledges a click on a link button (an alert\'s "Open in CRM", /mykpis\'s "Open your dashboard") at once: Slack opens the link itself', async () => {
    for (const actionId of ['open_record', 'open_dashboard']) {
      const started = Date.now();
      const res = await action({ teamId: TEAM, userId: 'UANNA', actionId });
      expect(res.status, actionId).toBe(200);
      expect(Date.now() - started, actionId).toBeLessThan(2500);
    }
    expect(app.logs()).not.toMatch(/not acknowledged|Unhandled/i);
  });

  it('acknowledges a click on the "Open your dashboard" link button at once (Slack opens the App Home itself)', async () => {
    const started = Date.now();
    const res = await action({ teamId: TEAM, userId: 'UANNA', actionId: 'open_dashboard' });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(app.logs()).not.toMatch(/not acknowledged|Unhandled/i);
  });

  it('stores App Home settings and republishes the home', async () => {
    const publishes = slack.callsTo('views.publish').length;
    await action({ teamId: TEAM, userId: 'UBEN', actionId: 'settings_toggle_nudges', value: 'off' });
    await action({ teamId: TEAM, userId: 'UBEN', actionId: 'settings_send_time', selectedOption: { value: '09:30', text: '09:30' } });
    await eventually(async () => {
      const pref = await db.prisma.memberPreference.findFirst({ where: { member: { email: 'ben@example.com', workspaceId: ws } } });
      return pref?.sendTime === '09:30' && pref.nudgesEnabled === false ? pref : undefined;
    });
    await eventually(() => (slack.callsTo('views.publish').length >= publishes + 2 ? true : undefined));
  });

  it('records snooze and feedback clicks and updates the message in place', async () => {
    const responseUrl = slack.newResponseUrl();
    const message = {
      text: 'Lead L9 has waited 30 hours',
      ts: '1.1',
      blocks: [
        { type: 'section', block_id: 'alert', text: { type: 'mrkdwn', text: 'Lead L9 has waited 30 hours' } },
        {
          type: 'actions',
          block_id: 'alert_actions',
          elements: [{ type: 'button', action_id: 'alert_snooze_1d', text: { type: 'plain_text', text: 'Snooze' }, value: '{"key":"untouched_lead:L9"}' }],
        },
      ],
    };
    // A snooze button (the App Home's, and alerts posted before the snooze menu) still works.
    await action({
      teamId: TEAM,
      userId: 'UANNA',
      actionId: 'alert_snooze_1d',
      value: '{"key":"untouched_lead:L9"}',
      blockId: 'alert_actions',
      responseUrl,
      message,
      container: { type: 'message', message_ts: '1.1' },
    });
    const answer: any = (await eventually(() => slack.responses(responseUrl)[0])).body;
    expect(answer.replace_original).toBe(true);
    expect(JSON.stringify(answer.blocks)).toContain('Snoozed until');
    expect(JSON.stringify(answer.blocks)).not.toContain('alert_snooze_1d');
    const state = await db.prisma.alertState.findFirst({ where: { workspaceId: ws, alertKey: 'untouched_lead:L9' } });
    expect(state).toMatchObject({ status: 'snoozed', snoozeCount: 1 });
    expect(state!.snoozedUntil!.getTime()).toBe(SCENARIO_AS_OF.getTime() + 86_400_000);

    await action({
      teamId: TEAM,
      userId: 'UANNA',
      actionId: 'feedback_not_useful',
      value: '{"subject":"rep_nudge:2026-11-16"}',
      blockId: 'fb',
      responseUrl: slack.newResponseUrl(),
      message: { ...message, blocks: [] },
      container: { type: 'message', message_ts: '1.1' },
    });
    await eventually(async () => (await db.prisma.feedback.findFirst({ where: { workspaceId: ws, subject: 'rep_nudge:2026-11-16', useful: false } })) ?? undefined);
  });

  describe('an alert message of several alerts', () => {
    const lead = (id: string): AlertJson => ({
      rule: 'untouched_lead',
      key: `untouched_lead:anna:${id}`,
      subject: id,
      triggeredAt: '2026-11-22T09:00:00-06:00',
      detail: { leadSource: 'inbound', slaHours: 24, hoursSinceAssigned: 30 },
      record: { kind: 'lead', id, name: `Lead ${id}`, accountName: null, url: `https://crm.example.com/leads/${id}` },
    });
    const alerts = [lead('L21'), lead('L22'), lead('L23')];
    const rendered = renderBehaviourAlerts({ items: alerts.map((alert) => ({ alert, returning: false })), currency: 'USD', timezone: 'Europe/Paris' });
    const posted = { text: rendered.text, ts: '2.1', blocks: rendered.blocks };
    const container = { type: 'message', message_ts: '2.1' };
    const actionsOf = (blocks: any[], blockId: string) => blocks.find((b) => b.block_id === blockId);
    /** A click on the posted message; its answer (replace_original) through the response URL. */
    async function click(fields: Omit<Parameters<typeof blockActionsBody>[0], 'teamId' | 'userId' | 'responseUrl' | 'message' | 'container'>, message = posted): Promise<any> {
      const responseUrl = slack.newResponseUrl();
      const res = await action({ teamId: TEAM, userId: 'UANNA', responseUrl, message, container, ...fields });
      expect(res.status).toBe(200);
      const answer: any = (await eventually(() => slack.responses(responseUrl)[0])).body;
      expect(answer.replace_original).toBe(true);
      expect(answer.text).toBe(message.text);
      expect(validateBlocks(answer.blocks, { surface: 'message' })).toEqual([]);
      return answer;
    }

    it('the snooze menu snoozes the alert of its block for the chosen time and replaces only that alert’s actions', async () => {
      const answer = await click({ actionId: 'alert_snooze', blockId: 'alert_actions:1', selectedOption: { value: '1w', text: '1 week' } });
      const state = await db.prisma.alertState.findFirst({ where: { workspaceId: ws, alertKey: alerts[1]!.key } });
      expect(state).toMatchObject({ status: 'snoozed', snoozeCount: 1 });
      expect(state!.snoozedUntil!.getTime()).toBe(SCENARIO_AS_OF.getTime() + 7 * 86_400_000);
      expect(await db.prisma.alertState.count({ where: { workspaceId: ws, alertKey: { in: [alerts[0]!.key, alerts[2]!.key] } } })).toBe(0);
      expect(actionsOf(answer.blocks, 'alert_actions:1')).toBeUndefined();
      expect(JSON.stringify(answer.blocks)).toContain(':zzz: Snoozed until');
      expect(actionsOf(answer.blocks, 'alert_actions:0')).toEqual(actionsOf(posted.blocks, 'alert_actions:0'));
      expect(actionsOf(answer.blocks, 'alert_actions:2')).toEqual(actionsOf(posted.blocks, 'alert_actions:2'));
      expect(answer.blocks).toHaveLength(posted.blocks.length);
    });

    it('👎 notes it under that alert; a second 👎 on the rule pauses it, says until when, and Undo resumes it', async () => {
      const anna = await db.prisma.member.findFirstOrThrow({ where: { workspaceId: ws, email: 'anna@example.com' } });
      const first = await click({ actionId: 'alert_not_useful', blockId: 'alert_actions:0', value: JSON.stringify({ key: alerts[0]!.key }) });
      expect(await db.prisma.alertFeedback.findMany({ where: { memberId: anna.id }, select: { alertKey: true, rule: true, useful: true, at: true } })).toEqual([
        { alertKey: alerts[0]!.key, rule: 'untouched_lead', useful: false, at: SCENARIO_AS_OF },
      ]);
      // That alert keeps Open in CRM, Done, the snooze menu and Dismiss, loses 👍/👎, and gets the note.
      expect(actionsOf(first.blocks, 'alert_actions:0').elements.map((e: any) => e.action_id)).toEqual(['open_record', 'alert_done', 'alert_snooze', 'alert_dismiss']);
      expect(actionsOf(first.blocks, 'alert_actions:0:note').elements[0].text).toBe('👎 Noted. Two 👎 on untouched-lead alerts within 30 days pause them for you for 30 days.');
      expect(actionsOf(first.blocks, 'alert_actions:2')).toEqual(actionsOf(posted.blocks, 'alert_actions:2'));
      expect(await db.prisma.alertRulePause.count({ where: { memberId: anna.id } })).toBe(0);

      const second = await click({ actionId: 'alert_not_useful', blockId: 'alert_actions:2', value: JSON.stringify({ key: alerts[2]!.key }) }, { ...posted, blocks: first.blocks });
      const until = new Date(SCENARIO_AS_OF.getTime() + 30 * 86_400_000);
      expect(await db.prisma.alertRulePause.findMany({ where: { memberId: anna.id }, select: { rule: true, until: true, undoneAt: true } })).toEqual([
        { rule: 'untouched_lead', until, undoneAt: null },
      ]);
      const note = actionsOf(second.blocks, 'alert_actions:2:note');
      expect(note.text.text).toBe(`⏸️ *Paused:* Pacer won’t send you untouched-lead alerts until <!date^${until.getTime() / 1000}^{date_short_pretty}|Dec 23>.`);
      expect(note.accessory).toMatchObject({ action_id: 'alert_pause_undo', text: { text: 'Undo' } });
      // The first alert's note is untouched.
      expect(actionsOf(second.blocks, 'alert_actions:0:note')).toEqual(actionsOf(first.blocks, 'alert_actions:0:note'));

      const undone = await click({ actionId: 'alert_pause_undo', blockId: 'alert_actions:2:note', value: note.accessory.value }, { ...posted, blocks: second.blocks });
      expect(actionsOf(undone.blocks, 'alert_actions:2:note').elements[0].text).toBe('▶️ Resumed: untouched-lead alerts are back on.');
      const pause = await db.prisma.alertRulePause.findFirstOrThrow({ where: { memberId: anna.id } });
      expect(pause.undoneAt).toEqual(SCENARIO_AS_OF);
    });

    it('a click whose value is not an alert key is refused, logged, and changes nothing', async () => {
      const before = await db.prisma.alertFeedback.count();
      const res = await action({
        teamId: TEAM,
        userId: 'UANNA',
        actionId: 'alert_useful',
        value: '{"subject":"x"}',
        blockId: 'alert_actions:0',
        responseUrl: slack.newResponseUrl(),
        message: posted,
        container,
      });
      expect(res.status).toBe(200);
      await eventually(() => (/alert_useful: malformed value/.test(app.logs()) ? true : undefined));
      expect(await db.prisma.alertFeedback.count()).toBe(before);
    });
  });

  it('marks the workspace disconnected on app_uninstalled and never logs a secret', async () => {
    await event('Ev0UNINSTALL', { type: 'app_uninstalled', event_ts: '3.0' });
    await eventually(async () => ((await db.prisma.workspace.findUnique({ where: { id: ws } }))?.slackDisconnectedAt ? true : undefined));
    const logs = app.logs();
    expect(logs).toContain('slash command answered');
    expect(logs).not.toContain(BOT_TOKEN);
    expect(logs).not.toContain(SIGNING_SECRET);
  });
});
