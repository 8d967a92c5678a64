import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { recordAlertAction } from '../../src/db/alert-state-repo.js';
import type { Database } from '../../src/db/client.js';
import { alertsSentSince, claimDelivery, claimGroup, ledgerSummary, markPosting, settleAbandonedPosts, settledKeys } from '../../src/db/delivery-ledger.js';
import { loadRoster } from '../../src/db/roster-repo.js';
import type { JobContext } from '../../src/jobs/context.js';
import { lastWeekEnd, lastWeekKey } from '../../src/jobs/due.js';
import { keepTeamPaces, readTeamPaces } from '../../src/db/team-paces-repo.js';
import { improvement } from '../../src/metrics/attention.js';
import { pacePercent } from '../../src/slack/blocks/format.js';
import { ingestEvents } from '../../src/ingest/ingest-events.js';
import { runJobNow } from '../../src/jobs/registry.js';
import { describeRuns } from '../../src/jobs/run-summary.js';
import { startScheduler, type SchedulerDeps } from '../../src/jobs/scheduler.js';
import { jobContext } from '../../src/jobs/setup.js';
import { startLocalSlack, validateBlocks, type LocalSlack } from '../../src/local-slack/index.js';
import { createLogger } from '../../src/logger.js';
import { teamReport } from '../../src/reports/build-report.js';
import { seedDatabase } from '../../src/seed/run.js';
import { renderRepNudge } from '../../src/slack/blocks/nudge.js';
import { deliveryClients } from '../../src/slack/delivery/clients.js';
import { createTestDatabase } from '../helpers/db.js';

const TEAM = 'T0JOBS';
const TOKEN = 'xoxb-jobs-token';
const APP_ID = 'A0JOBS';
const END = new Date('2026-11-23T12:00:00Z');

