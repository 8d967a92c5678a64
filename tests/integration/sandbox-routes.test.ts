import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import type { RecordKind } from '../../src/metrics/records.js';
import type { SandboxBackend, SandboxClick, SandboxConversation, SandboxJobsRun, SandboxMessage, SandboxModal, SandboxPerson, SandboxRecord } from '../../src/sandbox/backend.js';
import { registerSandboxRoutes } from '../../src/sandbox/routes.js';
import { renderMessageModal } from '../../src/slack/blocks/loading.js';
import { renderMyKpisHelp } from '../../src/slack/blocks/mykpis.js';

const PEOPLE: SandboxPerson[] = [
  { slackUserId: 'U0MANAGER', name: 'Maya Manager', email: 'maya@example.com', role: 'manager', teams: ['Central Sales'] },
  { slackUserId: 'U0REP', name: 'Rafael <Rep>', email: 'rafael@example.com', role: 'rep', teams: ['Central Sales'] },
];

const message = (ts: string, text: string, blocks: unknown[] = [], ephemeral = false): SandboxMessage => ({ ts, text, blocks, ephemeral, imageUrls: [] });

/** A sandbox that answers from fixed data and records every call made to it. */
class FakeBackend implements SandboxBackend {
  calls: { method: string; args: unknown[] }[] = [];
  clock = new Date('2026-11-23T12:00:00Z');
  home: unknown = { type: 'home', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'Your dashboard' } }] };
  modal: SandboxModal | null = { id: 'V123', view: { ...renderMessageModal('Rafael', renderMyKpisHelp()), close: { type: 'plain_text', text: 'Done' } } };
  failWith: Error | null = null;

  private record(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
    if (this.failWith) throw this.failWith;
  }

  now(): Date {
    return this.clock;
  }
  async people(): Promise<SandboxPerson[]> {
    return PEOPLE;
  }
  async conversations(slackUserId: string): Promise<SandboxConversation[]> {
    this.record('conversations', slackUserId);
    return [
      {
        id: 'D0REP',
        kind: 'dm',
        title: 'Pacer',
        messages: [
          message('1764000000.000100', 'Your week: *69* calls <@U0MANAGER>', [
            { type: 'section', text: { type: 'mrkdwn', text: 'Your week: *69* calls, ask <@U0MANAGER>' } },
            { type: 'actions', block_id: 'feedback', elements: [{ type: 'button', action_id: 'feedback_useful', text: { type: 'plain_text', text: 'Useful' }, value: '{"subject":"x"}' }] },
          ]),
          { ...message('1764000001.000100', 'a chart <script>'), imageUrls: ['/sandbox/files/F1'] },
        ],
      },
      { id: 'C0CENTRAL', kind: 'channel', title: '#central-sales', messages: [] },
    ];
  }
  async openHome(slackUserId: string): Promise<unknown> {
    this.record('openHome', slackUserId);
    return this.home;
  }
  async runCommand(slackUserId: string, command: '/mykpis' | '/teamkpis', text: string): Promise<SandboxMessage[]> {
    this.record('runCommand', slackUserId, command, text);
    const help = renderMyKpisHelp();
    return [message('1764000002.000100', help.text, help.blocks, true)];
  }
  async click(slackUserId: string, click: SandboxClick): Promise<{ modal: SandboxModal | null; responses: SandboxMessage[] }> {
    this.record('click', slackUserId, click);
    return { modal: this.modal, responses: [message('1764000003.000100', 'Snoozed :zzz: until _tomorrow_', [], true)] };
  }
  run: SandboxJobsRun = { nudges: 3, digests: 1, recaps: 0, alerts: 1, failed: 1, skippedWeeks: ['2026-11-16'], summary: 'Sent 4 weekly messages (3 nudges, 1 digest) and 1 alert.' };
  async runWeeklyJobs(): Promise<SandboxJobsRun> {
    this.record('runWeeklyJobs');
    return this.run;
  }
  async advanceClock(days: number): Promise<{ now: Date; events: number; run: SandboxJobsRun }> {
    this.record('advanceClock', days);
    this.clock = new Date(this.clock.getTime() + days * 86_400_000);
    return { now: this.clock, events: 4321, run: this.run };
  }
  async crmRecord(kind: RecordKind, id: string): Promise<SandboxRecord | null> {
    this.record('crmRecord', kind, id);
    if (kind !== 'deal' || id !== 'D/1 <x>') return null;
    return {
      record: { kind, id, name: 'Acme <script>alert(1)</script> & Co — 40 seats', accountName: 'Acme "Logistics"', url: 'http://127.0.0.1/crm/deals/D%2F1' },
      events: [{ occurredAt: new Date('2026-11-20T15:00:00Z'), type: 'stage_changed', stage: 'demo<b>', amount: null, repName: 'Rafael <Rep>' }],
      total: 3,
    };
  }
}

