import { Writable } from 'node:stream';
import type { AnyBlock, ImageBlock } from '@slack/types';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import type { Database } from '../../src/db/client.js';
import { loadRoster } from '../../src/db/roster-repo.js';
import type { JobContext } from '../../src/jobs/context.js';
import { runJobNow } from '../../src/jobs/registry.js';
import { jobContext } from '../../src/jobs/setup.js';
import { FILE_UPLOAD_ENDPOINT, startLocalSlack, validateBlocks, validateView, type LocalSlack } from '../../src/local-slack/index.js';
import { createLogger } from '../../src/logger.js';
import { TeamReportCache } from '../../src/reports/report-cache.js';
import { seedDatabase } from '../../src/seed/run.js';
import type { SlackMessage } from '../../src/slack/blocks/kit.js';
import { deliveryClients } from '../../src/slack/delivery/clients.js';
import { publishHome } from '../../src/slack/home.js';
import type { SlackPerson } from '../../src/slack/who.js';
import { createTestDatabase } from '../helpers/db.js';

const TEAM = 'T0CHARTS';
const TOKEN = 'xoxb-charts-token';
const END = new Date('2026-11-23T12:00:00Z');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const images = (blocks: readonly AnyBlock[] | undefined) => (blocks ?? []).filter((b): b is ImageBlock => b.type === 'image');
const fileIdOf = (b: ImageBlock) => ('slack_file' in b && 'id' in b.slack_file ? b.slack_file.id : undefined);

