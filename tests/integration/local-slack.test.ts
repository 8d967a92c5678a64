import { ErrorCode, type Logger, LogLevel, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalSlack, type LocalSlackOptions, RESPONSE_URL_ENDPOINT, startLocalSlack } from '../../src/local-slack/index.js';

const TOKEN = 'xoxb-local-t1';
const OTHER_TOKEN = 'xoxb-local-t2';
const OAUTH = { clientId: '111.222', clientSecret: 'shh' };

const WORKSPACES: LocalSlackOptions['workspaces'] = [
  {
    teamId: 'T1',
    teamName: 'Acme Sales',
    botToken: TOKEN,
    botUserId: 'UPACER',
    appId: 'APACER',
    users: [
      { id: 'U1', name: 'ann', realName: 'Ann Lee', email: 'ann@acme.test', tz: 'America/New_York' },
      { id: 'U2', name: 'bob', email: 'bob@acme.test', deleted: true },
      { id: 'U3', name: 'helper-bot', isBot: true },
    ],
    channels: [
      { id: 'C1', name: 'sales' },
      { id: 'C2', name: 'private-ish', botIsMember: false, isPrivate: true },
      { id: 'C3', name: 'old', isArchived: true },
    ],
  },
  { teamId: 'T2', botToken: OTHER_TOKEN, users: [{ id: 'U9', name: 'zed' }], channels: [{ id: 'C9', name: 'general' }] },
];

/** WebClient logs Slack's [ERROR] messages; the tests read them from the errors instead. */
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => LogLevel.ERROR, setName() {} };

function clientFor(slack: LocalSlack, token: string | undefined, options: ConstructorParameters<typeof WebClient>[1] = {}): WebClient {
  return new WebClient(token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, logger: quiet, ...options });
}

