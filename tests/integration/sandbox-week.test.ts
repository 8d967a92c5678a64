import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { snapshotMemo } from '../../src/reports/snapshot-memo.js';
import type { SandboxPerson } from '../../src/sandbox/backend.js';
import { SANDBOX_WORKSPACE, startSandbox, type Sandbox } from '../../src/sandbox/runtime.js';
import { orgEventsAfterEnd } from '../../src/seed/continuation.js';
import { buildOrg } from '../../src/seed/org.js';

/**
 * The sandbox shows the week (issue 12): "Run the weekly jobs now" delivers the last complete
 * week's messages after the schedule skipped them; "Advance the clock a week" stores the week the
 * demo org's generator makes and sends every person their Monday messages; a restart stores
 * nothing twice. The sandbox starts on a Thursday, past Monday's grace window.
 */
const END = new Date('2026-12-03T12:00:00Z');
const DEMO = { reps: 10, weeks: 8, seed: 3 };
const DAY = 86_400_000;

const logs: string[] = [];
const logger = createLogger({
  level: 'info',
  destination: new Writable({
    write(chunk: Buffer, _e, cb) {
      logs.push(chunk.toString());
      cb();
    },
  }),
});

interface LedgerRow {
  key: string;
  kind: string;
  recipient: string;
  status: string;
  channel: string | null;
  ts: string | null;
}

