import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { alertFeedbackCounts, pausedAlertRules, pausedRuleKeys, recordAlertFeedback, undoRulePause } from '../../src/db/alert-feedback-repo.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrator.js';
import { loadRoster } from '../../src/db/roster-repo.js';
import { runJobNow } from '../../src/jobs/registry.js';
import { jobContext } from '../../src/jobs/setup.js';
import { startLocalSlack, type LocalSlack } from '../../src/local-slack/index.js';
import { createLogger } from '../../src/logger.js';
import type { AlertRule } from '../../src/metrics/rules.js';
import { seedDatabase } from '../../src/seed/run.js';
import { deliveryClients } from '../../src/slack/delivery/clients.js';
import { createPostgresDatabase, createTestDatabase, DATABASE_KINDS } from '../helpers/db.js';
import { loadScenario } from '../helpers/scenario.js';

// Issue 12 item 4, feedback that changes something: 👎 on two alerts of one rule within 30 days
// pauses that rule for the rep for 30 days; the scan then sends none of it; the manager's digest
// and `pacer status` show the team's 👍/👎 per rule and the pauses.

const DAY = 86_400_000;
const T0 = new Date('2026-12-01T15:00:00Z');
const at = (days: number, from = T0) => new Date(from.getTime() + days * DAY);

