import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import type { AnyBlock } from '@slack/types';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrator.js';
import { missingScopes, recordMissingScope } from '../../src/db/slack-scopes-repo.js';
import type { JobContext } from '../../src/jobs/context.js';
import { runJobNow } from '../../src/jobs/registry.js';
import { jobContext } from '../../src/jobs/setup.js';
import { startLocalSlack, type LocalSlack } from '../../src/local-slack/index.js';
import { createLogger } from '../../src/logger.js';
import { deliveryClients } from '../../src/slack/delivery/clients.js';
import { BOT_SCOPES } from '../../src/slack/scopes.js';
import { createPostgresDatabase } from '../helpers/db.js';
import { loadScenario, SCENARIO_AS_OF } from '../helpers/scenario.js';

/**
 * A workspace installed from the manifest as it was before files:read and chat:write.public:
 * Pacer falls back to what it did then, records each missing scope once, and `pacer status`
 * says how to add them; a reinstall with the manifest's scopes brings both back.
 */

const TEAM = 'T0SCOPES';
const TOKEN = 'xoxb-scopes-token';
const CHANNEL = 'C0RECAP';
const OLD_SCOPES = ['commands', 'chat:write', 'im:write', 'users:read', 'users:read.email', 'files:write'];

function pacerStatus(databaseUrl: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'status'], {
      env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: databaseUrl, PACER_NOW: SCENARIO_AS_OF.toISOString() },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const images = (blocks: unknown[] | undefined) => ((blocks ?? []) as AnyBlock[]).filter((b) => b.type === 'image');

describe('an installation without files:read and chat:write.public (local Slack, PostgreSQL)', () => {
  let url: string;
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
    url = await createPostgresDatabase();
    db = await openDatabase({ databaseUrl: url, maxConnections: 2 });
    await migrate(db);
    const ws = await loadScenario(db, TEAM);
    await db.prisma.team.updateMany({ where: { workspaceId: ws }, data: { channel: CHANNEL } });
    slack = await startLocalSlack({
      workspaces: [{ teamId: TEAM, botToken: TOKEN, users: [], channels: [{ id: CHANNEL, name: 'central-wins', botIsMember: false }], scopes: OLD_SCOPES }],
    });
  });
  afterAll(async () => {
    await slack?.close();
    await db?.close();
  });
  beforeEach(async () => {
    await db.query('DELETE FROM delivery');
    slack.clearRecords();
    logs.length = 0;
  });

  function ctx(): JobContext {
    const clock = manualClock(SCENARIO_AS_OF);
    return jobContext({
      db,
      logger,
      clock,
      clients: deliveryClients({ kind: 'http', botToken: TOKEN, signingSecret: 'unused' }, slack.apiUrl, db, logger),
      policy: { maxAttempts: 2, backoffMs: 10, maxBackoffMs: 10, leaseMs: 60_000 },
      processId: 'scopes',
      sleep: async (ms) => clock.advance(ms),
    });
  }
  const workspaceId = async () => (await db.prisma.workspace.findUniqueOrThrow({ where: { slackTeamId: TEAM } })).id;
  const scopeWarnings = () => logs.filter((l) => l.includes('Slack scopes missing'));

  it('falls back as before, records each missing scope once, and pacer status says once how to add them', async () => {
    const summary = await runJobNow(ctx(), 'team-recaps', SCENARIO_AS_OF);
    // Without chat:write.public the recap meets not_in_channel, recorded and not retried, as before.
    expect(summary).toMatchObject({ sent: 0, failed: 1 });
    expect(await db.query<{ status: string; error: string }>('SELECT status, error FROM delivery')).toEqual([{ status: 'failed', error: 'not_in_channel' }]);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    // Without files:read the chart upload asks files.info once, is refused, and does not wait for processing.
    const infos = slack.callsTo('files.info');
    expect(infos.map((c) => [c.response.error, c.response.needed])).toEqual([['missing_scope', 'files:read']]);
    expect(slack.files.filter((f) => f.completed)).toHaveLength(1);
    expect(await missingScopes(db, await workspaceId())).toEqual(['files:read', 'chat:write.public']);
    expect(scopeWarnings()).toHaveLength(2);

    // A second week: the same fallbacks, nothing recorded or logged again.
    await db.query('DELETE FROM delivery');
    expect((await runJobNow(ctx(), 'team-recaps', SCENARIO_AS_OF)).failed).toBe(1);
    expect(await missingScopes(db, await workspaceId())).toEqual(['files:read', 'chat:write.public']);
    expect(scopeWarnings()).toHaveLength(2);

    const status = await pacerStatus(url);
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    const lines = status.stdout.split('\n').filter((l) => l.includes('Slack scopes missing'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Slack scopes missing: files:read \(.+\); chat:write\.public \(.+\)\. .*reinstall it to the workspace/);
    expect(status.stdout.split('\n')[1]).toBe(lines[0]);
  });

  it('after a reinstall with the manifest’s scopes: the recap reaches the channel uninvited, its chart waits for processing, and status is quiet', async () => {
    // As an earlier week left it (the test above).
    for (const scope of ['files:read', 'chat:write.public']) await recordMissingScope(db, TEAM, scope);
    slack.setScopes(TEAM, [...BOT_SCOPES]);
    const summary = await runJobNow(ctx(), 'team-recaps', SCENARIO_AS_OF);
    expect(summary).toMatchObject({ sent: 1, failed: 0 });
    const [recap] = slack.messages(CHANNEL);
    expect(images(recap?.blocks)).toHaveLength(1);
    expect(slack.callsTo('files.info').map((c) => c.response.ok)).toEqual([true]);
    expect(await missingScopes(db, await workspaceId())).toEqual([]);
    expect(logs.some((l) => l.includes('granted now'))).toBe(true);
    const status = await pacerStatus(url);
    expect(status.stdout).not.toContain('Slack scopes missing');
  });

  it('with chat:write.public, a private channel the bot is not in fails as before and is not taken for a missing scope', async () => {
    slack.setScopes(TEAM, [...BOT_SCOPES]);
    slack.setChannel(TEAM, CHANNEL, { isPrivate: true });
    try {
      expect((await runJobNow(ctx(), 'team-recaps', SCENARIO_AS_OF)).failed).toBe(1);
      expect(await missingScopes(db, await workspaceId())).toEqual([]);
      expect(scopeWarnings()).toEqual([]);
    } finally {
      slack.setChannel(TEAM, CHANNEL, { isPrivate: false });
    }
  });
});