describe('charts in the team recap and the App Home (local Slack)', () => {
  let db: Database;
  let slack: LocalSlack;
  let ws: number;
  let channels: string[];
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
    db = await createTestDatabase('embedded');
    const seeded = await seedDatabase(db, { reps: 16, weeks: 8, seed: 7, end: END, workspace: TEAM, verify: false });
    ws = seeded.workspaceId;
    const teams = await db.prisma.team.findMany({ where: { workspaceId: ws } });
    for (const t of teams) await db.prisma.team.update({ where: { id: t.id }, data: { channel: `C${t.id}` } });
    channels = teams.map((t) => `C${t.id}`);
    const members = await db.prisma.member.findMany({ where: { workspaceId: ws } });
    slack = await startLocalSlack({
      workspaces: [
        {
          teamId: TEAM,
          botToken: TOKEN,
          users: members.map((m) => ({ id: `U${m.id}`, name: m.email.split('@')[0]!, email: m.email })),
          channels: teams.map((t) => ({ id: `C${t.id}`, name: t.name.toLowerCase().replace(/\W+/g, '-') })),
        },
      ],
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

  function ctx(extra: Partial<JobContext> = {}): JobContext {
    const clock = manualClock(END);
    return {
      ...jobContext({
        db,
        logger,
        clock,
        clients: deliveryClients({ kind: 'http', botToken: TOKEN, signingSecret: 'unused' }, slack.apiUrl, db, logger),
        limits: { perChannelPerSecond: 1000, perChannelBurst: 1000, workspacePerMinute: 600_000, workspaceBurst: 1000 },
        policy: { maxAttempts: 2, backoffMs: 10, maxBackoffMs: 10, leaseMs: 60_000 },
        processId: 'charts',
        sleep: async (ms) => clock.advance(ms),
      }),
      ...extra,
    };
  }

  it('posts each team recap with its cadence chart: an image block naming a PNG the workspace holds', async () => {
    const summary = await runJobNow(ctx(), 'team-recaps', END);
    expect(summary.sent).toBe(channels.length);
    for (const channel of channels) {
      const [recap] = slack.messages(channel);
      expect(recap).toBeDefined();
      const [image, ...more] = images(recap!.blocks as AnyBlock[]);
      expect(more).toEqual([]);
      const file = slack.files.find((f) => f.id === fileIdOf(image!));
      expect(file).toMatchObject({ teamId: TEAM, completed: true, channels: [] });
      expect(file?.bytes?.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(file?.bytes?.readUInt32BE(16)).toBe(600);
      expect(image!.alt_text).toMatch(/^Bar chart, .+ a week as a team\. Weeks oldest first — /);
      expect(validateBlocks(recap!.blocks ?? [], { surface: 'message' })).toEqual([]);
    }
    expect(slack.files).toHaveLength(channels.length);
  });

  it('computes the next team’s recap while a chart upload is slow, and posts each recap with its chart once uploaded', async () => {
    expect(channels.length).toBeGreaterThan(1);
    // The first upload is held back: the next team's recap is computed (its upload asked for) meanwhile.
    slack.failNext(FILE_UPLOAD_ENDPOINT, { delayMs: 500 }, 1);
    const summary = await runJobNow(ctx(), 'team-recaps', END);
    expect(summary.sent).toBe(channels.length);
    const files = slack.calls.map((c) => c.method).filter((m) => m.startsWith('files.'));
    const asked = files.flatMap((m, i) => (m === 'files.getUploadURLExternal' ? [i] : []));
    expect(asked[1]).toBeLessThan(files.indexOf('files.completeUploadExternal'));
    for (const channel of channels) {
      const [recap] = slack.messages(channel);
      const [image] = images(recap!.blocks as AnyBlock[]);
      expect(slack.files.find((f) => f.id === fileIdOf(image!))).toMatchObject({ completed: true });
    }
  });

  it('posts the recap without its chart when the upload fails, and says why in the log', async () => {
    slack.failNext('files.getUploadURLExternal', { error: 'internal_error' }, channels.length);
    const summary = await runJobNow(ctx(), 'team-recaps', END);
    expect(summary.sent).toBe(channels.length);
    for (const channel of channels) {
      const [recap] = slack.messages(channel);
      expect(images(recap!.blocks as AnyBlock[])).toEqual([]);
      expect(validateBlocks(recap!.blocks ?? [], { surface: 'message' })).toEqual([]);
    }
    expect(logs.filter((l) => l.includes('chart not attached'))).toHaveLength(channels.length);
  });

  it('posts the recap again without its chart when Slack refuses the image block', async () => {
    slack.failNext('chat.postMessage', { error: 'invalid_blocks' }, 1);
    const summary = await runJobNow(ctx(), 'team-recaps', END);
    expect(summary).toMatchObject({ sent: channels.length, failed: 0 });
    const withImage = channels.filter((c) => images(slack.messages(c)[0]!.blocks as AnyBlock[]).length > 0);
    expect(withImage).toHaveLength(channels.length - 1);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(channels.length + 1);
    for (const channel of channels) expect(slack.messages(channel)).toHaveLength(1);
  });

  it('uploads nothing in a dry run', async () => {
    const printed: SlackMessage[] = [];
    const summary = await runJobNow(ctx({ dryRun: (_to, m) => printed.push(m) }), 'team-recaps', END);
    expect(summary.printed).toBe(channels.length);
    expect(printed.flatMap((m) => images(m.blocks))).toEqual([]);
    expect(slack.files).toEqual([]);
    expect(slack.calls).toEqual([]);
  });

  describe('a rep’s App Home', () => {
    const deps = () => ({ db, logger, clock: manualClock(END), answerBudgetMs: 1500, reports: new TeamReportCache(db) });
    const client = () => new WebClient(TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    async function rep(): Promise<SlackPerson> {
      const team = (await loadRoster(db, ws))[0]!;
      const r = team.reps[0]!;
      return { workspaceId: ws, slackUserId: `U${r.memberId}`, email: r.email, member: { id: r.memberId, email: r.email, name: r.email, repTeam: team.name, managedTeams: [] } };
    }
    const workspace = () => ({ id: ws, slackTeamId: TEAM, name: null, disconnected: false });

    it('shows the cadence and results charts, and reuses their files while the numbers stay the same', async () => {
      const person = await rep();
      await publishHome(deps(), client(), workspace(), person);
      const view = slack.homeView(person.slackUserId)!.payload as { blocks: AnyBlock[] };
      const shown = images(view.blocks);
      expect(shown).toHaveLength(2);
      expect(shown.map((b) => b.alt_text)).toEqual([expect.stringMatching(/^Bar chart, Your .+, week by week/), expect.stringMatching(/^Bar chart, Your results/)]);
      const held = new Set(slack.files.filter((f) => f.completed && f.bytes?.subarray(0, 8).equals(PNG_SIGNATURE)).map((f) => f.id));
      for (const b of shown) expect(held.has(fileIdOf(b)!)).toBe(true);
      expect(validateView(view, 'home')).toEqual([]);

      await publishHome(deps(), client(), workspace(), person);
      expect(slack.files).toHaveLength(2);
      expect(images((slack.homeView(person.slackUserId)!.payload as { blocks: AnyBlock[] }).blocks).map(fileIdOf)).toEqual(shown.map(fileIdOf));
    });

    it('is published without its charts when Slack refuses them', async () => {
      const person = await rep();
      slack.failNext('views.publish', { error: 'invalid_arguments' });
      await publishHome(deps(), client(), workspace(), person);
      const view = slack.homeView(person.slackUserId)!.payload as { blocks: AnyBlock[] };
      expect(images(view.blocks)).toEqual([]);
      expect(view.blocks.length).toBeGreaterThan(5);
      expect(logs.join('')).toContain('Slack refused the App Home with its charts');
    });
  });
});
