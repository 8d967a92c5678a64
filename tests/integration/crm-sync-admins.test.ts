/**
 * Issue 13, items 4 and 7: a revoked token stops the source, and each of the config's `admins:`
 * gets one DM per failing spell — through the delivery ledger, with the local HubSpot revoking
 * the token and the local Slack as the Web API (what it received is what is checked). Repeated
 * attempts, two processes at once, a crash between claim and post, admins Slack does not know,
 * Slack failing, no admins at all.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { claimDelivery, markPosting, settleAbandonedPosts } from '../../src/db/delivery-ledger.js';
import { listSources } from '../../src/db/sync-repo.js';
import { runDueSyncs } from '../../src/jobs/crm-sync.js';
import { jobContext } from '../../src/jobs/setup.js';
import { sourceFailingKey, tellAdminsWhenFailing } from '../../src/jobs/source-failing.js';
import type { LocalHubSpot } from '../../src/local-crm/hubspot/index.js';
import { LOCAL_SLACK_SCOPES, startLocalSlack, validateBlocks, type LocalSlack } from '../../src/local-slack/index.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { renderSourceStopped } from '../../src/slack/blocks/source-stopped.js';
import { deliveryClients } from '../../src/slack/delivery/clients.js';
import type { FailingSource, SyncDeps } from '../../src/sync/runner.js';
import { createTestDatabase, DATABASE_KINDS } from '../helpers/db.js';
import { applyDocument, HUBSPOT_TOKEN, startTestHubSpot, syncNamed, testSyncDeps } from '../helpers/hubspot.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const TEN_MINUTES = 10 * 60_000;
const TEAM = 'T0ADMINS';
const BOT_TOKEN = 'xoxb-admins-test-token';
/** Dana is a manager in the config (found by email), ops@acme.com anyone in Slack (found by email), U0SAM a Slack user id. */
const ADMINS = ['dana@x.com', 'ops@acme.com', 'U0SAM'];
const ADMIN_USERS = ['U0DANA', 'U0OPS', 'U0SAM'];

function configDoc(apiUrl: string, admins?: string[]) {
  return {
    workspace: { id: TEAM, currency: 'USD' },
    teams: [
      {
        name: 'Central',
        timezone: 'America/Chicago',
        pipelineStages: ['discovery', 'demo'],
        focus: ['cadence.call'],
        members: [
          { email: 'dana@x.com', name: 'Dana', role: 'manager' },
          { email: 'anna@x.com', name: 'Anna' },
        ],
      },
    ],
    sources: [{ kind: 'hubspot', token: 'env:HUBSPOT_TOKEN', apiUrl }],
    ...(admins === undefined ? {} : { admins }),
  };
}

