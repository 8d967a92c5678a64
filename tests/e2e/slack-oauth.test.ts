import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { missingScopes, recordMissingScope } from '../../src/db/slack-scopes-repo.js';
import { startLocalSlack, type LocalSlack } from '../../src/local-slack/index.js';
import { BOT_SCOPES } from '../../src/slack/scopes.js';
import { createTestDatabase } from '../helpers/db.js';
import { loadScenario, SCENARIO_AS_OF } from '../helpers/scenario.js';
import { startSlackTestApp, type SlackTestApp } from '../helpers/slack-app.js';
import { commandAnswer, eventCallbackBody, postSigned, slashCommandBody } from '../helpers/slack.js';
import { testKeys } from '../helpers/secrets.js';

const TEAM = 'T0OAUTH';
const BOT_TOKEN = 'xoxb-issued-at-install';
const OAUTH = { clientId: '1234.5678', clientSecret: 'oauth-client-secret-value' };
const SIGNING_SECRET = 'oauth-mode-signing-secret';
const STATE_SECRET = 'oauth-state-secret-value';
const KEYS = testKeys();

describe('multi-workspace OAuth mode', () => {
  let db: Database;
  let slack: LocalSlack;
  let app: SlackTestApp;
  let ws: number;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    ws = await loadScenario(db, TEAM);
    slack = await startLocalSlack({
      oauth: OAUTH,
      workspaces: [
        {
          teamId: TEAM,
          teamName: 'Central Sales',
          botToken: BOT_TOKEN,
          botUserId: 'UPACER',
          appId: 'A0PACER',
          users: [
            { id: 'UADMIN', name: 'admin', email: 'admin@example.com' },
            { id: 'UANNA', name: 'anna', email: 'anna@example.com' },
          ],
        },
      ],
    });
    app = await startSlackTestApp({
      db,
      slack: { kind: 'oauth', clientId: OAUTH.clientId, clientSecret: OAUTH.clientSecret, stateSecret: STATE_SECRET, signingSecret: SIGNING_SECRET, encryption: KEYS },
      slackApiUrl: slack.apiUrl,
      now: SCENARIO_AS_OF,
    });
  });
  afterAll(async () => {
    await app?.close();
    await slack?.close();
    await db?.close();
  });

  /** The browser's part: /slack/install, Slack's consent (a code from the local Slack), then the redirect back. */
  async function install(): Promise<Response> {
    const start = await fetch(`${app.url}/slack/install`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.searchParams.get('client_id')).toBe(OAUTH.clientId);
    expect(authorize.searchParams.get('scope')!.split(',').sort()).toEqual([...BOT_SCOPES].sort());
    const state = authorize.searchParams.get('state')!;
    const cookie = start.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const code = slack.issueOAuthCode(TEAM, { installerUserId: 'UADMIN', scopes: [...BOT_SCOPES] });
    return fetch(`${app.url}/slack/oauth_redirect?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`, { headers: { cookie }, redirect: 'manual' });
  }

  const mykpis = (responseUrl = slack.newResponseUrl()) =>
    postSigned(`${app.url}/slack/events`, SIGNING_SECRET, slashCommandBody({ command: '/mykpis', teamId: TEAM, userId: 'UANNA', responseUrl }), {
      contentType: 'application/x-www-form-urlencoded',
    });
  /** /mykpis as Anna, answered in the ack or (on a busy machine) through the response URL. */
  const mykpisAnswer = async () => {
    const responseUrl = slack.newResponseUrl();
    const res = await mykpis(responseUrl);
    expect(res.status).toBe(200);
    return commandAnswer(res, () => slack.responses(responseUrl));
  };

  it('installs through /slack/install and stores the installation; commands then use its token', async () => {
    const done = await install();
    expect(done.status).toBe(200);
    const access = slack.callsTo('oauth.v2.access');
    expect(access).toHaveLength(1);
    const stored = await db.prisma.slackInstallation.findUnique({ where: { enterpriseId_slackTeamId: { enterpriseId: '', slackTeamId: TEAM } } });
    expect(stored?.botUserId).toBe('UPACER');
    // The token is kept encrypted under PACER_ENCRYPTION_KEY: not in the row as the database holds it.
    expect(stored?.keyId).toBe(KEYS.current.id);
    const [raw] = await db.query<{ text: string }>('SELECT row_to_json(s)::text AS text FROM slack_installation s');
    expect(raw!.text).toContain('UPACER');
    expect(raw!.text).not.toContain(BOT_TOKEN);

    expect((await mykpisAnswer()).blocks.length).toBeGreaterThan(3);
    const lookups = slack.callsTo('users.info');
    expect(lookups.at(-1)!.token).toBe(BOT_TOKEN);
  });

  it('refuses an install whose state was not issued by this server', async () => {
    const code = slack.issueOAuthCode(TEAM, { installerUserId: 'UADMIN', scopes: [...BOT_SCOPES] });
    const forged = await fetch(`${app.url}/slack/oauth_redirect?code=${code}&state=forged`, { redirect: 'manual' });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(slack.callsTo('oauth.v2.access')).toHaveLength(1);
  });

  it('uninstall deletes the installation and stops the workspace; reinstalling brings it back and forgets the scopes it grants', async () => {
    const uninstalled = await postSigned(`${app.url}/slack/events`, SIGNING_SECRET, eventCallbackBody({ teamId: TEAM, eventId: 'Ev0OAUTHBYE', event: { type: 'app_uninstalled', event_ts: '1.0' } }), {
      contentType: 'application/json',
    });
    expect(uninstalled.status).toBe(200);
    await expect.poll(async () => (await db.prisma.workspace.findUnique({ where: { id: ws } }))?.slackDisconnectedAt).not.toBeNull();
    expect(await db.prisma.slackInstallation.count()).toBe(0);

    // Without an installation the app has no token: it calls no Web API method for the workspace.
    const calls = slack.calls.length;
    const orphan = await mykpis();
    expect(orphan.status).toBe(200);
    expect(orphan.text).not.toContain('blocks');
    expect(slack.calls.length).toBe(calls);

    // Scopes found missing under the old installation (one from before the manifest asked for them).
    for (const scope of ['files:read', 'chat:write.public']) await recordMissingScope(db, TEAM, scope);
    expect((await install()).status).toBe(200);
    expect((await db.prisma.workspace.findUnique({ where: { id: ws } }))?.slackDisconnectedAt).toBeNull();
    expect(await missingScopes(db, ws)).toEqual([]);
    expect((await mykpisAnswer()).blocks.length).toBeGreaterThan(3);
  });

  it('tokens_revoked for the bot disconnects the workspace too', async () => {
    await postSigned(
      `${app.url}/slack/events`,
      SIGNING_SECRET,
      eventCallbackBody({ teamId: TEAM, eventId: 'Ev0REVOKED', event: { type: 'tokens_revoked', tokens: { bot: ['UPACER'] }, event_ts: '2.0' } }),
      { contentType: 'application/json' },
    );
    await expect.poll(async () => (await db.prisma.workspace.findUnique({ where: { id: ws } }))?.slackDisconnectedAt).not.toBeNull();
    expect(await db.prisma.slackInstallation.count()).toBe(0);
    const logs = app.logs();
    expect(logs).not.toContain(BOT_TOKEN);
    expect(logs).not.toContain(OAUTH.clientSecret);
    expect(logs).not.toContain(STATE_SECRET);
  });
});
