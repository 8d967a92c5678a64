import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/db/api-keys.js';
import type { Database } from '../../src/db/client.js';
import { purgeWorkspace } from '../../src/db/purge.js';
import { databaseInstallationStore } from '../../src/db/slack-installations.js';
import { createTestDatabase } from '../helpers/db.js';
import { loadScenario } from '../helpers/scenario.js';
import { testKeys } from '../helpers/secrets.js';

describe('purge --workspace (PostgreSQL)', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
  });
  afterAll(() => db.close());

  const countsFor = async (workspaceId: number) =>
    Object.fromEntries(
      await Promise.all(
        ['activity_event', 'slack_user', 'alert_state', 'alert_feedback', 'alert_rule_pause', 'feedback', 'delivery', 'member', 'team', 'api_key', 'identity', 'target'].map(async (t) => [
          t,
          (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t} WHERE workspace_id = $1`, [workspaceId]))[0]!.n,
        ]),
      ),
    );

  it("deletes every row of one workspace and nothing of another's", async () => {
    const gone = await loadScenario(db, 'T0PURGE');
    const kept = await loadScenario(db, 'T0KEEP');
    for (const ws of [gone, kept]) {
      const member = await db.prisma.member.findFirstOrThrow({ where: { workspaceId: ws } });
      await createApiKey(db, ws, 'ingest');
      await db.prisma.slackUser.create({ data: { workspaceId: ws, slackUserId: 'U1', memberId: member.id, checkedAt: new Date() } });
      await db.prisma.alertState.create({ data: { workspaceId: ws, memberId: member.id, alertKey: 'k' } });
      await db.prisma.alertFeedback.create({ data: { workspaceId: ws, memberId: member.id, alertKey: 'stalled_deal:k', rule: 'stalled_deal', useful: false, at: new Date() } });
      await db.prisma.alertRulePause.create({ data: { workspaceId: ws, memberId: member.id, rule: 'stalled_deal', startedAt: new Date(), until: new Date() } });
      await db.prisma.feedback.create({ data: { workspaceId: ws, slackUserId: 'U1', subject: 's', useful: true } });
      await db.prisma.memberPreference.create({ data: { memberId: member.id, nudgesEnabled: false } });
      await db.query(`INSERT INTO delivery (workspace_id, key, kind, recipient, due_at, updated_at) VALUES ($1, $2, 'rep_nudge', '1', now(), now())`, [ws, `k${ws}`]);
    }
    await databaseInstallationStore(db, testKeys()).storeInstallation({
      team: { id: 'T0PURGE', name: 'Gone' },
      enterprise: undefined,
      user: { id: 'UADMIN', token: undefined, scopes: undefined },
      bot: { token: 'xoxb-x', scopes: [], id: 'B1', userId: 'UBOT' },
      isEnterpriseInstall: false,
    });
    const before = await countsFor(kept);

    const result = await purgeWorkspace(db, 'T0PURGE');
    expect(result.deleted).toMatchObject({ workspace: 1, slack_installation: 1, delivery: 1, feedback: 1, alert_state: 1, alert_feedback: 1, alert_rule_pause: 1, slack_user: 1 });
    expect(result.deleted.activity_event).toBeGreaterThan(0);
    expect(Object.values(await countsFor(gone)).every((n) => n === 0)).toBe(true);
    expect(await db.prisma.workspace.findUnique({ where: { slackTeamId: 'T0PURGE' } })).toBeNull();
    expect(await db.prisma.slackInstallation.count()).toBe(0);
    expect(await countsFor(kept)).toEqual(before);
    expect(await db.prisma.memberPreference.count()).toBe(1);

    await expect(purgeWorkspace(db, 'T0NOPE')).rejects.toThrow('No workspace T0NOPE; workspaces: T0KEEP.');
  });
});