interface Started {
  app: FastifyInstance;
  url: string;
  logs: () => string;
}

async function start(backend: SandboxBackend, basePath?: string): Promise<Started> {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  // Pino's Logger seen as Fastify's logger interface, as src/http/server.ts does.
  const logger: FastifyBaseLogger = createLogger({ level: 'info', destination });
  const app = Fastify({ loggerInstance: logger });
  registerSandboxRoutes(app, backend, basePath === undefined ? {} : { basePath });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url, logs: () => chunks.join('') };
}

async function getJson(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

async function post(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

/** A GET with the path sent exactly as written (fetch would resolve the dots first). */
function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, method: 'GET' }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('sandbox routes', () => {
  const backend = new FakeBackend();
  let server: Started;
  let api: string;

  beforeAll(async () => {
    server = await start(backend);
    api = `${server.url}/sandbox/api`;
  });
  afterAll(async () => {
    await server.app.close();
  });
  beforeEach(() => {
    backend.calls = [];
    backend.failWith = null;
  });

  describe('the page and its assets', () => {
    it('serves the page as HTML with a strict content security policy', async () => {
      const res = await fetch(`${server.url}/`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const html = await res.text();
      expect(html).toContain('<base href="/">');
      for (const id of ['person-picker', 'composer', 'run-jobs', 'advance-clock', 'open-home', 'modal']) expect(html).toContain(`data-testid="${id}"`);
      expect(html).toContain('src="sandbox/assets/app.js"');
      expect(html).toContain('href="sandbox/assets/style.css"');
    });

    it('serves the script and the stylesheet with their content types', async () => {
      const js = await fetch(`${server.url}/sandbox/assets/app.js`);
      expect(js.status).toBe(200);
      expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(await js.text()).toContain("api('POST', 'click'");
      const css = await fetch(`${server.url}/sandbox/assets/style.css`);
      expect(css.status).toBe(200);
      expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
      expect(await css.text()).toContain('.sk-fields');
    });

    it('serves nothing else: unknown names and traversal attempts are 404', async () => {
      expect((await fetch(`${server.url}/sandbox/assets/nope.js`)).status).toBe(404);
      expect((await fetch(`${server.url}/sandbox/assets/`)).status).toBe(404);
      for (const path of [
        '/sandbox/assets/../../package.json',
        '/sandbox/assets/../routes.ts',
        '/sandbox/assets/..%2f..%2fpackage.json',
        '/sandbox/assets/%2e%2e/%2e%2e/package.json',
        '/sandbox/assets/..\\..\\package.json',
        '/sandbox/assets//etc/passwd',
      ]) {
        const res = await rawGet(server.url, path);
        expect(res.status, path).toBe(404);
        expect(res.body, path).not.toContain('"name": "pacer"');
        expect(res.body, path).not.toContain('registerSandboxRoutes');
      }
    });
  });

  describe('reading', () => {
    it('lists the people and the clock', async () => {
      expect(await getJson(`${api}/people`)).toEqual({ status: 200, body: { people: PEOPLE } });
      expect(await getJson(`${api}/now`)).toEqual({ status: 200, body: { now: '2026-11-23T12:00:00.000Z', label: 'Mon 23 Nov 2026 12:00 UTC' } });
    });

    it('returns the conversations with messages rendered to HTML, names for mentions, and raw text', async () => {
      const res = await getJson(`${api}/conversations?user=U0REP`);
      expect(res.status).toBe(200);
      expect(backend.calls).toEqual([{ method: 'conversations', args: ['U0REP'] }]);
      const [dm, channel] = res.body.conversations;
      expect(dm).toMatchObject({ id: 'D0REP', kind: 'dm', title: 'Pacer' });
      expect(channel).toEqual({ id: 'C0CENTRAL', kind: 'channel', title: '#central-sales', messages: [] });
      const [first, second] = dm.messages;
      expect(first).toMatchObject({ ts: '1764000000.000100', text: 'Your week: *69* calls <@U0MANAGER>', ephemeral: false, imageUrls: [] });
      expect(first.html).toContain('Your week: <strong>69</strong> calls, ask <span class="sk-mention" data-user-id="U0MANAGER">@Maya Manager</span>');
      expect(first.html).toContain('data-action-id="feedback_useful" data-block-id="feedback" data-value="{&quot;subject&quot;:&quot;x&quot;}"');
      expect(second.html).toContain('a chart');
      expect(second.html).not.toContain('<script');
      expect(second.html).toContain('<img class="sk-file-image" src="/sandbox/files/F1"');
    });

    it('answers 400 naming the user when it is missing or malformed, 404 when unknown', async () => {
      const missing = await getJson(`${api}/conversations`);
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toMatch(/^user: /);
      const bad = await getJson(`${api}/conversations?user=${encodeURIComponent('<script>')}`);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/^user: expected a Slack user id/);
      const unknown = await getJson(`${api}/conversations?user=U0NOBODY`);
      expect(unknown.status).toBe(404);
      expect(unknown.body.error).toMatchObject({ code: 'unknown_user' });
      expect(backend.calls).toEqual([]);
    });
  });

  describe('gestures', () => {
    it('opens the App Home and renders it', async () => {
      const res = await post(`${api}/home`, { user: 'U0REP' });
      expect(res.status).toBe(200);
      expect(res.body.view).toMatchObject({ type: 'home', title: null });
      expect(res.body.view.html).toContain('<div class="sk-block sk-header" data-block-id="b0">Your dashboard</div>');
      expect(backend.calls).toEqual([{ method: 'openHome', args: ['U0REP'] }]);
    });

    it('answers a null view when Pacer published no Home', async () => {
      backend.home = null;
      try {
        expect(await post(`${api}/home`, { user: 'U0REP' })).toEqual({ status: 200, body: { view: null } });
      } finally {
        backend.home = { type: 'home', blocks: [] };
      }
    });

    it('runs a slash command with its arguments and renders the answers', async () => {
      const res = await post(`${api}/command`, { user: 'U0MANAGER', command: '/mykpis', text: '  <@U0REP> last ' });
      expect(res.status).toBe(200);
      expect(backend.calls).toEqual([{ method: 'runCommand', args: ['U0MANAGER', '/mykpis', '<@U0REP> last'] }]);
      expect(res.body.responses).toHaveLength(1);
      expect(res.body.responses[0]).toMatchObject({ ts: '1764000002.000100', ephemeral: true });
      expect(res.body.responses[0].html).toContain('Pacer — /mykpis');
      expect(res.body.responses[0].html).not.toContain('unsupported');
      // The text may be left out: the command alone.
      expect((await post(`${api}/command`, { user: 'U0REP', command: '/teamkpis' })).status).toBe(200);
      expect(backend.calls.at(-1)).toEqual({ method: 'runCommand', args: ['U0REP', '/teamkpis', ''] });
    });

    it('refuses other commands and bad bodies with 400 naming the field', async () => {
      const other = await post(`${api}/command`, { user: 'U0REP', command: '/remind', text: 'me' });
      expect(other.status).toBe(400);
      expect(other.body.error).toMatchObject({ code: 'bad_request' });
      expect(other.body.error.message).toBe('command: expected "/mykpis" or "/teamkpis"');
      const text = await post(`${api}/command`, { user: 'U0REP', command: '/mykpis', text: 42 });
      expect(text.body.error.message).toMatch(/^text: /);
      const none = await post(`${api}/command`, {});
      expect(none.status).toBe(400);
      expect(none.body.error.message).toContain('user: ');
      expect(none.body.error.message).toContain('command: ');
      expect(none.body.error.details.problems.map((p: { field: string }) => p.field)).toEqual(['user', 'command']);
      expect(backend.calls).toEqual([]);
    });

    it('sends a click with its source and renders the modal and the responses', async () => {
      const click: SandboxClick = { actionId: 'alert_snooze_1d', blockId: 'alert', value: '{"key":"k1"}', source: { kind: 'message', channel: 'D0REP', ts: '1764000000.000100' } };
      const res = await post(`${api}/click`, { user: 'U0REP', click });
      expect(res.status).toBe(200);
      expect(backend.calls).toEqual([{ method: 'click', args: ['U0REP', click] }]);
      expect(res.body.modal).toMatchObject({ id: 'V123', type: 'modal', title: 'Rafael', closeLabel: 'Done' });
      expect(res.body.modal.html).toContain('<div class="sk-view-title">Rafael</div>');
      expect(res.body.responses[0].html).toContain('Snoozed 💤 until <em>tomorrow</em>');

      const select: SandboxClick = { actionId: 'settings_send_time', blockId: 'settings', selectedOption: { value: '09:00', text: '09:00' }, source: { kind: 'home' } };
      expect((await post(`${api}/click`, { user: 'U0REP', click: select })).status).toBe(200);
      const inModal: SandboxClick = { actionId: 'show_events', blockId: 'b3', source: { kind: 'modal', viewId: 'V123' } };
      backend.modal = null;
      expect((await post(`${api}/click`, { user: 'U0REP', click: inModal })).body.modal).toBeNull();
      expect(backend.calls.map((c) => c.args[1])).toEqual([click, select, inModal]);
    });

    it('refuses a click without a usable source, naming the field', async () => {
      const noSource = await post(`${api}/click`, { user: 'U0REP', click: { actionId: 'a', blockId: 'b' } });
      expect(noSource.status).toBe(400);
      expect(noSource.body.error.message).toMatch(/^click\.source: /);
      const noViewId = await post(`${api}/click`, { user: 'U0REP', click: { actionId: 'a', blockId: 'b', source: { kind: 'modal' } } });
      expect(noViewId.body.error.message).toMatch(/^click\.source\.viewId: expected a view id/);
      const noAction = await post(`${api}/click`, { user: 'U0REP', click: { blockId: 'b', source: { kind: 'home' } } });
      expect(noAction.body.error.message).toMatch(/^click\.actionId: expected an action id/);
      expect(backend.calls).toEqual([]);
    });

    it('runs the weekly jobs and advances the clock', async () => {
      const run = { ...backend.run, sent: 5 };
      expect(await post(`${api}/jobs/run`, {})).toEqual({ status: 200, body: { ...run, now: '2026-11-23T12:00:00.000Z', label: 'Mon 23 Nov 2026 12:00 UTC' } });
      // Without a body at all, as a bare POST.
      expect((await fetch(`${api}/jobs/run`, { method: 'POST' })).status).toBe(200);
      expect(await post(`${api}/clock/advance`, { days: 7 })).toEqual({ status: 200, body: { days: 7, events: 4321, ...run, now: '2026-11-30T12:00:00.000Z', label: 'Mon 30 Nov 2026 12:00 UTC' } });
      expect(backend.calls).toEqual([
        { method: 'runWeeklyJobs', args: [] },
        { method: 'runWeeklyJobs', args: [] },
        { method: 'advanceClock', args: [7] },
      ]);
    });

    it('refuses a clock advance without a whole, positive number of days', async () => {
      for (const body of [{}, { days: 'seven' }, { days: 0 }, { days: 1.5 }, { days: 1000 }]) {
        const res = await post(`${api}/clock/advance`, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.error.message, JSON.stringify(body)).toMatch(/^days: /);
      }
      expect(backend.calls).toEqual([]);
    });

    it('answers malformed JSON with 400', async () => {
      expect((await post(`${api}/clock/advance`, '{"days":')).status).toBe(400);
    });
  });

  it("serves a record's CRM page with its name, account and events, all escaped; 404 for an unknown record", async () => {
    const res = await fetch(`${server.url}/crm/deals/${encodeURIComponent('D/1 <x>')}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('<h1>Acme &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co — 40 seats</h1>');
    expect(html).toContain('<dd>Acme &quot;Logistics&quot;</dd>');
    expect(html).toContain('<td>2026-11-20 15:00 UTC</td><td>stage changed → demo&lt;b&gt;</td><td>Rafael &lt;Rep&gt;</td>');
    expect(html).toContain('2 older events not shown.');
    expect(html).not.toContain('<script>');
    expect(backend.calls).toEqual([{ method: 'crmRecord', args: ['deal', 'D/1 <x>'] }]);
    const unknown = await fetch(`${server.url}/crm/leads/${encodeURIComponent('D/1 <x>')}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { message: 'No lead D/1 <x> in the sandbox.' } });
  });

  it('answers a failure of the sandbox with 500 and its message, and logs it', async () => {
    backend.failWith = new Error('the scheduler is stuck');
    const res = await post(`${api}/jobs/run`, {});
    expect(res.status).toBe(500);
    expect(res.body.error).toEqual({ code: 'sandbox_failed', message: 'The sandbox could not run the weekly jobs: the scheduler is stuck' });
    const click = await post(`${api}/click`, { user: 'U0REP', click: { actionId: 'open_rep', blockId: 'b1', source: { kind: 'home' } } });
    expect(click.status).toBe(500);
    expect(click.body.error.message).toBe('The sandbox could not handle the click on open_rep: the scheduler is stuck');
    expect(server.logs()).toContain('sandbox: could not run the weekly jobs');
    expect(server.logs()).toContain('the scheduler is stuck');
  });
});

describe('sandbox routes under a base path', () => {
  it('mounts the page, the assets and the API under it, and points the page there', async () => {
    const server = await start(new FakeBackend(), '/demo/');
    try {
      const page = await fetch(`${server.url}/demo/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<base href="/demo/">');
      expect((await fetch(`${server.url}/demo/sandbox/assets/app.js`)).status).toBe(200);
      expect((await getJson(`${server.url}/demo/sandbox/api/people`)).body.people).toHaveLength(2);
      expect((await fetch(`${server.url}/sandbox/api/people`)).status).toBe(404);
    } finally {
      await server.app.close();
    }
  });

  it('refuses a base path that is not a plain path', () => {
    const app = Fastify();
    expect(() => registerSandboxRoutes(app, new FakeBackend(), { basePath: '/"><script>' })).toThrow(/basePath/);
  });
});