/** A logger whose lines the test reads. */
function capture(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const out: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk: Buffer, _e, done) {
        out.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    }),
  });
  return { logger, lines: () => out.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe.each(DATABASE_KINDS)('the admins’ DM when a CRM source stops, on %s', (kind) => {
  let hs: LocalHubSpot;
  let slack: LocalSlack;
  let db: Database;
  let workspaceId: number;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    hs = await startTestHubSpot();
    hs.state.owners.push({ id: '701', email: 'anna@x.com', updatedAt: 0 });
    hs.state.pipelines = [{ id: 'default', label: 'Sales pipeline', stages: [{ id: 'discovery', label: 'Discovery' }] }];
    hs.state.upsert('calls', null, { hs_timestamp: '2026-11-20T15:00:00.000Z', hubspot_owner_id: '701' }, Date.parse('2026-11-20T15:00:00Z'));
    slack = await startLocalSlack({
      workspaces: [
        {
          teamId: TEAM,
          botToken: BOT_TOKEN,
          users: [
            { id: 'U0DANA', name: 'dana', email: 'dana@x.com', tz: 'America/Chicago' },
            { id: 'U0OPS', name: 'ops', email: 'ops@acme.com', tz: 'UTC' },
            { id: 'U0SAM', name: 'sam', email: 'sam@acme.com', tz: 'Europe/London' },
          ],
        },
      ],
    });
  });
  afterAll(async () => {
    await slack?.close();
    await hs?.close();
    await db?.close();
  });
  // Each test starts from an empty workspace, ledger and Slack, and a working token.
  beforeEach(async () => {
    await db.query('TRUNCATE workspace, delivery, slack_user CASCADE');
    hs.restoreToken();
    slack.clearRecords();
    slack.setScopes(TEAM, LOCAL_SLACK_SCOPES);
  });

  /**
   * A Pacer process: its sync (on its own clock) and its Slack delivery path; without Slack when
   * `slack` is false. Waits between retries pass on its clock, not in real time.
   */
  function pacerProcess(name: string, options: { now?: Date; logger?: Logger; slack?: boolean } = {}): SyncDeps & { clock: ReturnType<typeof testSyncDeps>['clock'] } {
    const logger = options.logger ?? createLogger({ level: 'silent' });
    const deps = testSyncDeps(db, { now: options.now ?? NOW, logger });
    const jobs = jobContext({
      db,
      logger,
      clock: deps.clock,
      clients: deliveryClients({ kind: 'http', botToken: BOT_TOKEN, signingSecret: 'unused' }, slack.apiUrl, db, logger),
      policy: { maxAttempts: 3, backoffMs: 100, maxBackoffMs: 1000, leaseMs: 60_000 },
      processId: `pacer-${name}`,
      sleep: async (ms) => deps.clock.advance(ms),
    });
    const slackDeps = options.slack === false ? null : { clients: jobs.clients, post: jobs.post };
    return { ...deps, processId: `pacer-${name}`, onFailing: tellAdminsWhenFailing({ db, logger, clock: deps.clock, env: deps.env, slack: slackDeps }) };
  }

  const dms = (userId: string) => slack.messages(userId).filter((m) => !m.ephemeral && m.dmUserId === userId);
  const dmCounts = () => ADMIN_USERS.map((u) => dms(u).length);
  const deliveries = async () =>
    db.query<{ key: string; status: string; recipient: string; error: string | null }>(`SELECT key, status::text, recipient, error FROM delivery WHERE kind = 'source_failing' ORDER BY key`);
  const source = async () => (await listSources(db, { workspaceId }))[0]!;

  it('a revoked token: exactly one DM per admin, asking to reconnect HubSpot, with the fix and no token', async () => {
    workspaceId = await applyDocument(db, configDoc(hs.url, ADMINS));
    const pacer = pacerProcess('a');
    expect((await syncNamed(pacer, workspaceId)).status).toBe('ok');
    hs.revokeToken();
    pacer.clock.set(new Date(NOW.getTime() + TEN_MINUTES));
    const failed = await syncNamed(pacer, workspaceId);
    expect(failed).toMatchObject({ status: 'failed', stopping: true });
    const since = (await source()).failingSince!;
    expect(since).toEqual(new Date(NOW.getTime() + TEN_MINUTES));

    expect(dmCounts()).toEqual([1, 1, 1]);
    const expected = renderSourceStopped({
      crm: 'hubspot',
      source: 'hubspot',
      problem: 'token_revoked',
      since: since.toISOString(),
      lastSuccessAt: NOW.toISOString(),
      variables: ['HUBSPOT_TOKEN'],
      syncCommand: 'npm run pacer -- sync hubspot',
      error: failed.error,
    });
    for (const user of ADMIN_USERS) {
      const [dm] = dms(user);
      expect(dm!.text).toBe('Reconnect HubSpot: its token was revoked');
      expect(dm!.blocks).toEqual(JSON.parse(JSON.stringify(expected.blocks)));
      expect(validateBlocks(dm!.blocks ?? [], { surface: 'message' })).toEqual([]);
    }
    // Dana by her member email, ops@acme.com by theirs (both remembered), U0SAM as written.
    expect(
      slack
        .callsTo('users.lookupByEmail')
        .map((c) => c.body.email)
        .sort(),
    ).toEqual(['dana@x.com', 'ops@acme.com']);
    expect(JSON.stringify(slack.calls)).not.toContain(HUBSPOT_TOKEN);
    const sourceId = (await source()).id;
    expect((await deliveries()).map((d) => [d.key, d.status])).toEqual(ADMINS.map((a) => [sourceFailingKey(TEAM, a, sourceId, since), 'sent']).sort());
  });

  it('repeated scheduled runs during the spell: still one DM each, and no more lookups', async () => {
    workspaceId = await applyDocument(db, configDoc(hs.url, ADMINS));
    const pacer = pacerProcess('a');
    expect((await runDueSyncs(pacer)).map((r) => r.status)).toEqual(['ok']);
    hs.revokeToken();
    for (let run = 1; run <= 4; run += 1) {
      pacer.clock.set(new Date(NOW.getTime() + run * TEN_MINUTES));
      expect((await runDueSyncs(pacer)).map((r) => r.status)).toEqual(['failed']);
    }
    expect((await source()).failingSince).toEqual(new Date(NOW.getTime() + TEN_MINUTES));
    expect(dmCounts()).toEqual([1, 1, 1]);
    expect(slack.callsTo('users.lookupByEmail')).toHaveLength(2);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(3);
  });

  it('a success ends the spell; the next revocation is a new spell and a second DM', async () => {
    workspaceId = await applyDocument(db, configDoc(hs.url, ADMINS));
    const pacer = pacerProcess('a');
    await syncNamed(pacer, workspaceId);
    hs.revokeToken('expired');
    pacer.clock.set(new Date(NOW.getTime() + TEN_MINUTES));
    expect((await syncNamed(pacer, workspaceId)).status).toBe('failed');
    expect(dmCounts()).toEqual([1, 1, 1]);
    expect(dms('U0OPS')[0]!.text).toBe('Reconnect HubSpot: its token expired');

    hs.restoreToken();
    pacer.clock.set(new Date(NOW.getTime() + 2 * TEN_MINUTES));
    expect((await syncNamed(pacer, workspaceId)).status).toBe('ok');
    expect((await source()).failingSince).toBeNull();
    expect(dmCounts()).toEqual([1, 1, 1]);

    hs.revokeToken();
    pacer.clock.set(new Date(NOW.getTime() + 3 * TEN_MINUTES));
    expect((await syncNamed(pacer, workspaceId)).status).toBe('failed');
    expect(dmCounts()).toEqual([2, 2, 2]);
    const second = dms('U0DANA')[1]!;
    expect(second.text).toBe('Reconnect HubSpot: its token was revoked');
    // The second spell's DM says since when, and that reports keep what the success before it synced.
    expect(JSON.stringify(second.blocks)).toContain(`<!date^${(NOW.getTime() + 3 * TEN_MINUTES) / 1000}^`);
    expect(JSON.stringify(second.blocks)).toContain(`<!date^${(NOW.getTime() + 2 * TEN_MINUTES) / 1000}^`);
    expect((await deliveries()).filter((d) => d.status === 'sent')).toHaveLength(6);
  });

  it('two Pacer processes at once: one DM per admin', async () => {
    workspaceId = await applyDocument(db, configDoc(hs.url, ADMINS));
    await syncNamed(pacerProcess('setup'), workspaceId);
    hs.revokeToken();
    const at = new Date(NOW.getTime() + TEN_MINUTES);
    const [a, b] = [pacerProcess('a', { now: at }), pacerProcess('b', { now: at })];
    // Both run the sync: one holds the lease and fails, the other is busy or fails after it.
    const runs = await Promise.all([syncNamed(a, workspaceId), syncNamed(b, workspaceId)]);
    expect(runs.some((r) => r.status === 'failed')).toBe(true);
    expect(dmCounts()).toEqual([1, 1, 1]);

    // A spell nobody told yet (its first attempt ran where Slack is not configured), then both
    // processes' attempts offer the DM at the same instant: the ledger lets one through each.
    hs.restoreToken();
    await syncNamed(pacerProcess('c', { now: new Date(at.getTime() + TEN_MINUTES) }), workspaceId);
    hs.revokeToken();
    const later = new Date(at.getTime() + 2 * TEN_MINUTES);
    expect((await syncNamed(pacerProcess('d', { now: later, slack: false }), workspaceId)).status).toBe('failed');
    expect(dmCounts()).toEqual([1, 1, 1]);
    const row = await source();
    const failing = (spell: FailingSource['spell']): FailingSource => ({ row, since: row.failingSince!, spell, error: row.lastError!, kind: 'auth', token: 'revoked' });
    const [e, f] = [pacerProcess('e', { now: later }), pacerProcess('f', { now: later })];
    await Promise.all([e.onFailing!(failing('continues')), f.onFailing!(failing('continues')), e.onFailing!(failing('continues'))]);
    expect(dmCounts()).toEqual([2, 2, 2]);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(6);
  });

  it('a spell started where Slack is not configured is told at the next attempt of a process that has it', async () => {
    workspaceId = await applyDocument(db, configDoc(hs.url, ADMINS));
    const { logger, lines } = capture();
    await syncNamed(pacerProcess('setup'), workspaceId);
    hs.revokeToken();
    const cli = pacerProcess('cli', { now: new Date(NOW.getTime() + TEN_MINUTES), logger, slack: false });
    expect((await syncNamed(cli, workspaceId)).status).toBe('failed');
    expect(dmCounts()).toEqual([0, 0, 0]);
    expect(lines().filter((l) => typeof l.msg === 'string' && l.msg.startsWith('Slack is not configured in this process'))).toHaveLength(1);
    const server = pacerProcess('server', { now: new Date(NOW.getTime() + 2 * TEN_MINUTES) });
    expect((await runDueSyncs(server)).map((r) => r.status)).toEqual(['failed']);
    expect(dmCounts()).toEqual([1, 1, 1]);
  });

  it('a crash between claim and post follows the ledger: a stale claim is taken over, a post cut off is never sent again', async () => {
    workspaceId = await applyDocument(db, configDoc(hs.url, ADMINS));
    await syncNamed(pacerProcess('setup'), workspaceId);
    hs.revokeToken();
    const at = new Date(NOW.getTime() + TEN_MINUTES);
    // The first attempt's process claimed Dana's DM and died; it had begun posting Sam's.
    expect((await syncNamed(pacerProcess('dead', { now: at, slack: false }), workspaceId)).status).toBe('failed');
    const row = await source();
    const intent = (admin: string) => ({ workspaceId, key: sourceFailingKey(TEAM, admin, row.id, row.failingSince!), kind: 'source_failing', recipient: admin, dueAt: at });
    expect(await claimDelivery(db, intent('dana@x.com'), 'dead', at, 5 * 60_000)).not.toBeNull();
    const sam = (await claimDelivery(db, intent('U0SAM'), 'dead', at, 5 * 60_000))!;
    expect(await markPosting(db, sam, 'dead', at, 60_000, 'U0SAM')).toBe(true);

    // While the dead process's leases last, the next attempt sends only ops@acme.com's.
    const soon = pacerProcess('b', { now: new Date(at.getTime() + 60_000) });
    await syncNamed(soon, workspaceId);
    expect(dmCounts()).toEqual([0, 1, 0]);
    // After them: Dana's claim is taken over; Sam's post became unknown (Slack may have it) and stays unsent.
    const later = new Date(at.getTime() + TEN_MINUTES);
    expect((await settleAbandonedPosts(db, later)).map((r) => r.key)).toEqual([intent('U0SAM').key]);
    await syncNamed(pacerProcess('c', { now: later }), workspaceId);
    expect(dmCounts()).toEqual([1, 1, 0]);
    expect((await deliveries()).map((d) => d.status).sort()).toEqual(['sent', 'sent', 'unknown']);
  });

  it('an admin Slack does not know, a missing scope, Slack failing: recorded and logged, the sync unharmed, the others told', async () => {
    workspaceId = await applyDocument(db, configDoc(hs.url, [...ADMINS, 'nobody@acme.com', 'U0GONE']));
    const { logger, lines } = capture();
    await syncNamed(pacerProcess('setup'), workspaceId);
    hs.revokeToken();
    // Slack answers 500 twice to the first DM: retried after a back-off, sent once.
    slack.failNext('chat.postMessage', { status: 500 }, 2);
    const pacer = pacerProcess('a', { now: new Date(NOW.getTime() + TEN_MINUTES), logger });
    const failed = await syncNamed(pacer, workspaceId);
    expect(failed).toMatchObject({ status: 'failed', stopping: true, error: expect.stringMatching(/^HubSpot refused the token/) });
    expect(dmCounts()).toEqual([1, 1, 1]);
    const byRecipient = Object.fromEntries((await deliveries()).map((d) => [d.recipient, [d.status, d.error]]));
    expect(byRecipient).toEqual({
      'dana@x.com': ['sent', null],
      'ops@acme.com': ['sent', null],
      U0SAM: ['sent', null],
      'nobody@acme.com': ['failed', 'users_not_found: no Slack user has this admin’s email'],
      U0GONE: ['failed', 'channel_not_found'],
    });
    const warned = lines().filter((l) => l.level === 40 && typeof l.delivery === 'string' && String(l.delivery).startsWith('source_failing:'));
    expect(warned.map((l) => [l.source, l.workspace, l.msg])).toEqual([
      ['hubspot', TEAM, 'no Slack user for the recipient; recorded, not retried'],
      ['hubspot', TEAM, 'Slack refused the message for good; recorded, not retried (see `pacer status`)'],
    ]);

    // A new spell with the token lacking users:read.email: the lookups fail for good, the id still works.
    hs.restoreToken();
    pacer.clock.set(new Date(NOW.getTime() + 2 * TEN_MINUTES));
    await syncNamed(pacer, workspaceId);
    await db.query('DELETE FROM slack_user');
    slack.setScopes(
      TEAM,
      LOCAL_SLACK_SCOPES.filter((s) => s !== 'users:read.email'),
    );
    hs.revokeToken();
    pacer.clock.set(new Date(NOW.getTime() + 3 * TEN_MINUTES));
    expect((await syncNamed(pacer, workspaceId)).status).toBe('failed');
    expect(dmCounts()).toEqual([1, 1, 2]);
    const spell2 = (await deliveries()).filter((d) => d.key.endsWith(`:${NOW.getTime() + 3 * TEN_MINUTES}`));
    expect(
      spell2
        .filter((d) => d.error === 'missing_scope')
        .map((d) => d.recipient)
        .sort(),
    ).toEqual(['dana@x.com', 'nobody@acme.com', 'ops@acme.com']);

    // Slack unreachable (auth.test fails in a fresh process): logged, and the sync result is the source's own.
    hs.restoreToken();
    pacer.clock.set(new Date(NOW.getTime() + 4 * TEN_MINUTES));
    await syncNamed(pacer, workspaceId);
    hs.revokeToken();
    slack.failNext('auth.test', { error: 'invalid_auth' });
    const fresh = pacerProcess('fresh', { now: new Date(NOW.getTime() + 5 * TEN_MINUTES), logger });
    expect(await syncNamed(fresh, workspaceId)).toMatchObject({ status: 'failed', error: failed.error });
    expect(lines().filter((l) => l.msg === 'could not tell the admins that the source is failing; the next attempt tries again')).toHaveLength(1);
    // The next attempt tells them.
    fresh.clock.set(new Date(NOW.getTime() + 6 * TEN_MINUTES));
    await syncNamed(fresh, workspaceId);
    expect(dms('U0SAM')).toHaveLength(3);
  });

  it('no admins: no DM, and one log line per spell saying nobody is told', async () => {
    workspaceId = await applyDocument(db, configDoc(hs.url));
    const { logger, lines } = capture();
    const pacer = pacerProcess('a', { logger });
    await syncNamed(pacer, workspaceId);
    hs.revokeToken();
    for (let run = 1; run <= 3; run += 1) {
      pacer.clock.set(new Date(NOW.getTime() + run * TEN_MINUTES));
      expect((await syncNamed(pacer, workspaceId)).status).toBe('failed');
    }
    expect(slack.callsTo('chat.postMessage')).toEqual([]);
    expect(await deliveries()).toEqual([]);
    const said = lines().filter((l) => typeof l.msg === 'string' && l.msg.startsWith('no admins: in the coaching config'));
    expect(said.map((l) => [l.source, l.workspace, l.level])).toEqual([['hubspot', TEAM, 40]]);
  });

  it('applying admins stores them; a change of admins alone leaves cached reports valid', async () => {
    workspaceId = await applyDocument(db, configDoc(hs.url, ['Ops@Acme.com']));
    const stored = async () => db.prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { admins: true, dataVersion: true } });
    const before = await stored();
    expect(before.admins).toEqual(['ops@acme.com']);
    await applyDocument(db, configDoc(hs.url, ADMINS));
    expect(await stored()).toEqual({ admins: ADMINS, dataVersion: before.dataVersion });
    await applyDocument(db, configDoc(hs.url));
    expect((await stored()).admins).toEqual([]);
  });
});