/** The error a call rejects with (fails the test when it resolves). */
async function failure(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

async function post(url: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

describe('local Slack server', () => {
  let slack: LocalSlack;
  let client: WebClient;

  beforeAll(async () => {
    slack = await startLocalSlack({ workspaces: WORKSPACES, oauth: OAUTH });
    client = clientFor(slack, TOKEN);
  });
  afterAll(async () => {
    await slack.close();
  });
  beforeEach(() => {
    slack.clearRecords();
  });

  describe('transport and auth', () => {
    it('listens on 127.0.0.1 and answers auth.test for the bot token', async () => {
      expect(slack.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(slack.apiUrl).toBe(`${slack.url}/api/`);
      const res = await client.auth.test();
      expect(res).toMatchObject({ ok: true, team: 'Acme Sales', team_id: 'T1', user_id: 'UPACER', app_id: 'APACER', is_enterprise_install: false });
      expect(res.bot_id).toMatch(/^B/);
      expect(slack.callsTo('auth.test')).toEqual([expect.objectContaining({ method: 'auth.test', token: TOKEN, status: 200, body: {} })]);
    });

    it('refuses a missing token (not_authed), an unknown one (invalid_auth) and a revoked one (token_revoked)', async () => {
      expect((await failure(clientFor(slack, undefined).auth.test())).data.error).toBe('not_authed');
      expect((await failure(clientFor(slack, 'xoxb-nope').auth.test())).data.error).toBe('invalid_auth');
      const revocable = await startLocalSlack({ workspaces: [{ teamId: 'T5', botToken: 'xoxb-5', users: [] }] });
      try {
        await clientFor(revocable, 'xoxb-5').auth.test();
        revocable.revokeToken('xoxb-5');
        const err = await failure(clientFor(revocable, 'xoxb-5').chat.postMessage({ channel: 'C1', text: 'x' }));
        expect(err.code).toBe(ErrorCode.PlatformError);
        expect(err.data.error).toBe('token_revoked');
        expect(revocable.callsTo('chat.postMessage')[0]).toMatchObject({ status: 200, token: 'xoxb-5', response: { ok: false, error: 'token_revoked' } });
      } finally {
        await revocable.close();
      }
    });

    it('takes the token as a form parameter, JSON bodies, and GET for read methods; unknown methods are 404', async () => {
      const form = await post(`${slack.apiUrl}auth.test`, `token=${TOKEN}`, { 'content-type': 'application/x-www-form-urlencoded' });
      expect(form.json()).toMatchObject({ ok: true, team_id: 'T1' });
      const json = await post(`${slack.apiUrl}chat.postMessage`, { channel: 'C1', text: 'json body' }, { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` });
      expect(json.json()).toMatchObject({ ok: true, channel: 'C1' });
      const get = await fetch(`${slack.apiUrl}users.info?token=${TOKEN}&user=U1`);
      expect(await get.json()).toMatchObject({ ok: true, user: { id: 'U1' } });
      const getWrite = await fetch(`${slack.apiUrl}chat.postMessage?token=${TOKEN}&channel=C1&text=x`);
      expect(getWrite.status).toBe(405);
      const unknown = await post(`${slack.apiUrl}chat.postMesage`, `token=${TOKEN}`, { 'content-type': 'application/x-www-form-urlencoded' });
      expect(unknown.status).toBe(404);
      expect(unknown.json()).toEqual({ ok: false, error: 'unknown_method', req_method: 'chat.postMesage' });
      const badJson = await post(`${slack.apiUrl}auth.test`, '{nope', { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` });
      expect(badJson.json()).toEqual({ ok: false, error: 'invalid_json' });
      expect(slack.messages('C1').map((m) => m.text)).toEqual(['json body']);
    });
  });

  describe('messages', () => {
    it('posts to a user id through their DM, the same DM conversations.open gives, with unique increasing ts', async () => {
      const first = await client.chat.postMessage({ channel: 'U1', text: 'Your week so far' });
      expect(first.channel).toMatch(/^D/);
      const opened = await client.conversations.open({ users: 'U1' });
      expect(opened.channel?.id).toBe(first.channel);
      const second = await client.chat.postMessage({ channel: opened.channel!.id!, text: 'Second' });
      expect(second.channel).toBe(first.channel);
      expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
      expect(first.ts).toMatch(/^\d+\.\d{6}$/);
      expect(first.message).toMatchObject({ text: 'Your week so far', user: 'UPACER', ts: first.ts });

      const dms = slack.messages('U1');
      expect(dms.map((m) => [m.text, m.channel, m.dmUserId, m.ephemeral])).toEqual([
        ['Your week so far', first.channel, 'U1', false],
        ['Second', first.channel, 'U1', false],
      ]);
      expect(slack.messages(first.channel)).toEqual(dms);
    });

    it("refuses unknown channels and users, channels the bot is not in, archived channels, deleted users' DMs and bots", async () => {
      const errorOf = async (channel: string) => (await failure(client.chat.postMessage({ channel, text: 'x' }))).data.error;
      expect(await errorOf('C404')).toBe('channel_not_found');
      expect(await errorOf('U404')).toBe('channel_not_found');
      expect(await errorOf('C9')).toBe('channel_not_found'); // another workspace's channel
      expect(await errorOf('C2')).toBe('not_in_channel');
      expect(await errorOf('C3')).toBe('is_archived');
      expect(await errorOf('U2')).toBe('account_inactive');
      expect(await errorOf('U3')).toBe('cannot_dm_bot');
      expect((await failure(client.conversations.open({ users: 'U2' }))).data.error).toBe('user_disabled');
      expect(slack.messages()).toEqual([]);
    });

    it('requires fallback text, even with blocks', async () => {
      const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'hello' } }];
      expect((await failure(client.chat.postMessage({ channel: 'C1', blocks } as any))).data.error).toBe('no_text');
      expect((await failure(client.chat.postMessage({ channel: 'C1' } as any))).data.error).toBe('no_text');
      expect((await failure(client.chat.postMessage({ channel: 'C1', text: 'x'.repeat(40_001) }))).data.error).toBe('msg_too_long');
      const ok = await client.chat.postMessage({ channel: 'C1', text: 'hello', blocks });
      expect(ok.message?.blocks).toEqual(blocks);
      // The form-encoded JSON string arrives parsed in the recorded call.
      expect(slack.callsTo('chat.postMessage').at(-1)?.body).toEqual({ channel: 'C1', text: 'hello', blocks });
    });

    it('answers Block Kit violations with invalid_blocks naming each problem and where it is', async () => {
      const blocks = [
        { type: 'header', text: { type: 'plain_text', text: 'Weekly pace' } },
        { type: 'divider' },
        { type: 'divider' },
        { type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } },
      ];
      const err = await failure(client.chat.postMessage({ channel: 'C1', text: 'fallback', blocks }));
      expect(err.data.error).toBe('invalid_blocks');
      expect(err.data.response_metadata.messages).toEqual(['[ERROR] blocks[3].text.text: must be less than 3001 characters [json-pointer:/blocks/3/text/text]']);
      const tooMany = await failure(client.chat.postMessage({ channel: 'C1', text: 'f', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) }));
      expect(tooMany.data.response_metadata.messages).toEqual(['[ERROR] blocks: no more than 50 items allowed [json-pointer:/blocks]']);
      const notJson = await post(`${slack.apiUrl}chat.postMessage`, `channel=C1&text=f&blocks=%5Bnope`, {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Bearer ${TOKEN}`,
      });
      expect(notJson.json()).toEqual({ ok: false, error: 'invalid_blocks_format' });
      expect(slack.messages('C1')).toEqual([]);
    });

    it('posts ephemeral messages to one user, flagged, and they cannot be updated', async () => {
      const res = await client.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'Only you can see this' });
      expect(res.message_ts).toMatch(/^\d+\.\d{6}$/);
      expect(slack.messages('C1')).toEqual([expect.objectContaining({ channel: 'C1', text: 'Only you can see this', ephemeral: true, ephemeralUserId: 'U1', ts: res.message_ts })]);
      expect((await failure(client.chat.update({ channel: 'C1', ts: res.message_ts!, text: 'edit' }))).data.error).toBe('message_not_found');
      expect((await failure(client.chat.postEphemeral({ channel: 'C1', user: 'U404', text: 'x' }))).data.error).toBe('user_not_found');
      expect((await failure(client.chat.postEphemeral({ channel: 'C2', user: 'U1', text: 'x' }))).data.error).toBe('not_in_channel');
    });

    it('applies chat.update and chat.delete to the stored messages', async () => {
      const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'v1' } }];
      const posted = await client.chat.postMessage({ channel: 'C1', text: 'v1', blocks });
      const kept = await client.chat.postMessage({ channel: 'C1', text: 'other' });
      const updated = await client.chat.update({ channel: 'C1', ts: posted.ts!, text: 'v2' });
      expect(updated).toMatchObject({ channel: 'C1', ts: posted.ts, text: 'v2' });
      // Blocks not sent are kept, as in Slack.
      expect(slack.messages('C1')[0]).toMatchObject({ text: 'v2', blocks, edited: { ts: expect.any(String) } });
      await client.chat.delete({ channel: 'C1', ts: posted.ts! });
      expect(slack.messages('C1').map((m) => m.ts)).toEqual([kept.ts]);
      expect((await failure(client.chat.delete({ channel: 'C1', ts: posted.ts! }))).data.error).toBe('message_not_found');
    });
  });

  describe('directory', () => {
    it('returns users with time zone, profile and deletion; lookupByEmail misses are users_not_found', async () => {
      const res = await client.users.info({ user: 'U1' });
      expect(res.user).toMatchObject({
        id: 'U1',
        name: 'ann',
        real_name: 'Ann Lee',
        tz: 'America/New_York',
        deleted: false,
        is_bot: false,
        profile: { email: 'ann@acme.test', real_name: 'Ann Lee', display_name: 'ann' },
      });
      expect([-4 * 3600, -5 * 3600]).toContain(res.user?.tz_offset);
      expect((await client.users.lookupByEmail({ email: 'BOB@acme.test' })).user).toMatchObject({ id: 'U2', deleted: true });
      expect((await failure(client.users.lookupByEmail({ email: 'nobody@acme.test' }))).data.error).toBe('users_not_found');
      expect((await failure(client.users.info({ user: 'U9' }))).data.error).toBe('user_not_found');

      slack.addUser('T1', { id: 'U7', name: 'cy', email: 'cy@acme.test', tz: 'Asia/Tokyo' });
      expect((await client.users.lookupByEmail({ email: 'cy@acme.test' })).user).toMatchObject({ id: 'U7', tz_offset: 9 * 3600 });
      slack.setUser('T1', 'U7', { deleted: true });
      expect((await failure(client.chat.postMessage({ channel: 'U7', text: 'x' }))).data.error).toBe('account_inactive');
    });
  });

  describe('views', () => {
    const divider = { type: 'divider' };
    const home = (n: number) => ({ type: 'home' as const, blocks: Array.from({ length: n }, () => divider) });

    it('publishes a home tab of 100 blocks and refuses 101, keeping the last good one', async () => {
      const ok = await client.views.publish({ user_id: 'U1', view: home(100) });
      expect(ok.view).toMatchObject({ type: 'home', team_id: 'T1', id: expect.stringMatching(/^V/) });
      const err = await failure(client.views.publish({ user_id: 'U1', view: home(101) }));
      expect(err.data.error).toBe('invalid_arguments');
      expect(err.data.response_metadata.messages).toEqual(['[ERROR] view.blocks: no more than 100 items allowed [json-pointer:/view/blocks]']);
      expect(slack.homeView('U1')?.payload.blocks).toHaveLength(100);
      expect(slack.homeView('U1')?.id).toBe(ok.view?.id);
      expect((await failure(client.views.publish({ user_id: 'U404', view: home(1) }))).data.error).toBe('user_not_found');
      expect((await failure(client.views.publish({ user_id: 'U1', view: home(1), hash: 'stale' }))).data.error).toBe('hash_conflict');
    });

    it('opens modals with single-use trigger ids, checks their title, and records opens and updates', async () => {
      const modal = { type: 'modal' as const, callback_id: 'goals', title: { type: 'plain_text' as const, text: 'Set goals' }, blocks: [divider] };
      const trigger = slack.newTriggerId();
      const opened = await client.views.open({ trigger_id: trigger, view: modal });
      expect((await failure(client.views.open({ trigger_id: trigger, view: modal }))).data.error).toBe('exchanged_trigger_id');
      const longTitle = await failure(client.views.open({ trigger_id: slack.newTriggerId(), view: { ...modal, title: { type: 'plain_text', text: 't'.repeat(25) } } }));
      expect(longTitle.data.response_metadata.messages).toEqual(['[ERROR] view.title.text: must be less than 25 characters [json-pointer:/view/title/text]']);

      const viewId = opened.view!.id!;
      await client.views.update({ view_id: viewId, hash: opened.view!.hash!, view: { ...modal, blocks: [divider, divider] } });
      expect((await failure(client.views.update({ view_id: viewId, hash: opened.view!.hash!, view: modal }))).data.error).toBe('hash_conflict');
      expect(slack.openedViews.map((v) => [v.method, v.view.id, (v.view.payload.blocks as unknown[]).length])).toEqual([
        ['views.open', viewId, 1],
        ['views.update', viewId, 2],
      ]);
      expect(slack.openedViews[0]).toMatchObject({ triggerId: trigger, view: { callbackId: 'goals', type: 'modal' } });
      expect(slack.view(viewId)?.payload.blocks).toHaveLength(2);
    });
  });

  describe('fault injection', () => {
    it('fails the next calls of a method as asked, then answers normally', async () => {
      slack.failNext('chat.postMessage', { error: 'fatal_error' });
      const platform = await failure(client.chat.postMessage({ channel: 'C1', text: 'a' }));
      expect(platform.code).toBe(ErrorCode.PlatformError);
      expect(platform.data.error).toBe('fatal_error');

      slack.failNext('chat.postMessage', { status: 503 }, 2);
      for (let i = 0; i < 2; i += 1) {
        const http = await failure(client.chat.postMessage({ channel: 'C1', text: 'b' }));
        expect(http.code).toBe(ErrorCode.HTTPError);
        expect(http.statusCode).toBe(503);
      }

      slack.failNext('chat.postMessage', { status: 429, retryAfter: 7 });
      const limited = await failure(clientFor(slack, TOKEN, { rejectRateLimitedCalls: true }).chat.postMessage({ channel: 'C1', text: 'c' }));
      expect(limited.code).toBe(ErrorCode.RateLimitedError);
      expect(limited.retryAfter).toBe(7);

      slack.failNext('chat.postMessage', { delayMs: 300 });
      const started = Date.now();
      await client.chat.postMessage({ channel: 'C1', text: 'slow' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);

      await client.chat.postMessage({ channel: 'C1', text: 'fine' });
      expect(slack.messages('C1').map((m) => m.text)).toEqual(['slow', 'fine']);
      expect(slack.callsTo('chat.postMessage').map((c) => c.status)).toEqual([200, 503, 503, 429, 200, 200]);
    });

    it('times out a slow call against the client timeout', async () => {
      slack.failNext('auth.test', { delayMs: 400 });
      const err = await failure(clientFor(slack, TOKEN, { timeout: 100 }).auth.test());
      expect(err.code).toBe(ErrorCode.RequestError);
      // Let the held-back answer go out before the next test clears the records.
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(slack.callsTo('auth.test')).toHaveLength(1);
    });
  });

  describe('OAuth', () => {
    it('exchanges an issued code once for the bot token, checking client id, secret and redirect URI', async () => {
      const anon = clientFor(slack, undefined);
      const code = slack.issueOAuthCode('T1', { installerUserId: 'U1', scopes: ['chat:write', 'users:read'] });
      expect((await failure(anon.oauth.v2.access({ client_id: 'wrong', client_secret: OAUTH.clientSecret, code }))).data.error).toBe('invalid_client_id');
      expect((await failure(anon.oauth.v2.access({ client_id: OAUTH.clientId, client_secret: 'wrong', code }))).data.error).toBe('bad_client_secret');

      const res = await anon.oauth.v2.access({ client_id: OAUTH.clientId, client_secret: OAUTH.clientSecret, code });
      expect(res).toMatchObject({
        ok: true,
        app_id: 'APACER',
        authed_user: { id: 'U1' },
        scope: 'chat:write,users:read',
        token_type: 'bot',
        access_token: TOKEN,
        bot_user_id: 'UPACER',
        team: { id: 'T1', name: 'Acme Sales' },
        enterprise: null,
        is_enterprise_install: false,
      });
      expect((await failure(anon.oauth.v2.access({ client_id: OAUTH.clientId, client_secret: OAUTH.clientSecret, code }))).data.error).toBe('invalid_code');
      expect((await failure(anon.oauth.v2.access({ client_id: OAUTH.clientId, client_secret: OAUTH.clientSecret, code: 'made-up' }))).data.error).toBe('invalid_code');

      // Client credentials by HTTP Basic auth, and a redirect URI that must match the authorize request's.
      const withRedirect = slack.issueOAuthCode('T2', { installerUserId: 'U9', scopes: ['chat:write'], redirectUri: 'https://pacer.test/slack/oauth_redirect' });
      const basic = `Basic ${Buffer.from(`${OAUTH.clientId}:${OAUTH.clientSecret}`).toString('base64')}`;
      const form = { 'content-type': 'application/x-www-form-urlencoded', authorization: basic };
      const mismatch = await post(`${slack.apiUrl}oauth.v2.access`, `code=${withRedirect}&redirect_uri=https://evil.test/`, form);
      expect(mismatch.json()).toEqual({ ok: false, error: 'bad_redirect_uri' });
      const good = await post(`${slack.apiUrl}oauth.v2.access`, `code=${withRedirect}&redirect_uri=${encodeURIComponent('https://pacer.test/slack/oauth_redirect')}`, form);
      expect(good.json()).toMatchObject({ ok: true, access_token: OTHER_TOKEN, team: { id: 'T2' } });
    });
  });

  describe('files', () => {
    it('takes an upload through files.uploadV2 end to end and shares it in the channel', async () => {
      const content = 'rep,calls\nann,12\n';
      const res = await client.files.uploadV2({ channel_id: 'C1', content, filename: 'pace.csv', title: 'Pace export', initial_comment: 'This week' });
      expect(res.ok).toBe(true);
      const [file] = slack.files;
      expect(file).toMatchObject({ filename: 'pace.csv', title: 'Pace export', channels: ['C1'], completed: true, length: Buffer.byteLength(content) });
      expect(file?.bytes?.toString('utf8')).toBe(content);
      expect(slack.callsTo('files.getUploadURLExternal')[0]?.body).toMatchObject({ filename: 'pace.csv', length: String(Buffer.byteLength(content)) });
      expect(slack.callsTo('files.completeUploadExternal')[0]?.body).toMatchObject({ channel_id: 'C1', files: [{ id: file?.id, title: 'Pace export' }] });
      expect(slack.messages('C1')).toEqual([expect.objectContaining({ text: 'This week', fileIds: [file?.id] })]);
      const info = await client.files.info({ file: file!.id });
      expect(info.file).toMatchObject({ id: file?.id, name: 'pace.csv', title: 'Pace export', size: Buffer.byteLength(content) });
    });

    it('refuses to complete a file never uploaded, and to share where the bot cannot post', async () => {
      const announced = await client.files.getUploadURLExternal({ filename: 'a.txt', length: 3 });
      expect(announced.upload_url).toMatch(new RegExp(`^${slack.url}/`));
      expect((await failure(client.files.completeUploadExternal({ files: [{ id: announced.file_id! }] }))).data.error).toBe('file_not_found');
      const upload = await fetch(announced.upload_url!, { method: 'POST', body: 'abc' });
      expect(upload.status).toBe(200);
      const err = await failure(client.files.completeUploadExternal({ files: [{ id: announced.file_id! }], channel_id: 'C2' }));
      expect(err.data.error).toBe('not_in_channel');
      await client.files.completeUploadExternal({ files: [{ id: announced.file_id! }] });
      expect(slack.files[0]).toMatchObject({ completed: true, channels: [] });
      expect(slack.files[0]?.bytes?.toString()).toBe('abc');
    });
  });

  describe('response URLs', () => {
    it('records what is posted to a response URL, up to five times, and checks its blocks', async () => {
      const url = slack.newResponseUrl();
      expect(url.startsWith(`${slack.url}/`)).toBe(true);
      const other = slack.newResponseUrl();
      const first = await post(url, { response_type: 'ephemeral', text: 'Your pace: 80%' });
      expect(first.status).toBe(200);
      await post(other, { text: 'elsewhere' });
      expect(slack.responses(url).map((r) => r.body)).toEqual([{ response_type: 'ephemeral', text: 'Your pace: 80%' }]);
      expect(slack.responses().map((r) => r.id)).toEqual([url.split('/').pop(), other.split('/').pop()]);

      const badBlocks = await post(url, { text: 'x', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] });
      expect(badBlocks.status).toBe(400);
      expect(badBlocks.json().response_metadata.messages[0]).toContain('blocks[0].text.text: must be less than 151 characters');

      for (let i = 0; i < 4; i += 1) expect((await post(url, { text: `again ${i}` })).status).toBe(200);
      const sixth = await post(url, { text: 'too many' });
      expect(sixth.status).toBe(404);
      expect(sixth.json().error).toBe('used_url');
      expect((await post(`${slack.url}/response-url/unknown`, { text: 'x' })).status).toBe(404);

      slack.failNext(RESPONSE_URL_ENDPOINT, { status: 500 });
      expect((await post(other, { text: 'fails' })).status).toBe(500);
    });
  });
});