describe('the sandbox shows the week', () => {
  let dir: string;
  let sandbox: Sandbox;
  let people: SandboxPerson[];
  let reps: SandboxPerson[];
  let managers: SandboxPerson[];
  let teams: number;
  const start = () => startSandbox({ dataDir: dir, port: 0, logger, demo: DEMO, end: END, scheduler: false });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pacer-sandbox-week-'));
    sandbox = await start();
    people = await sandbox.backend.people();
    reps = people.filter((p) => p.role === 'rep');
    managers = people.filter((p) => p.role === 'manager');
    teams = new Set(people.flatMap((p) => p.teams)).size;
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  const memberOf = (p: SandboxPerson) => String(Number(p.slackUserId.slice(1)));
  const weekly = () => sandbox.db.query<LedgerRow>(`SELECT key, kind, recipient, status::text, channel, ts FROM delivery WHERE kind <> 'behaviour_alert' ORDER BY key`);
  /** The person's Monday messages as Slack holds them: each sent ledger row's message, found in Slack by its ts. */
  const delivered = async (kind: string, p: SandboxPerson) => {
    const rows = (await weekly()).filter((r) => r.kind === kind && r.status === 'sent' && r.key.includes(`:${memberOf(p)}:`));
    return rows.map((r) => sandbox.slack.messages(p.slackUserId).find((m) => m.ts === r.ts && !m.ephemeral));
  };
  const storedEvents = async (from: Date, until: Date) =>
    (await sandbox.db.query<{ id: string; received_at: Date }>('SELECT external_id AS id, received_at FROM activity_event WHERE occurred_at >= $1 AND occurred_at < $2', [from, until])).sort((a, b) =>
      a.id < b.id ? -1 : 1,
    );
  const generated = (fromDays: number, untilDays: number) => {
    const org = buildOrg({ ...DEMO, end: END, workspace: SANDBOX_WORKSPACE, crmBaseUrl: sandbox.url });
    return [...orgEventsAfterEnd(org, new Date(END.getTime() + fromDays * DAY), new Date(END.getTime() + untilDays * DAY))].flatMap((r) => r.events.map((e) => e.id)).sort();
  };

  it('"Run the weekly jobs now" delivers the last complete week the schedule skipped, once, and says so', async () => {
    await sandbox.tick();
    const skipped = await weekly();
    expect(skipped.length).toBe(reps.length + managers.length + teams);
    expect(new Set(skipped.map((r) => r.status))).toEqual(new Set(['skipped']));

    const run = await sandbox.backend.runWeeklyJobs();
    expect(run).toMatchObject({ nudges: reps.length, digests: managers.length, recaps: teams, failed: 0 });
    expect(run.skippedWeeks).toEqual([...new Set(skipped.map((r) => r.key.split(':').at(-1)!))]);
    expect(run.summary).toMatch(/^Sent \d+ weekly messages \(\d+ nudges, \d+ digests?, \d+ recaps?\) and \d+ alerts?\. The week of .+ had been skipped by the schedule/);
    for (const rep of reps) expect(await delivered('rep_nudge', rep), rep.name).toEqual([expect.objectContaining({ channel: expect.any(String) })]);
    for (const manager of managers) expect((await delivered('manager_digest', manager)).length).toBeGreaterThanOrEqual(1);
    expect(new Set((await weekly()).map((r) => r.status))).toEqual(new Set(['sent']));

    // The weekly run and the alert scan read each team once: they leave the snapshot memo to the Slack report cache.
    expect(snapshotMemo(sandbox.db).size).toBe(0);

    const again = await sandbox.backend.runWeeklyJobs();
    expect(again).toMatchObject({ nudges: 0, digests: 0, recaps: 0, skippedWeeks: [] });
    await sandbox.tick();
    for (const rep of reps) expect(await delivered('rep_nudge', rep)).toHaveLength(1);
  });

  it('"Advance the clock a week" stores the week the generator makes, received then, and sends every person their Monday messages', async () => {
    const before = sandbox.backend.now().getTime();
    const { now, events, run } = await sandbox.backend.advanceClock(7);
    expect(now.getTime() - before).toBeGreaterThanOrEqual(7 * DAY);
    const stored = await storedEvents(END, new Date(END.getTime() + 7 * DAY));
    const expected = generated(0, 7);
    expect(expected.length).toBeGreaterThan(DEMO.reps * 100);
    expect(stored.map((e) => e.id)).toEqual(expected);
    expect(events).toBe(expected.length);
    for (const e of stored) expect(e.received_at.getTime()).toBeGreaterThanOrEqual(END.getTime() + 7 * DAY);

    // The new week's Monday messages, sent straight away (not skipped first).
    expect(run).toMatchObject({ nudges: reps.length, digests: managers.length, recaps: teams, failed: 0, skippedWeeks: [] });
    for (const rep of reps) {
      const nudges = await delivered('rep_nudge', rep);
      expect(nudges, rep.name).toHaveLength(2);
      expect(nudges.every((m) => m !== undefined)).toBe(true);
    }
    for (const manager of managers) expect((await delivered('manager_digest', manager)).length).toBeGreaterThanOrEqual(2);
    const recaps = (await weekly()).filter((r) => r.kind === 'team_recap' && r.status === 'sent');
    expect(recaps).toHaveLength(2 * teams);
    for (const r of recaps) expect(sandbox.slack.messages(r.channel!).some((m) => m.ts === r.ts)).toBe(true);
  });

  it('advancing again adds the next week; a restart stores nothing twice and goes on from there', async () => {
    await sandbox.backend.advanceClock(7);
    expect((await storedEvents(new Date(END.getTime() + 7 * DAY), new Date(END.getTime() + 14 * DAY))).map((e) => e.id)).toEqual(generated(7, 14));
    const count = async () => (await sandbox.db.query<{ n: number }>('SELECT count(*)::int AS n FROM activity_event'))[0]!.n;
    const total = await count();
    expect(JSON.parse(await readFile(path.join(dir, 'sandbox.json'), 'utf8'))).toMatchObject({ advancedDays: 14, demo: DEMO, crmBaseUrl: sandbox.url });

    const url = sandbox.url;
    await sandbox.stop();
    sandbox = await start();
    expect(await count()).toBe(total);
    expect(sandbox.backend.now().getTime()).toBeGreaterThanOrEqual(END.getTime() + 14 * DAY);
    // The local Slack starts empty again, and so does the ledger of what was posted to it: the week is delivered again on request.
    expect(sandbox.slack.messages()).toEqual([]);
    expect(await sandbox.backend.runWeeklyJobs()).toMatchObject({ nudges: reps.length, digests: managers.length, recaps: teams });
    for (const rep of reps) expect((await delivered('rep_nudge', rep)).filter((m) => m !== undefined)).toHaveLength(1);
    // The demo org's links keep the first run's address.
    expect(url).not.toBe(sandbox.url);
    await sandbox.backend.advanceClock(7);
    expect((await storedEvents(new Date(END.getTime() + 14 * DAY), new Date(END.getTime() + 21 * DAY))).map((e) => e.id)).toEqual(
      (() => {
        const org = buildOrg({ ...DEMO, end: END, workspace: SANDBOX_WORKSPACE, crmBaseUrl: url });
        return [...orgEventsAfterEnd(org, new Date(END.getTime() + 14 * DAY), new Date(END.getTime() + 21 * DAY))].flatMap((r) => r.events.map((e) => e.id)).sort();
      })(),
    );
    expect(await count()).toBeGreaterThan(total);
  });

  it('"Open your dashboard" in a /mykpis answer is a click Pacer acknowledges; @Name in a command arrives escaped', async () => {
    const rep = reps[0]!;
    const dm = (await sandbox.backend.conversations(rep.slackUserId)).find((c) => c.kind === 'dm')!;
    const [answer] = await sandbox.backend.runCommand(rep.slackUserId, '/mykpis', '');
    expect(answer!.ts).toMatch(/^\d+\.\d{6}$/);
    const blocks = answer!.blocks as { type: string; block_id?: string; elements?: { action_id?: string; url?: string }[] }[];
    const block = blocks.find((b) => b.elements?.some((e) => e.action_id === 'open_dashboard'));
    expect(block?.elements?.find((e) => e.action_id === 'open_dashboard')?.url).toMatch(/^slack:\/\/app\?team=T0SANDBOX&id=A\w+&tab=home$/);
    const clicked = await sandbox.backend.click(rep.slackUserId, { actionId: 'open_dashboard', blockId: block!.block_id ?? '', source: { kind: 'message', channel: dm.id, ts: answer!.ts } });
    expect(clicked).toEqual({ modal: null, responses: [] });
    expect(logs.join('')).not.toMatch(/not acknowledged/);

    const manager = managers.find((m) => m.teams.some((t) => rep.teams.includes(t)))!;
    const [about] = await sandbox.backend.runCommand(manager.slackUserId, '/mykpis', `@${rep.name}`);
    expect(about!.text).toContain(rep.name);
    const help = await sandbox.backend.runCommand(manager.slackUserId, '/mykpis', '@Nobody Known');
    expect(JSON.stringify(help)).toContain('@Nobody');
  });
});