describe.each(DATABASE_KINDS)('alert feedback and rule pauses on %s', (kind) => {
  let db: Database;
  let n = 0;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.close();
  });

  /** A fresh scenario workspace: its id and its members' ids by first name. */
  async function workspace() {
    const ws = await loadScenario(db, `T0FB${kind.slice(0, 2).toUpperCase()}${(n += 1)}`);
    const members = await db.prisma.member.findMany({ where: { workspaceId: ws } });
    const id = (name: string) => members.find((m) => m.name === name)!.id;
    const fb = (memberName: string, alertKey: string, useful: boolean, now: Date) => recordAlertFeedback(db, { workspaceId: ws, memberId: id(memberName), alertKey, useful, now });
    const paused = async (now: Date) =>
      [
        ...(await pausedRuleKeys(
          db,
          ws,
          members.map((m) => m.id),
          now,
        )),
      ].sort();
    return { ws, id, fb, paused };
  }

  it('pauses a rule for 30 days at the second 👎 on it within 30 days, and says so once', async () => {
    const { id, fb, paused } = await workspace();
    expect(await fb('Ben', 'stalled_deal:D1:2026-11-10T00:00:00.000Z', false, T0)).toEqual({ rule: 'stalled_deal', pause: null });
    expect(await paused(at(1))).toEqual([]);
    const second = await fb('Ben', 'stalled_deal:D2:2026-11-20T00:00:00.000Z', false, at(29));
    expect(second).toEqual({ rule: 'stalled_deal', pause: { rule: 'stalled_deal', until: at(59) } });
    expect(await paused(at(29))).toEqual([`${id('Ben')}|stalled_deal`]);
    expect(await paused(new Date(at(59).getTime() - 1))).toEqual([`${id('Ben')}|stalled_deal`]);
    expect(await paused(at(59))).toEqual([]);
    // A third 👎 while paused starts nothing new: the rep was told once.
    expect((await fb('Ben', 'stalled_deal:D3:2026-11-21T00:00:00.000Z', false, at(30))).pause).toBeNull();
    expect(await db.prisma.alertRulePause.count({ where: { memberId: id('Ben') } })).toBe(1);
  });

  it('does not pause after two 👎 61 (or 31) days apart', async () => {
    const { fb, paused } = await workspace();
    await fb('Cara', 'untouched_lead:3:L1', false, T0);
    expect((await fb('Cara', 'untouched_lead:3:L2', false, at(61))).pause).toBeNull();
    await fb('Cara', 'missed_follow_up:e1', false, T0);
    expect((await fb('Cara', 'missed_follow_up:e2', false, at(31))).pause).toBeNull();
    expect(await paused(at(62))).toEqual([]);
  });

  it('does not pause on 👎 on two rules, on the same alert twice, or on a 👎 taken back', async () => {
    const { fb, paused } = await workspace();
    await fb('Anna', 'stalled_deal:D1:x', false, T0);
    expect((await fb('Anna', 'untouched_lead:2:L1', false, at(1))).pause).toBeNull();
    // The same alert twice is one opinion.
    expect((await fb('Anna', 'stalled_deal:D1:x', false, at(2))).pause).toBeNull();
    // Taken back: 👍 replaces the 👎 on L1, so another untouched-lead 👎 is the first again.
    await fb('Anna', 'untouched_lead:2:L1', true, at(3));
    expect((await fb('Anna', 'untouched_lead:2:L2', false, at(4))).pause).toBeNull();
    expect(await paused(at(5))).toEqual([]);
    // Other reps' 👎 on the same rule do not add up to a pause of Anna's.
    expect((await fb('Ben', 'stalled_deal:D9:x', false, at(5))).pause).toBeNull();
    expect(await paused(at(5))).toEqual([]);
  });

  it('Undo ends the pause; the 👎s behind it do not count again, later ones do', async () => {
    const { id, fb, paused } = await workspace();
    await fb('Ben', 'activity_drop:5:call:a', false, T0);
    const { pause } = await fb('Ben', 'activity_drop:5:call:b', false, at(1));
    expect(pause).not.toBeNull();
    // Undo names the pause it was offered with: an older one's date undoes nothing.
    expect(await undoRulePause(db, { memberId: id('Ben'), rule: 'activity_drop', until: at(-1), now: at(2) })).toBe(false);
    expect(await undoRulePause(db, { memberId: id('Ben'), rule: 'activity_drop', until: pause!.until, now: at(2) })).toBe(true);
    expect(await undoRulePause(db, { memberId: id('Ben'), rule: 'activity_drop', until: pause!.until, now: at(2) })).toBe(false);
    expect(await paused(at(2))).toEqual([]);
    expect((await fb('Ben', 'activity_drop:5:call:c', false, at(3))).pause).toBeNull();
    expect((await fb('Ben', 'activity_drop:5:call:d', false, at(4))).pause).toEqual({ rule: 'activity_drop', until: at(34) });
    expect(await paused(at(4))).toEqual([`${id('Ben')}|activity_drop`]);
  });

  it('refuses a key that names no rule', async () => {
    const { fb } = await workspace();
    await expect(fb('Ben', 'nudge:2026-W48', false, T0)).rejects.toThrow('names no alert rule');
  });

  it('counts 👍/👎 per rule for the team over the last 30 days, and lists the paused rules of its active reps', async () => {
    const { ws, fb } = await workspace();
    await fb('Anna', 'stalled_deal:A:x', true, at(-10));
    await fb('Cara', 'stalled_deal:C:x', true, at(-1));
    await fb('Cara', 'untouched_lead:4:old', true, at(-40));
    await fb('Ben', 'untouched_lead:3:L1', false, at(-2));
    const { pause } = await fb('Ben', 'untouched_lead:3:L2', false, at(-1));
    expect(await alertFeedbackCounts(db, ws, T0)).toEqual(
      new Map([
        [
          'Central',
          [
            { rule: 'untouched_lead', useful: 0, notUseful: 2 },
            { rule: 'stalled_deal', useful: 2, notUseful: 0 },
          ],
        ],
      ]),
    );
    expect(await pausedAlertRules(db, ws, T0)).toEqual(new Map([['Central', [{ name: 'Ben', rule: 'untouched_lead', until: pause!.until }]]]));
    // A rep who leaves the config takes their pause and feedback off the team's lines.
    await db.prisma.member.updateMany({ where: { workspaceId: ws, name: 'Ben' }, data: { active: false } });
    expect(await pausedAlertRules(db, ws, T0)).toEqual(new Map());
    expect((await alertFeedbackCounts(db, ws, T0)).get('Central')).toEqual([{ rule: 'stalled_deal', useful: 2, notUseful: 0 }]);
  });
});

