import { type Logger as SlackLogger, LogLevel, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { attachCharts, cadenceChart, resultsChart } from '../../src/charts/attach.js';
import { renderCadenceChart } from '../../src/charts/render.js';
import { imageBlock, uploadChart } from '../../src/charts/upload.js';
import { startLocalSlack, validateBlocks, type LocalSlack } from '../../src/local-slack/index.js';
import { createLogger } from '../../src/logger.js';

const TOKEN = 'xoxb-charts';
const quiet: SlackLogger = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => LogLevel.ERROR, setName() {} };
const CADENCE = { title: 'Calls a week', weeks: ['Nov 2', 'Nov 9', 'Nov 16'], values: [12, null, 15], baseline: 14, unit: 'calls' };
const RESULTS = { title: 'Your results', booked: 40_000, target: 90_000, runRate: 70_000, leading: 95_000, currency: 'USD' };

async function failure(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

describe('chart uploads to Slack (local Slack)', () => {
  let slack: LocalSlack;
  let client: WebClient;
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (s: string) => void logs.push(s) } });

  beforeAll(async () => {
    slack = await startLocalSlack({
      workspaces: [
        { teamId: 'T1', botToken: TOKEN, users: [{ id: 'U1', name: 'ann', email: 'ann@acme.test' }], channels: [{ id: 'C1', name: 'sales' }] },
        { teamId: 'T2', botToken: 'xoxb-other', users: [], channels: [] },
      ],
    });
    client = new WebClient(TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, logger: quiet });
  });
  afterAll(async () => slack?.close());
  beforeEach(() => {
    slack.clearRecords();
    logs.length = 0;
  });

  it('uploads a PNG in the two steps of today’s API and returns the file an image block can name', async () => {
    const png = await renderCadenceChart(CADENCE);
    const { fileId } = await uploadChart(client, { png, filename: 'cadence.png', title: 'Calls a week', altText: 'Bar chart of calls' });
    expect(slack.callsTo('files.getUploadURLExternal')[0]?.body).toMatchObject({ filename: 'cadence.png', length: String(png.length), alt_text: 'Bar chart of calls' });
    expect(slack.callsTo('files.completeUploadExternal')[0]?.body).toMatchObject({ files: [{ id: fileId, title: 'Calls a week' }] });
    expect(slack.callsTo('files.completeUploadExternal')[0]?.body).not.toHaveProperty('channel_id');
    const [file] = slack.files;
    expect(file).toMatchObject({ id: fileId, completed: true, channels: [], filename: 'cadence.png' });
    expect(file?.bytes?.equals(png)).toBe(true);

    // Slack's processing shows in files.info; the bytes are served at url_private with their type.
    const info = await client.files.info({ file: fileId });
    expect(info.file).toMatchObject({ id: fileId, mimetype: 'image/png', filetype: 'png', size: png.length, url_private: `${slack.url}/files/${fileId}` });
    const served = await fetch(info.file!.url_private!);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);
    expect((await fetch(`${slack.url}/files/F0NOPE`)).status).toBe(404);

    // A message naming it with an image block goes through.
    const blocks = [imageBlock(fileId, 'Bar chart of calls', 'Calls')];
    expect(validateBlocks(blocks, { surface: 'message' })).toEqual([]);
    await client.chat.postMessage({ channel: 'C1', text: 'Calls', blocks });
    expect(slack.messages('C1')[0]?.blocks).toEqual(JSON.parse(JSON.stringify(blocks)));
  });

  it('refuses image blocks naming a file it does not hold, as Slack does', async () => {
    const msg = await failure(client.chat.postMessage({ channel: 'C1', text: 'x', blocks: [imageBlock('F0MISSING', 'alt')] }));
    expect(msg.data).toMatchObject({ error: 'invalid_blocks', response_metadata: { messages: [expect.stringContaining('invalid slack file [json-pointer:/blocks/0/slack_file]')] } });
    const view = await failure(client.views.publish({ user_id: 'U1', view: { type: 'home', blocks: [imageBlock('F0MISSING', 'alt')] } }));
    expect(view.data).toMatchObject({ error: 'invalid_arguments', response_metadata: { messages: [expect.stringContaining('invalid slack file [json-pointer:/view/blocks/0/slack_file]')] } });
    // Another workspace's file is not this one's.
    const other = new WebClient('xoxb-other', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, logger: quiet });
    const { fileId } = await uploadChart(other, { png: await renderCadenceChart(CADENCE), filename: 'c.png', title: 't', altText: 'a' });
    expect((await failure(client.chat.postMessage({ channel: 'C1', text: 'x', blocks: [imageBlock(fileId, 'alt')] }))).data.error).toBe('invalid_blocks');
  });

  it('waits for Slack to process the file, gives up when it does not, and only settles without files:read', async () => {
    const sleeps: number[] = [];
    const sleep = async (ms: number) => void sleeps.push(ms);
    let infoCalls = 0;
    const unprocessed = {
      filesUploadV2: async () => ({ ok: true, files: [{ ok: true, files: [{ id: 'F0SLOW' }] }] }),
      files: { info: async () => ((infoCalls += 1), { ok: true, file: { id: 'F0SLOW', mimetype: infoCalls >= 3 ? 'image/png' : '' } }) },
    } as unknown as WebClient;
    await expect(uploadChart(unprocessed, { png: Buffer.from('x'), filename: 'a.png', title: 't', altText: 'a' }, { sleep, readyDelayMs: 100 })).resolves.toEqual({ fileId: 'F0SLOW' });
    expect(sleeps).toEqual([100, 200]);

    sleeps.length = 0;
    infoCalls = -100;
    await expect(uploadChart(unprocessed, { png: Buffer.from('x'), filename: 'a.png', title: 't', altText: 'a' }, { sleep, readyChecks: 3, readyDelayMs: 10 })).rejects.toThrow(
      /not processed file F0SLOW after 3 checks/,
    );

    // No files:read: one pause, then on.
    slack.failNext('files.info', { error: 'missing_scope' });
    sleeps.length = 0;
    const { fileId } = await uploadChart(client, { png: await renderCadenceChart(CADENCE), filename: 'c.png', title: 't', altText: 'a' }, { sleep, settleMs: 700 });
    expect(fileId).toMatch(/^F/);
    expect(sleeps).toEqual([700]);
  });

  it('attaches what it can and logs the rest: a chart never stops a message', async () => {
    slack.failNext('files.getUploadURLExternal', { error: 'internal_error' });
    const charts = await attachCharts(client, [cadenceChart(CADENCE), null, resultsChart(RESULTS)], { logger, filename: 'home' });
    expect(charts).toHaveLength(1);
    expect(charts[0]?.title).toBe('Your results');
    expect(charts[0]?.altText).toMatch(/^Bar chart, Your results/);
    expect(slack.files.map((f) => f.filename)).toEqual(['home-2.png']);
    expect(logs.join('')).toContain('chart not attached');
  });

  it('reuses the file of a chart uploaded before with the same bytes, when asked to', async () => {
    const first = await attachCharts(client, [cadenceChart(CADENCE)], { logger, filename: 'home', reuse: true });
    const again = await attachCharts(client, [cadenceChart(CADENCE)], { logger, filename: 'home', reuse: true });
    expect(again).toEqual(first);
    expect(slack.files).toHaveLength(1);
    const changed = await attachCharts(client, [cadenceChart({ ...CADENCE, values: [12, 13, 15] })], { logger, filename: 'home', reuse: true });
    expect(changed[0]?.fileId).not.toBe(first[0]?.fileId);
    const fresh = await attachCharts(client, [cadenceChart(CADENCE)], { logger, filename: 'recap' });
    expect(fresh[0]?.fileId).not.toBe(first[0]?.fileId);
    expect(slack.files).toHaveLength(3);
  });
});