describe('local Slack rate limits', () => {
  let now = Date.parse('2026-03-02T09:00:00Z');
  let slack: LocalSlack;
  let client: WebClient;

  beforeAll(async () => {
    slack = await startLocalSlack({
      workspaces: WORKSPACES,
      now: () => now,
      rateLimits: { perChannelPerSecond: 1, perChannelBurst: 3, workspacePerMinute: 6, workspaceBurst: 5 },
    });
    client = clientFor(slack, TOKEN, { rejectRateLimitedCalls: true });
  });
  afterAll(async () => {
    await slack.close();
  });

  it('allows the per-channel burst, then answers 429 with Retry-After until the bucket refills', async () => {
    for (let i = 0; i < 3; i += 1) await client.chat.postMessage({ channel: 'C1', text: `burst ${i}` });
    const limited = await failure(client.chat.postMessage({ channel: 'C1', text: 'one too many' }));
    expect(limited.code).toBe(ErrorCode.RateLimitedError);
    expect(limited.retryAfter).toBe(1);
    const raw = await post(`${slack.apiUrl}chat.postMessage`, { channel: 'C1', text: 'raw' }, { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('1');
    expect(raw.json()).toEqual({ ok: false, error: 'ratelimited' });
    expect(slack.callsTo('chat.postMessage').map((c) => c.status)).toEqual([200, 200, 200, 429, 429]);

    now += 1000;
    await client.chat.postMessage({ channel: 'C1', text: 'after a second' });
    expect(slack.messages('C1').map((m) => m.text)).toEqual(['burst 0', 'burst 1', 'burst 2', 'after a second']);
    // Message ts values follow the server's clock.
    expect(slack.messages('C1')[3]?.ts.startsWith(String(Math.floor(now / 1000)))).toBe(true);
  });

  it('limits the workspace across channels, with Retry-After from the workspace bucket', async () => {
    // Four posts so far and a second's refill (0.1 token at 6 a minute): 1.1 tokens left in the
    // workspace bucket. The DM takes one; the next needs 0.9 more, 9 seconds, though its own
    // channel bucket is full.
    await client.chat.postMessage({ channel: 'U1', text: 'dm' });
    const limited = await failure(client.chat.postMessage({ channel: 'U1', text: 'dm 2' }));
    expect(limited.retryAfter).toBe(9);
    // Another workspace has its own buckets.
    await clientFor(slack, OTHER_TOKEN).chat.postMessage({ channel: 'C9', text: 'other team' });
    now += 10_000;
    await client.chat.postMessage({ channel: 'U1', text: 'dm 3' });
    expect(slack.messages('U1').map((m) => m.text)).toEqual(['dm', 'dm 3']);
  });
});

describe('local Slack scopes', () => {
  const OLD_SCOPES = ['commands', 'chat:write', 'im:write', 'users:read', 'users:read.email', 'files:write'];
  let slack: LocalSlack;
  let client: WebClient;

  beforeAll(async () => {
    slack = await startLocalSlack({
      workspaces: [
        {
          teamId: 'T1',
          botToken: TOKEN,
          users: [{ id: 'U1', name: 'ann' }],
          channels: [
            { id: 'C1', name: 'sales-wins', botIsMember: false },
            { id: 'G1', name: 'managers', botIsMember: false, isPrivate: true },
          ],
          scopes: OLD_SCOPES,
        },
      ],
    });
    client = clientFor(slack, TOKEN);
  });
  afterAll(async () => {
    await slack.close();
  });

  it('answers missing_scope, naming the scope needed and those provided, for a method the token lacks the scope of', async () => {
    const upload = await client.files.getUploadURLExternal({ filename: 'a.txt', length: 3 });
    await fetch(upload.upload_url!, { method: 'POST', body: 'abc' });
    await client.files.completeUploadExternal({ files: [{ id: upload.file_id! }] });
    const err = await failure(client.files.info({ file: upload.file_id! }));
    expect(err.data).toMatchObject({ ok: false, error: 'missing_scope', needed: 'files:read', provided: OLD_SCOPES.join(',') });
    // The token's scopes travel in x-oauth-scopes on every answer, which WebClient reads into response_metadata.
    expect(err.data.response_metadata).toMatchObject({ scopes: OLD_SCOPES, acceptedScopes: ['files:read'] });
    expect((await client.auth.test()).response_metadata?.scopes).toEqual(OLD_SCOPES);
  });

  it('posts to a public channel the bot is not in only with chat:write.public, and to a private one never', async () => {
    expect((await failure(client.chat.postMessage({ channel: 'C1', text: 'recap' }))).data.error).toBe('not_in_channel');
    slack.setScopes('T1', [...OLD_SCOPES, 'files:read', 'chat:write.public']);
    const posted = await client.chat.postMessage({ channel: 'C1', text: 'recap' });
    expect(posted.response_metadata?.scopes).toContain('chat:write.public');
    expect(slack.messages('C1').map((m) => m.text)).toEqual(['recap']);
    expect((await failure(client.chat.postMessage({ channel: 'G1', text: 'recap' }))).data.error).toBe('not_in_channel');
    expect((await failure(client.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'x' }))).data.error).toBe('not_in_channel');
  });

  it('refuses chat.postMessage without chat:write', async () => {
    slack.setScopes('T1', ['commands']);
    const err = await failure(client.chat.postMessage({ channel: 'U1', text: 'hi' }));
    expect(err.data).toMatchObject({ error: 'missing_scope', needed: 'chat:write', provided: 'commands' });
  });
});