describe('a paused rule in the scan, the digest and pacer status (PostgreSQL, local Slack)', () => {
  const TEAM = 'T0PAUSE';
  const TOKEN = 'xoxb-pause-token';
  const END = new Date('2026-11-23T12:00:00Z');
  let url: string;
  let db: Database;
  let slack: LocalSlack;
  let ws: number;
  const logger = createLogger({ level: 'warn', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

  beforeAll(async () => {
    url = await createPostgresDatabase();
    db = await openDatabase({ databaseUrl: url, maxConnections: 4 });
    await migrate(db);
    ws = (await seedDatabase(db, { reps: 8, weeks: 8, seed: 7, end: END, workspace: TEAM, verify: false })).workspaceId;
    const members = await db.prisma.member.findMany({ where: { workspaceId: ws } });
    slack = await startLocalSlack({
      workspaces: [{ teamId: TEAM, botToken: TOKEN, users: members.map((m) => ({ id: `U${m.id}`, name: m.email.split('@')[0]!, email: m.email, tz: 'UTC' })), channels: [] }],
    });
  });
  afterAll(async () => {
    await slack?.close();
    await db?.close();
  });

  const ctx = (now: Date) => jobContext({ db, logger, clock: manualClock(now), clients: deliveryClients({ kind: 'http', botToken: TOKEN, signingSecret: 'unused' }, slack.apiUrl, db, logger) });
  /** The rule of each alert a message carries, read from its buttons' keys. */
  const rulesIn = (m: { blocks?: unknown[] }) =>
    (m.blocks ?? []).flatMap((b: any) => (b.type === 'actions' ? [JSON.parse(b.elements.find((e: any) => e.action_id === 'alert_done').value).key.split(':')[0] as string] : []));

  it('sends none of a paused rule to the rep, still sends the rep’s other alerts and other reps’ alerts of that rule; the digest and status say so', async () => {
    // What the scan would send now, with nothing paused.
    const wouldSend: { to: string; rules: string[] }[] = [];
    await runJobNow({ ...ctx(END), dryRun: (to, m) => wouldSend.push({ to, rules: rulesIn(m) }) }, 'alert-scan', END);
    const roster = await loadRoster(db, ws);
    const reps = roster.flatMap((t) => t.reps.map((r) => ({ ...r, team: t.name })));
    // A rep whose message would mix rules, and a rule of theirs another rep would get too, if any.
    const target = wouldSend.find((w) => new Set(w.rules).size > 1)!;
    expect(target).toBeDefined();
    const rep = reps.find((r) => r.email === target.to)!;
    const rule = target.rules[0] as AlertRule;
    await recordAlertFeedback(db, { workspaceId: ws, memberId: rep.memberId, alertKey: `${rule}:earlier-1`, useful: false, now: new Date(END.getTime() - 2 * DAY) });
    const { pause } = await recordAlertFeedback(db, { workspaceId: ws, memberId: rep.memberId, alertKey: `${rule}:earlier-2`, useful: false, now: new Date(END.getTime() - DAY) });
    expect(pause).not.toBeNull();

    const summary = await runJobNow(ctx(END), 'alert-scan', END);
    expect(summary.sent).toBeGreaterThan(0);
    const dms = slack.messages(`U${rep.memberId}`);
    expect(dms).toHaveLength(1);
    expect(rulesIn(dms[0]!)).toEqual(target.rules.filter((r) => r !== rule));
    for (const other of wouldSend.filter((w) => w.to !== rep.email)) {
      const member = reps.find((r) => r.email === other.to)!;
      expect(slack.messages(`U${member.memberId}`).flatMap(rulesIn)).toEqual(other.rules);
    }

    // The manager's digest: the team's 👍/👎 per rule and the pause, by the rep's name.
    const digests = await runJobNow(ctx(END), 'manager-digests', END);
    expect(digests.sent).toBeGreaterThan(0);
    const team = roster.find((t) => t.name === rep.team)!;
    const digestTexts = team.managers
      .flatMap((m) => slack.messages(`U${m.memberId}`))
      .flatMap((m) => (m.blocks ?? []).flatMap((b: any) => (b.type === 'context' ? b.elements.map((e: any) => e.text as string) : [])));
    const words = rule.replace(/_/g, '-');
    expect(digestTexts).toContain(`Alert feedback, last 30 days: ${words} 👍 0 👎 2`);
    const paused = digestTexts.find((t) => t.startsWith('Paused after 2 👎:'));
    expect(paused).toContain(`Paused after 2 👎: ${words} alerts for ${rep.name} until <!date^${pause!.until.getTime() / 1000}^{date_short}|`);

    // pacer status, as a process on this database at the same clock.
    const status = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'status'], { env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: url, PACER_NOW: END.toISOString() } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    const lines = status.stdout.split('\n');
    const from = lines.indexOf('alert feedback (last 30 days):');
    expect(lines.slice(from, from + 4)).toEqual([
      'alert feedback (last 30 days):',
      `  team ${rep.team}: ${words} 0 👍 2 👎`,
      'alert rules paused by reps:',
      `  team ${rep.team}: ${rep.name}, ${words} alerts until ${pause!.until.toISOString()}`,
    ]);
  });
});
