import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateBlocks } from '../../src/local-slack/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/runtime.js';
import { capturingLogger } from '../helpers/secrets.js';

describe('the sandbox runtime (embedded database, local Slack, Pacer in HTTP mode)', () => {
  let dir: string;
  let sandbox: Sandbox;
  const log = capturingLogger();
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pacer-sandbox-'));
    sandbox = await startSandbox({ dataDir: dir, port: 0, logger: log.logger, demo: { reps: 10, weeks: 8, seed: 3 }, scheduler: false });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('says once that Slack tokens would be stored unencrypted, as PACER_ENCRYPTION_KEY is not set', () => {
    const said = log.lines().filter((l) => l.msg.includes('PACER_ENCRYPTION_KEY'));
    expect(said.map((l) => l.msg)).toEqual([expect.stringMatching(/^PACER_ENCRYPTION_KEY is not set: Slack installation tokens would be stored unencrypted/)]);
  });

  it('lets a rep run /mykpis, open the App Home and see the events behind a figure', async () => {
    const people = await sandbox.backend.people();
    const rep = people.find((p) => p.role === 'rep')!;
    expect(people.some((p) => p.role === 'manager')).toBe(true);
    const [answer] = await sandbox.backend.runCommand(rep.slackUserId, '/mykpis', '');
    expect(answer!.ephemeral).toBe(true);
    expect(validateBlocks(answer!.blocks, { surface: 'message' })).toEqual([]);
    expect(answer!.text.length).toBeGreaterThan(10);

    type Option = { text: { text: string }; value: string };
    const home = (await sandbox.backend.openHome(rep.slackUserId)) as { blocks: { type: string; accessory?: { action_id?: string; options?: Option[] }; block_id?: string }[] };
    expect(home.blocks.length).toBeGreaterThan(5);
    // One menu opens the events behind any figure; the rep picks one.
    const menu = home.blocks.find((b) => b.accessory?.action_id === 'show_events')!;
    const figure = menu.accessory!.options![0]!;
    const { modal } = await sandbox.backend.click(rep.slackUserId, {
      actionId: 'show_events',
      blockId: menu.block_id ?? '',
      selectedOption: { value: figure.value, text: figure.text.text },
      source: { kind: 'home' },
    });
    expect(modal).not.toBeNull();
    expect(JSON.stringify(modal!.view)).not.toContain('Working out the numbers');
    expect(JSON.stringify(modal!.view)).toContain(figure.text.text);
  });

  it('runs the weekly jobs: nudges in DMs, recaps in team channels; feedback updates the message; the clock advances', async () => {
    const result = await sandbox.backend.runWeeklyJobs();
    expect(result.nudges).toBeGreaterThan(0);
    expect(result.recaps).toBeGreaterThan(0);
    expect(result.failed).toBe(0);
    const rep = (await sandbox.backend.people()).find((p) => p.role === 'rep')!;
    const conversations = await sandbox.backend.conversations(rep.slackUserId);
    const dm = conversations.find((c) => c.kind === 'dm')!;
    expect(dm.messages.length).toBeGreaterThan(0);
    expect(conversations.some((c) => c.kind === 'channel' && c.messages.length > 0)).toBe(true);

    const nudge = dm.messages.find((m) => JSON.stringify(m.blocks).includes('feedback_useful'))!;
    await sandbox.backend.click(rep.slackUserId, {
      actionId: 'feedback_useful',
      blockId: 'feedback',
      value: JSON.parse(JSON.stringify(nudge.blocks)).at(-1).elements[0].value,
      source: { kind: 'message', channel: dm.id, ts: nudge.ts },
    });
    const after = (await sandbox.backend.conversations(rep.slackUserId)).find((c) => c.kind === 'dm')!.messages.find((m) => m.ts === nudge.ts)!;
    expect(JSON.stringify(after.blocks)).toContain('Thanks');
    expect(JSON.stringify(after.blocks)).not.toContain('feedback_useful');

    const before = sandbox.backend.now().getTime();
    const { now } = await sandbox.backend.advanceClock(7);
    expect(now.getTime() - before).toBeGreaterThanOrEqual(7 * 86_400_000);
  });

  it("serves the page every seeded deal and lead links to, at its own address, with the record's name and events", async () => {
    for (const type of ['opportunity_created', 'lead_assigned']) {
      const event = await sandbox.db.prisma.activityEvent.findFirstOrThrow({ where: { type }, orderBy: { occurredAt: 'desc' } });
      const id = (event.dealId ?? event.leadId)!;
      const kind = event.dealId ? 'deals' : 'leads';
      expect(event.url).toBe(`${sandbox.url}/crm/${kind}/${id}`);
      const res = await fetch(event.url!);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const html = await res.text();
      const name = (event.dealName ?? event.leadName)!;
      expect(name.length).toBeGreaterThan(3);
      expect(html).toContain(`<h1>${name.replace(/&/g, '&amp;')}</h1>`);
      expect(html).toContain(`<dd>${event.accountName!.replace(/&/g, '&amp;')}</dd>`);
      expect(html).toContain(`<td>${type.replace(/_/g, ' ')}`);
    }
    expect((await fetch(`${sandbox.url}/crm/deals/D-nothing`)).status).toBe(404);
  });
});
