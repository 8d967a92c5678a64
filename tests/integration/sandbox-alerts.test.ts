import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateBlocks } from '../../src/local-slack/index.js';
import { createLogger } from '../../src/logger.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/runtime.js';

const quiet = createLogger({ level: 'warn', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

// Issue 12 item 3 in the sandbox: a rep's alerts arrive as one DM naming each record with its
// "Open in CRM" link to the sandbox's own record page, and the snooze menu and 👎 work there
// (the sandbox sends the message with each click, as Slack does).

describe('alerts in the sandbox (embedded database, local Slack, Pacer in HTTP mode)', () => {
  let dir: string;
  let sandbox: Sandbox;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pacer-sandbox-alerts-'));
    sandbox = await startSandbox({ dataDir: dir, port: 0, logger: quiet, demo: { reps: 10, weeks: 8, seed: 3 }, scheduler: false });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('sends each rep one alert message with names and record links; its snooze menu and 👎 update it in place', async () => {
    await sandbox.backend.runWeeklyJobs();
    const alertMessages = [];
    for (const person of (await sandbox.backend.people()).filter((p) => p.role === 'rep')) {
      const dm = (await sandbox.backend.conversations(person.slackUserId)).find((c) => c.kind === 'dm');
      const found = (dm?.messages ?? []).filter((m) => JSON.stringify(m.blocks).includes('"alert_done"'));
      expect(found.length).toBeLessThanOrEqual(1);
      if (found[0] && dm) alertMessages.push({ person, dm, message: found[0] });
    }
    expect(alertMessages.length).toBeGreaterThan(0);
    const blocksOf = (m: { blocks: unknown[] }) => JSON.parse(JSON.stringify(m.blocks)) as any[];
    const withLink = alertMessages.find((a) => blocksOf(a.message).some((b) => b.type === 'actions' && b.elements.some((e: any) => e.action_id === 'open_record')))!;
    expect(withLink).toBeDefined();
    const { person, dm, message } = withLink;
    const blocks = blocksOf(message);
    expect(validateBlocks(blocks, { surface: 'message' })).toEqual([]);
    const open = blocks.flatMap((b) => (b.type === 'actions' ? b.elements : [])).find((e: any) => e.action_id === 'open_record');
    expect(open.url.startsWith(`${sandbox.url}/crm/`)).toBe(true);
    expect((await fetch(open.url)).status).toBe(200);

    const first = blocks.find((b) => b.type === 'actions')!;
    const source = { kind: 'message' as const, channel: dm.id, ts: message.ts };
    const current = async () => blocksOf((await sandbox.backend.conversations(person.slackUserId)).find((c) => c.kind === 'dm')!.messages.find((m) => m.ts === message.ts)!);

    await sandbox.backend.click(person.slackUserId, {
      actionId: 'alert_not_useful',
      blockId: first.block_id,
      value: first.elements.find((e: any) => e.action_id === 'alert_not_useful').value,
      source,
    });
    const afterFeedback = await current();
    expect(afterFeedback.find((b) => b.block_id === `${first.block_id}:note`)?.elements[0].text).toMatch(/^👎 Noted\./);

    await sandbox.backend.click(person.slackUserId, { actionId: 'alert_snooze', blockId: first.block_id, selectedOption: { value: '1d', text: '1 day' }, source });
    const afterSnooze = await current();
    expect(afterSnooze.find((b) => b.block_id === first.block_id)).toBeUndefined();
    expect(JSON.stringify(afterSnooze)).toContain('Snoozed until');
    expect(afterSnooze.filter((b) => b.type === 'actions')).toHaveLength(blocks.filter((b) => b.type === 'actions').length - 1);
    const key = JSON.parse(first.elements.find((e: any) => e.action_id === 'alert_done').value).key as string;
    expect(await sandbox.db.prisma.alertState.findFirst({ where: { alertKey: key }, select: { status: true } })).toEqual({ status: 'snoozed' });
  });
});