describe('scheduled coaching through the ledger (PostgreSQL, local Slack)', () => {
  let db: Database;
  let slack: LocalSlack;
  let ws: number;
  let reps: { memberId: number; email: string; userId: string; timezone: string }[];
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
    const seeded = await seedDatabase(db, { reps: 14, weeks: 8, seed: 5, end: END, workspace: TEAM, verify: false });
    ws = seeded.workspaceId;
    const teams = await db.prisma.team.findMany({ where: { workspaceId: ws } });
    for (const t of teams) await db.prisma.team.update({ where: { id: t.id }, data: { channel: `C${t.id}` } });
    const members = await db.prisma.member.findMany({ where: { workspaceId: ws }, orderBy: { id: 'asc' } });
    const roster = await loadRoster(db, ws);
    const teamZone = new Map(roster.flatMap((t) => [...t.reps, ...t.managers].map((r) => [r.memberId, t.week.timezone])));
    // Slack profiles agree with the team zones, except one rep who works from Los Angeles.
    const traveller = roster[0]!.reps[0]!.memberId;
    slack = await startLocalSlack({
      workspaces: [
        {
          teamId: TEAM,
          botToken: TOKEN,
          appId: APP_ID,
          users: members.map((m) => ({ id: `U${m.id}`, name: m.email.split('@')[0]!, email: m.email, tz: m.id === traveller ? 'America/Los_Angeles' : (teamZone.get(m.id) ?? 'UTC') })),
          channels: teams.map((t) => ({ id: `C${t.id}`, name: t.name.toLowerCase().replace(/\W+/g, '-') })),
        },
      ],
    });
    reps = roster.flatMap((t) => t.reps.map((r) => ({ memberId: r.memberId, email: r.email, userId: `U${r.memberId}`, timezone: r.timezone })));
  });
  afterAll(async () => {
    await slack?.close();
    await db?.close();
  });
  beforeEach(async () => {
    await db.query('DELETE FROM delivery');
    await db.query('DELETE FROM alert_state');
    await db.query('DELETE FROM team_paces');
    slack.clearRecords();
  });

  /** A scheduler process: its own id and throttle, the clock it is told, sleeping on that clock. */
  function processCtx(id: string, clock = manualClock(END)): JobContext & { clock: ReturnType<typeof manualClock> } {
    const ctx = jobContext({
      db,
      logger: logger.child({ process: id }),
      clock,
      clients: deliveryClients({ kind: 'http', botToken: TOKEN, signingSecret: 'unused' }, slack.apiUrl, db, logger),
      limits: { perChannelPerSecond: 1000, perChannelBurst: 1000, workspacePerMinute: 600_000, workspaceBurst: 1000 },
      policy: { maxAttempts: 4, backoffMs: 100, maxBackoffMs: 1000, leaseMs: 60_000 },
      processId: id,
      sleep: async (ms) => clock.advance(ms),
    });
    return { ...ctx, clock };
  }
  /** A process with Slack and no CRM sync, as the scheduler sees it. */
  const schedulerDeps = (ctx: JobContext): SchedulerDeps => ({ db, logger: ctx.logger, clock: ctx.clock, messaging: ctx, sync: null });

  /** An email by every rep, a minute before `at`, received at `at`: no lead, deal or past week changes. */
  const dataArrives = async (at: Date) => {
    const occurredAt = new Date(at.getTime() - 60_000).toISOString();
    const events = reps.map((r) => ({ id: `arrives-${at.getTime()}-${r.memberId}`, type: 'email', occurredAt, repEmail: r.email }));
    expect((await ingestEvents(db, ws, events, { receivedAt: at })).accepted).toBe(reps.length);
  };

  const dmsTo = (userId: string) => slack.messages(userId).filter((m) => !m.ephemeral);
  const statuses = async (kind: string) =>
    db.query<{ key: string; status: string; recipient: string; due_at: Date; error: string | null }>('SELECT key, status::text, recipient, due_at, error FROM delivery WHERE kind = $1', [kind]);

  it('two schedulers at once post every nudge exactly once, with the numbers of the report use-case', async () => {
    const [a, b] = await Promise.all([runJobNow(processCtx('A'), 'rep-nudges', END), runJobNow(processCtx('B'), 'rep-nudges', END)]);
    expect(a.sent + b.sent).toBe(reps.length);
    expect(a.sent).toBeGreaterThan(0);
    for (const rep of reps) expect(dmsTo(rep.userId)).toHaveLength(1);
    const rows = await statuses('rep_nudge');
    expect(rows.map((r) => r.status)).toEqual(reps.map(() => 'sent'));

    const rep = reps[0]!;
    const roster = await loadRoster(db, ws);
    const team = roster.find((t) => t.reps.some((r) => r.memberId === rep.memberId))!;
    const report = (await teamReport(db, ws, team.name, END)).members.find((m) => m.rep.email === rep.email)!;
    // The "Open dashboard" button links the App Home of the app auth.test names, as /mykpis's does.
    const expected = renderRepNudge({ report, feedbackSubject: `rep_nudge:${lastWeekKey(END, team.week)}`, appHomeUrl: `slack://app?team=${TEAM}&id=${APP_ID}&tab=home` });
    const posted = dmsTo(rep.userId)[0]!;
    expect(posted.blocks).toEqual(JSON.parse(JSON.stringify(expected.blocks)));
    expect(posted.text).toBe(expected.text);
    expect(validateBlocks(posted.blocks ?? [], { surface: 'message' })).toEqual([]);

    // Run again: nothing new goes out.
    const again = await runJobNow(processCtx('C'), 'rep-nudges', END);
    expect(again.sent).toBe(0);
    for (const r of reps) expect(dmsTo(r.userId)).toHaveLength(1);
  });

  it('a process killed mid-run loses nothing but the one message it was posting, which becomes unknown', async () => {
    const roster = await loadRoster(db, ws);
    const team = roster[0]!;
    const week = lastWeekKey(END, team.week);
    const [posting, claimed] = team.reps;
    const intent = (r: typeof posting) => ({ workspaceId: ws, key: `rep_nudge:${TEAM}:${r!.memberId}:${week}`, kind: 'rep_nudge', recipient: String(r!.memberId), dueAt: END });
    // The dead process claimed two messages and died inside the post call of the first.
    const c1 = (await claimDelivery(db, intent(posting), 'dead', END, 10 * 60_000))!;
    expect(await markPosting(db, c1, 'dead', END, 60_000, `U${posting!.memberId}`)).toBe(true);
    expect(await claimDelivery(db, intent(claimed), 'dead', END, 10 * 60_000)).not.toBeNull();

    // While its leases last, nobody else may take them.
    const early = await runJobNow(processCtx('B'), 'rep-nudges', new Date(END.getTime() + 60_000));
    expect(early.sent).toBe(reps.length - 2);
    expect(dmsTo(`U${claimed!.memberId}`)).toHaveLength(0);

    // After the leases: the posting one is settled as unknown (never re-sent), the other goes out.
    const later = new Date(END.getTime() + 11 * 60_000);
    expect((await settleAbandonedPosts(db, later)).map((r) => r.key)).toEqual([c1.key]);
    const after = await runJobNow(processCtx('C', manualClock(later)), 'rep-nudges', later);
    expect(after.sent).toBe(1);
    expect(dmsTo(`U${claimed!.memberId}`)).toHaveLength(1);
    expect(dmsTo(`U${posting!.memberId}`)).toHaveLength(0);
    const summary = await ledgerSummary(db, ws);
    expect(summary.counts).toEqual({ sent: reps.length - 1, unknown: 1 });
  });

  it('two alert scans at once send each rep their alerts in one message, each alert once', async () => {
    const [a, b] = await Promise.all([runJobNow(processCtx('A'), 'alert-scan', END), runJobNow(processCtx('B'), 'alert-scan', END)]);
    const rows = await statuses('behaviour_alert');
    expect(a.sent + b.sent).toBe(rows.length);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    const recipients = new Set(rows.map((r) => r.recipient));
    expect(recipients.size).toBeGreaterThan(1);
    for (const recipient of recipients) expect(dmsTo(`U${recipient}`)).toHaveLength(1);
  });

  it('posts a message of several alerts whole or not at all: its rows follow the claim, and a killed post leaves each unknown', async () => {
    const rep = reps[0]!;
    const intent = (n: number) => ({ workspaceId: ws, key: `behaviour_alert:${TEAM}:${rep.memberId}:test-${n}`, kind: 'behaviour_alert', recipient: String(rep.memberId), dueAt: END });
    const claims = await Promise.all([1, 2, 3].map(async (n) => (await claimDelivery(db, intent(n), 'P', END, 10 * 60_000))!));
    const group = claimGroup(claims)!;
    expect(group.riders?.map((r) => r.key)).toEqual([intent(2).key, intent(3).key]);
    const rowStatuses = async () => (await statuses('behaviour_alert')).map((r) => r.status);

    // Another process took one row over (its lease had expired): the message is not posted at all.
    await db.query("UPDATE delivery SET claimed_by = 'Q' WHERE key = $1", [intent(3).key]);
    expect(await markPosting(db, group, 'P', END, 60_000, rep.userId)).toBe(false);
    expect(await rowStatuses()).toEqual(['pending', 'pending', 'pending']);

    // All three ours: all posting at once; the process dies in the call; after the lease, each is
    // unknown (never re-sent) and each counts against the rep's daily cap.
    await db.query("UPDATE delivery SET claimed_by = 'P' WHERE key = $1", [intent(3).key]);
    expect(await markPosting(db, group, 'P', END, 60_000, rep.userId)).toBe(true);
    expect(await rowStatuses()).toEqual(['posting', 'posting', 'posting']);
    expect((await settleAbandonedPosts(db, new Date(END.getTime() + 61_000))).map((r) => r.key).sort()).toEqual([1, 2, 3].map((n) => intent(n).key));
    expect(await alertsSentSince(db, ws, rep.memberId, END)).toBe(3);
    expect(
      (
        await settledKeys(
          db,
          [1, 2, 3].map((n) => intent(n).key),
          new Date(END.getTime() + 61_000),
        )
      ).size,
    ).toBe(3);
  });

  it('rides out a 429 storm without losing or doubling a message', async () => {
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 2 }, 5);
    slack.failNext('chat.postMessage', { status: 503 }, 2);
    const ctx = processCtx('A');
    const summary = await runJobNow(ctx, 'rep-nudges', END);
    expect(summary.sent).toBe(reps.length);
    for (const rep of reps) expect(dmsTo(rep.userId)).toHaveLength(1);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(reps.length + 7);
    // The throttle waited out each Retry-After on the process clock.
    expect(ctx.clock.now().getTime() - END.getTime()).toBeGreaterThanOrEqual(5 * 2000);
  });

  it('posts the first team’s messages while the next teams’ are still being computed', async () => {
    const roster = await loadRoster(db, ws);
    expect(roster.length).toBeGreaterThan(1);
    const base = processCtx('A');
    let claimedAtFirstPost: number | null = null;
    const ctx: JobContext = {
      ...base,
      clients: {
        async clientFor(teamId) {
          const client = await base.clients.clientFor(teamId);
          if (!client) return null;
          const post = client.chat.postMessage.bind(client.chat);
          client.chat.postMessage = async (args) => {
            claimedAtFirstPost ??= (await statuses('rep_nudge')).length;
            return post(args);
          };
          return client;
        },
      },
    };
    const summary = await runJobNow(ctx, 'rep-nudges', END);
    expect(summary).toMatchObject({ sent: reps.length, failed: 0 });
    expect(summary.computeMs).toBeGreaterThan(0);
    // The first post went out before the last team's nudges were claimed (a claim precedes computing).
    const lastTeam = roster.at(-1)!;
    expect(claimedAtFirstPost).toBeGreaterThan(0);
    expect(claimedAtFirstPost).toBeLessThanOrEqual(reps.length - lastTeam.reps.length);
    for (const rep of reps) expect(dmsTo(rep.userId)).toHaveLength(1);
  });

  it('"who improved" compares with the paces kept last week, and keeps this week’s for the next', async () => {
    const roster = await loadRoster(db, ws);
    const team = roster[0]!;
    const thisWeek = lastWeekEnd(END, team.week);
    const weekBefore = lastWeekEnd(new Date(thisWeek.getTime() - 1), team.week);
    const kept = async (end: Date) => readTeamPaces(db, team.id, end);
    const manager = team.managers[0]!;
    const digestTo = () => dmsTo(`U${manager.memberId}`).at(-1)!;

    // No paces kept yet: last week's are computed from a report a week earlier, and both weeks kept;
    // that report computes no links (the paces do not need them): links are kept for this week alone.
    await db.query('DELETE FROM team_links');
    await runJobNow(processCtx('A'), 'manager-digests', END);
    const linkWeeks = await db.query<{ week_start: Date | string }>('SELECT DISTINCT week_start FROM team_links WHERE team_id = $1', [team.id]);
    expect(linkWeeks.map((r) => new Date(r.week_start).getTime())).toEqual([weekBefore.getTime()]);
    const current = await teamReport(db, ws, team.name, END);
    const thisWeeks = (await kept(thisWeek))!;
    expect(thisWeeks.asOf).toEqual(END);
    expect(thisWeeks.reps).toEqual(current.members.map((m) => ({ email: m.rep.email, leading: m.leading.map(({ key, pace, n }) => ({ key, pace, n })) })));
    const before = (await teamReport(db, ws, team.name, new Date(END.getTime() - 7 * 86_400_000), END)).members;
    expect((await kept(weekBefore))!.reps.map((r) => r.leading)).toEqual(before.map((m) => m.leading.map(({ key, pace, n }) => ({ key, pace, n }))));

    // Last week's kept paces are what the digest compares with: one rep's, lowered, make them the win.
    const rep = current.members.find(
      (m) =>
        improvement(
          current.focus,
          m.leading.map((l) => ({ ...l, pace: l.pace === null ? null : 0.01 })),
          m.leading,
          current.minRateN,
        )?.improved,
    )!;
    expect(rep).toBeDefined();
    const lowered = (await kept(weekBefore))!.reps.map((r) => (r.email === rep.rep.email ? { ...r, leading: r.leading.map((l) => ({ ...l, pace: l.pace === null ? null : 0.01 })) } : r));
    await keepTeamPaces(db, team.id, weekBefore, { asOf: new Date(END.getTime() - 7 * 86_400_000), reps: lowered });
    await db.query('DELETE FROM delivery');
    await runJobNow(processCtx('B'), 'manager-digests', END);
    const change = improvement(current.focus, lowered.find((r) => r.email === rep.rep.email)!.leading, rep.leading, current.minRateN)!;
    expect(JSON.stringify(digestTo().blocks)).toContain(`focus pace rose ${pacePercent(change.before)} → ${pacePercent(change.after)}`);

    // Of two computations of one week, the later one's paces are kept.
    await keepTeamPaces(db, team.id, thisWeek, { asOf: new Date(END.getTime() - 60_000), reps: [] });
    expect((await kept(thisWeek))!.reps).toEqual(thisWeeks.reps);
  });

  it('waits out a 429 and backs off a 503 on the recipient lookup, then delivers each message once', async () => {
    // Forget the reps' Slack ids, so every message starts with users.lookupByEmail.
    await db.query('DELETE FROM slack_user WHERE workspace_id = $1', [ws]);
    slack.failNext('users.lookupByEmail', { status: 429, retryAfter: 2 });
    slack.failNext('users.lookupByEmail', { status: 503 });
    const ctx = processCtx('A');
    const summary = await runJobNow(ctx, 'rep-nudges', END);
    expect(summary).toMatchObject({ sent: reps.length, failed: 0 });
    for (const rep of reps) expect(dmsTo(rep.userId)).toHaveLength(1);
    expect((await statuses('rep_nudge')).map((r) => r.status)).toEqual(reps.map(() => 'sent'));
    const lookups = slack.callsTo('users.lookupByEmail').map((c) => c.status);
    expect(lookups.slice(0, 3)).toEqual([429, 503, 200]);
    expect(lookups).toHaveLength(reps.length + 2);
    // The Retry-After was waited out on the process clock.
    expect(ctx.clock.now().getTime() - END.getTime()).toBeGreaterThanOrEqual(2000);
  });

  it('sends the nudges without the dashboard button when the app id cannot be looked up', async () => {
    const ctx = processCtx('A');
    // The process knows its workspace already; the next auth.test is the app id's lookup.
    expect(await ctx.clients.clientFor(TEAM)).not.toBeNull();
    slack.failNext('auth.test', { status: 503 });
    const summary = await runJobNow(ctx, 'rep-nudges', END);
    expect(summary).toMatchObject({ sent: reps.length, failed: 0 });
    const looked = slack.callsTo('auth.test').map((c) => c.status);
    expect(looked.slice(-1)).toEqual([503]);
    for (const rep of reps) {
      const [posted] = dmsTo(rep.userId);
      expect(JSON.stringify(posted!.blocks)).not.toContain('slack://app');
      expect(JSON.stringify(posted!.blocks)).toContain('feedback_useful');
    }
    expect(logs.join('')).toContain('could not find the app id');
  });

  it('records a permanent failure for one recipient once and delivers to everyone else', async () => {
    const gone = reps[3]!;
    slack.setUser(TEAM, gone.userId, { deleted: true });
    try {
      const summary = await runJobNow(processCtx('A'), 'rep-nudges', END);
      expect(summary).toMatchObject({ sent: reps.length - 1, failed: 1 });
      const rows = await statuses('rep_nudge');
      expect(rows.find((r) => r.recipient === String(gone.memberId))).toMatchObject({ status: 'failed', error: 'account_inactive' });
      expect(slack.callsTo('chat.postMessage').filter((c) => c.body.channel === gone.userId)).toHaveLength(1);
      const problems = (await ledgerSummary(db, ws)).problems;
      expect(problems.map((p) => [p.status, p.error])).toEqual([['failed', 'account_inactive']]);
      expect(logs.join('').match(/Slack refused the message for good/g)).toHaveLength(1);
    } finally {
      slack.setUser(TEAM, gone.userId, { deleted: false });
    }
  });

  it('caps behaviour alerts per rep per day, counting alerts; one message per rep per scan; the rest go out the next day; a snoozed alert returns once', async () => {
    const ctx = processCtx('A');
    const first = await runJobNow(ctx, 'alert-scan', END);
    const sentPerRep = (rows: { recipient: string; status: string }[]) => {
      const counts = new Map<string, number>();
      for (const r of rows) if (r.status === 'sent') counts.set(r.recipient, (counts.get(r.recipient) ?? 0) + 1);
      return counts;
    };
    /** The alert keys a DM carries, one per actions block (each alert's buttons carry its key). */
    const alertKeysIn = (m: { blocks?: unknown[] }) =>
      (m.blocks ?? []).flatMap((b: any) => (b.type === 'actions' ? [JSON.parse(b.elements.find((e: any) => e.action_id === 'alert_done').value).key as string] : []));
    const day1 = await statuses('behaviour_alert');
    // The summary counts alerts: each ledger row is one alert, however many share a message.
    expect(first.sent).toBe(day1.length);
    const perRep1 = sentPerRep(day1);
    expect(Math.max(...perRep1.values())).toBe(3);
    expect(first.held).toBeGreaterThan(0);
    for (const [recipient, n] of perRep1) {
      const dms = dmsTo(`U${recipient}`);
      expect(dms).toHaveLength(1);
      expect(alertKeysIn(dms[0]!).sort()).toEqual(
        day1
          .filter((r) => r.recipient === recipient)
          .map((r) => r.key.split(':').slice(3).join(':'))
          .sort(),
      );
      expect(dms[0]!.text).toMatch(n > 1 ? new RegExp(`^${n} things to act on today: `) : /^[^\n]+$/);
    }
    // Every alert of a message was posted in that one call: its rows share the message's ts.
    const ts = await db.query<{ recipient: string; n: number }>("SELECT recipient, count(DISTINCT ts)::int AS n FROM delivery WHERE kind = 'behaviour_alert' GROUP BY recipient");
    expect(ts.every((r) => r.n === 1)).toBe(true);

    // Later the same day: the cap is spent by alerts, not by messages, so nothing more goes out.
    const posts = slack.callsTo('chat.postMessage').length;
    const later = new Date(END.getTime() + 20 * 60_000);
    await dataArrives(later);
    const sameDay = await runJobNow(processCtx('A2', manualClock(later)), 'alert-scan', later);
    expect(sameDay.sent).toBe(0);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(posts);

    const nextDay = new Date(END.getTime() + 86_400_000);
    const second = await runJobNow(processCtx('B', manualClock(nextDay)), 'alert-scan', nextDay);
    expect(second.sent).toBeGreaterThan(0);
    const day2 = (await statuses('behaviour_alert')).filter((r) => !day1.some((d) => d.key === r.key));
    expect(Math.max(...sentPerRep(day2).values())).toBeLessThanOrEqual(3);
    for (const recipient of sentPerRep(day2).keys()) expect(dmsTo(`U${recipient}`)).toHaveLength(perRep1.has(recipient) ? 2 : 1);
    const keys = (await statuses('behaviour_alert')).map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);

    // Snooze an untouched lead that is still an alert after the snooze (untouched, and its deadline
    // still within the lookback) for a day: it comes back once after the snooze, with no snooze menu.
    const afterSnooze = new Date(nextDay.getTime() + 2 * 86_400_000);
    const stillOpen = new Set<string>();
    for (const team of await loadRoster(db, ws)) {
      for (const m of (await teamReport(db, ws, team.name, afterSnooze)).members) for (const a of m.alerts) stillOpen.add(a.key);
    }
    const alert = day1.find((r) => r.key.includes(':untouched_lead:') && stillOpen.has(r.key.split(':').slice(3).join(':')))!;
    expect(alert).toBeDefined();
    const alertKey = alert.key.split(':').slice(3).join(':');
    await recordAlertAction(db, { workspaceId: ws, memberId: Number(alert.recipient), alertKey, action: 'snooze_1d', now: nextDay });
    // The CRM keeps sending (alerts are held while data is stale, docs/metrics.md "Data health").
    await dataArrives(afterSnooze);
    await runJobNow(processCtx('C', manualClock(afterSnooze)), 'alert-scan', afterSnooze);
    await dataArrives(new Date(afterSnooze.getTime() + 86_400_000));
    await runJobNow(processCtx('D', manualClock(afterSnooze)), 'alert-scan', new Date(afterSnooze.getTime() + 86_400_000));
    const returned = (await statuses('behaviour_alert')).filter((r) => r.key === `${alert.key}:returned`);
    expect(returned.map((r) => r.status)).toEqual(['sent']);
    // It came back in its own actions block, without the snooze menu.
    const returnBlocks: any[] = slack
      .messages(`U${alert.recipient}`)
      .flatMap((m) => (m.blocks ?? []).filter((b: any) => b.type === 'actions' && b.elements.some((e: any) => e.value === JSON.stringify({ key: alertKey }))));
    expect(returnBlocks.length).toBeGreaterThanOrEqual(2);
    expect(returnBlocks[0].elements.some((e: any) => e.type === 'static_select')).toBe(true);
    expect(
      returnBlocks
        .at(-1)
        .elements.map((e: any) => e.action_id)
        .filter((id: string) => id !== 'open_record'),
    ).toEqual(['alert_done', 'alert_dismiss', 'alert_useful', 'alert_not_useful']);
  });

  it('an explicit run sends, once, the weekly messages the schedule skipped past the grace window; sent, failed and unknown ones never again', async () => {
    // Wednesday 12:01Z: every nudge of last week was due on Monday or Tuesday, past the 6 h grace
    // window, so the scheduler's ticks skip them (and scan no alerts: not a tenth minute).
    const wednesday = new Date(END.getTime() + 2 * 86_400_000 + 60_000);
    const roster = await loadRoster(db, ws);
    const [wasSent, wasFailed, wasUnknown] = roster[0]!.reps;
    const settledBefore = new Map([wasSent, wasFailed, wasUnknown].map((r, i) => [String(r!.memberId), ['sent', 'failed', 'unknown'][i]!]));
    for (const [recipient, status] of settledBefore) {
      await db.query(`INSERT INTO delivery (workspace_id, key, kind, recipient, status, due_at, updated_at) VALUES ($1, $2, 'rep_nudge', $3, $4::"DeliveryStatus", $5, $5)`, [
        ws,
        `rep_nudge:${TEAM}:${recipient}:${lastWeekKey(wednesday, roster[0]!.week)}`,
        recipient,
        status,
        END,
      ]);
    }
    const tick = async (id: string) => {
      const scheduler = startScheduler(schedulerDeps(processCtx(id, manualClock(wednesday))), { timer: false });
      await scheduler.tick();
      await scheduler.stop();
    };
    await tick('A');
    await tick('B');
    expect(logs.join('')).not.toMatch(/job [\w-]+ failed/);
    const skipped = (await statuses('rep_nudge')).filter((r) => r.status === 'skipped');
    expect(skipped.map((r) => r.recipient).sort()).toEqual(
      reps
        .map((r) => String(r.memberId))
        .filter((r) => !settledBefore.has(r))
        .sort(),
    );
    for (const rep of reps) expect(dmsTo(rep.userId)).toHaveLength(0);

    const run = await runJobNow(processCtx('C', manualClock(wednesday)), 'rep-nudges', wednesday);
    expect(run).toMatchObject({ sent: reps.length - 3, failed: 0, revived: reps.length - 3 });
    expect(run.revivedWeeks).toEqual([...new Set(roster.map((t) => lastWeekKey(wednesday, t.week)))].sort());
    expect(describeRuns([{ job: 'rep-nudges', summary: run }])).toMatch(/^Sent \d+ weekly messages \(\d+ nudges\)\. The weeks? of .+ had been skipped by the schedule/);
    for (const rep of reps) expect(dmsTo(rep.userId), rep.email).toHaveLength(settledBefore.has(String(rep.memberId)) ? 0 : 1);
    for (const row of await statuses('rep_nudge')) expect(row.status).toBe(settledBefore.get(row.recipient) ?? 'sent');

    // Nothing goes out twice: not on another explicit run, not on the scheduler's next tick.
    expect(await runJobNow(processCtx('D', manualClock(wednesday)), 'rep-nudges', wednesday)).toMatchObject({ sent: 0, revived: 0, revivedWeeks: [] });
    await tick('E');
    for (const rep of reps) expect(dmsTo(rep.userId)).toHaveLength(settledBefore.has(String(rep.memberId)) ? 0 : 1);
  });

  it('a skipped message is claimed only by an explicit run, in one statement that says it revived it', async () => {
    const rep = reps[0]!;
    const intent = { workspaceId: ws, key: `rep_nudge:${TEAM}:${rep.memberId}:revive`, kind: 'rep_nudge', recipient: String(rep.memberId), dueAt: END };
    const later = new Date(END.getTime() + 86_400_000);
    await db.query(`INSERT INTO delivery (workspace_id, key, kind, recipient, status, due_at, error, updated_at) VALUES ($1, $2, 'rep_nudge', $3, 'skipped', $4, 'past its grace window', $4)`, [
      ws,
      intent.key,
      intent.recipient,
      END,
    ]);
    expect(await settledKeys(db, [intent.key], later)).toEqual(new Set([intent.key]));
    expect(await settledKeys(db, [intent.key], later, { revive: true })).toEqual(new Set());
    expect(await claimDelivery(db, intent, 'scheduled', later, 60_000)).toBeNull();
    const claim = await claimDelivery(db, intent, 'explicit', later, 60_000, { revive: true });
    expect(claim).toMatchObject({ key: intent.key, revived: true });
    const [row] = await db.query<{ status: string; claimed_by: string; error: string | null }>('SELECT status::text, claimed_by, error FROM delivery WHERE key = $1', [intent.key]);
    expect(row).toEqual({ status: 'pending', claimed_by: 'explicit', error: null });
    // Now held by a live claim: nobody else gets it, revive or not.
    expect(await claimDelivery(db, intent, 'other', later, 60_000, { revive: true })).toBeNull();
    expect(await settledKeys(db, [intent.key], later, { revive: true })).toEqual(new Set([intent.key]));
  });

  it('an explicit run sends every message of the week even while a scheduled run records them skipped', async () => {
    // The sandbox's "Run the weekly jobs now" met the minute scheduler this way: the schedule's
    // run, past the grace window, recorded skips between the explicit run's planning and its claims.
    const wednesday = new Date(END.getTime() + 2 * 86_400_000 + 60_000);
    const tick = async (id: string) => {
      const scheduler = startScheduler(schedulerDeps(processCtx(id, manualClock(wednesday))), { timer: false });
      await scheduler.tick();
      await scheduler.stop();
    };
    const [run] = await Promise.all([runJobNow(processCtx('explicit', manualClock(wednesday)), 'rep-nudges', wednesday), tick('A'), tick('B')]);
    expect(logs.join('')).not.toMatch(/job [\w-]+ failed/);
    expect(run.sent).toBe(reps.length);
    for (const rep of reps) expect(dmsTo(rep.userId), rep.email).toHaveLength(1);
    for (const row of await statuses('rep_nudge')) expect(row.status).toBe('sent');
  });

  it('the scheduler sends what is due in each recipient zone and skips what is past the grace window', async () => {
    // Monday 15:01Z: a nudge due at 08:30 in London (08:30Z) is 6.5 h late, over the 6 h grace;
    // one due at 08:30 in New York (13:30Z) is within it; Asia's are due on Tuesday. The rep whose
    // Slack profile says Los Angeles (learned when Pacer first messaged them) is due at 16:30Z.
    await runJobNow(processCtx('warm-up'), 'rep-nudges', END);
    await db.query('DELETE FROM delivery');
    slack.clearRecords();
    const clock = manualClock(new Date('2026-11-23T15:01:00Z'));
    const scheduler = startScheduler(schedulerDeps(processCtx('A', clock)), { timer: false });
    await scheduler.tick();
    await scheduler.stop();
    expect(logs.join('')).not.toMatch(/job [\w-]+ failed/);
    const now = clock.now().getTime();
    const rows = await statuses('rep_nudge');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const late = now - row.due_at.getTime();
      expect(late).toBeGreaterThanOrEqual(0);
      expect(row.status).toBe(late > 6 * 3_600_000 ? 'skipped' : 'sent');
    }
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['skipped', 'sent']));
    for (const rep of reps) {
      const row = rows.find((r) => r.recipient === String(rep.memberId));
      expect(dmsTo(rep.userId)).toHaveLength(row?.status === 'sent' ? 1 : 0);
    }
    const traveller = (await loadRoster(db, ws))[0]!.reps[0]!;
    expect(traveller.timezone).toBe('America/Los_Angeles');
    expect(rows.find((r) => r.recipient === String(traveller.memberId))).toBeUndefined();
    // Recaps and digests of the same tick went out too (team channels, managers).
    expect((await statuses('team_recap')).length).toBeGreaterThan(0);
  });
});
