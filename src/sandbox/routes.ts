import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { sendError } from '../http/errors.js';
import type { SandboxBackend, SandboxJobsRun, SandboxMessage, SandboxModal, SandboxPerson } from './backend.js';
import { messageToHtml, viewTitle, viewToHtml, type BlockHtmlOptions } from './block-kit-html.js';
import { CRM_PAGE_CSP, renderCrmPage } from './crm-page.js';

/**
 * The sandbox page and its JSON API: `GET /` serves the page (src/sandbox/page), which reads and
 * drives the sandbox through /sandbox/api/…. Messages and views are rendered to HTML here
 * (block-kit-html.ts), so the page only places markup that is already escaped. Everything the
 * page sends is validated; a bad request is answered 400 naming the field, a failure of the
 * sandbox 500 with its message (and logged).
 */

export interface SandboxRouteOptions {
  /** Mounts the page and the API under a prefix ("/demo"); none by default. */
  basePath?: string;
  /** URL of a Slack file for image blocks that reference one by id. */
  imageUrl?: (fileId: string) => string;
}

/** A message as the page shows it: the Block Kit already rendered to safe HTML. */
export interface RenderedMessage {
  ts: string;
  text: string;
  ephemeral: boolean;
  imageUrls: string[];
  html: string;
}

export interface RenderedView {
  type: string;
  title: string | null;
  html: string;
}

export interface RenderedModal extends RenderedView {
  id: string;
  closeLabel: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

const PAGE_DIR = fileURLToPath(new URL('./page/', import.meta.url));

/** The page may load its own scripts and styles only; images may come from anywhere a message points. */
const PAGE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: http: data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

interface Asset {
  body: Buffer;
  type: string;
}

/** The page's files, read once: only these exact names are ever served, so no path can escape the folder. */
function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const type = CONTENT_TYPES[extname(entry.name)];
    if (!entry.isFile() || type === undefined) continue;
    assets.set(entry.name, { body: readFileSync(join(dir, entry.name)), type });
  }
  return assets;
}

const userId = z
  .string({ error: 'expected a Slack user id' })
  .min(1, 'expected a Slack user id')
  .max(64, 'too long for a Slack user id')
  .regex(/^[A-Za-z0-9_-]+$/, 'expected a Slack user id like U0123ABCD');

const userQuery = z.object({ user: userId });
const userBody = z.object({ user: userId });
const commandBody = z.object({
  user: userId,
  command: z.enum(['/mykpis', '/teamkpis'], { error: 'expected "/mykpis" or "/teamkpis"' }),
  text: z.string().max(2000).default(''),
});
const shortString = (what: string) =>
  z
    .string({ error: `expected ${what}` })
    .min(1, `expected ${what}`)
    .max(255);
const clickBody = z.object({
  user: userId,
  click: z.object({
    actionId: shortString('an action id'),
    blockId: z.string({ error: 'expected a block id' }).max(255),
    value: z.string().max(2000).optional(),
    selectedOption: z.object({ value: z.string().max(150), text: z.string().max(200) }).optional(),
    source: z.discriminatedUnion(
      'kind',
      [
        z.object({ kind: z.literal('message'), channel: shortString('a channel id'), ts: shortString('a message ts') }),
        z.object({ kind: z.literal('home') }),
        z.object({ kind: z.literal('modal'), viewId: shortString('a view id') }),
      ],
      { error: 'expected {"kind":"message","channel","ts"}, {"kind":"home"} or {"kind":"modal","viewId"}' },
    ),
  }),
});
const advanceBody = z.object({
  days: z.number({ error: 'expected a whole number of days' }).int('expected a whole number of days').min(1, 'at least 1 day').max(366, 'at most 366 days'),
});

type Parsed<T> = { ok: true; value: T } | { ok: false };

/** `input` checked against `schema`; a 400 naming each bad field ("click.source.viewId: …") otherwise. */
function parse<T>(schema: z.ZodType<T>, input: unknown, reply: FastifyReply): Parsed<T> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  const problems = result.error.issues.map((issue) => ({ field: issue.path.length === 0 ? 'body' : issue.path.map(String).join('.'), message: issue.message }));
  const message = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
  sendError(reply, 400, 'bad_request', message, { problems });
  return { ok: false };
}

/** "Mon 23 Nov 2026 12:00 UTC": the sandbox clock as the page's top bar shows it. */
export function clockLabel(date: Date): string {
  const day = date.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).replace(/,/g, '');
  const time = date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'UTC' });
  return `${day} ${time} UTC`;
}

const nowBody = (now: Date) => ({ now: now.toISOString(), label: clockLabel(now) });

function renderMessage(m: SandboxMessage, options: BlockHtmlOptions): RenderedMessage {
  return { ts: m.ts, text: m.text, ephemeral: m.ephemeral, imageUrls: m.imageUrls, html: messageToHtml(m, options) };
}

function renderView(view: unknown, options: BlockHtmlOptions): RenderedView {
  const type = typeof view === 'object' && view !== null && 'type' in view && typeof view.type === 'string' ? view.type : 'home';
  return { type, title: viewTitle(view), html: viewToHtml(view, options) };
}

function renderModal(modal: SandboxModal, options: BlockHtmlOptions): RenderedModal {
  const v = modal.view;
  const close = typeof v === 'object' && v !== null && 'close' in v ? v.close : undefined;
  const closeLabel = typeof close === 'object' && close !== null && 'text' in close && typeof close.text === 'string' ? close.text : 'Close';
  return { id: modal.id, ...renderView(v, options), closeLabel };
}

/** A run of the jobs as the page reads it: its counts, the total sent, and the status line. */
function runBody(run: SandboxJobsRun) {
  return { ...run, sent: run.nudges + run.digests + run.recaps + run.alerts };
}

function validBasePath(basePath: string | undefined): string {
  const base = (basePath ?? '').replace(/\/+$/, '');
  if (!/^(\/[A-Za-z0-9._~-]+)*$/.test(base)) throw new Error(`Sandbox basePath must look like "/demo": ${basePath}`);
  return base;
}

/** Registers the sandbox page, its assets and its JSON API on `app`. */
export function registerSandboxRoutes(app: FastifyInstance, backend: SandboxBackend, options: SandboxRouteOptions = {}): void {
  const base = validBasePath(options.basePath);
  const assets = loadAssets(PAGE_DIR);
  const index = assets.get('index.html');
  if (!index) throw new Error(`The sandbox page is missing: no index.html in ${PAGE_DIR}`);
  assets.delete('index.html');
  // Relative URLs in the page (assets, API calls) resolve against <base>, so any basePath works.
  const page = index.body.toString('utf8').replace('<base href="/">', `<base href="${base}/">`);
  const api = `${base}/sandbox/api`;

  /** Runs a call into the sandbox; a failure is logged and answered 500 with its message. */
  async function guarded(request: FastifyRequest, reply: FastifyReply, what: string, run: () => Promise<unknown>): Promise<unknown> {
    try {
      return await run();
    } catch (err) {
      request.log.error({ err }, `sandbox: could not ${what}`);
      const reason = err instanceof Error ? err.message : String(err);
      return sendError(reply, 500, 'sandbox_failed', `The sandbox could not ${what}: ${reason}`);
    }
  }

  /** The demo org's people by id, for mentions and to refuse unknown users with a 404. */
  async function directory(): Promise<Map<string, SandboxPerson>> {
    return new Map((await backend.people()).map((p) => [p.slackUserId, p]));
  }

  function htmlOptions(people: Map<string, SandboxPerson>): BlockHtmlOptions {
    return { userName: (id) => people.get(id)?.name, ...(options.imageUrl ? { imageUrl: options.imageUrl } : {}) };
  }

  /** Runs `act` for a known user; an unknown one is answered 404. */
  async function asUser(request: FastifyRequest, reply: FastifyReply, user: string, what: string, act: (o: BlockHtmlOptions) => Promise<unknown>): Promise<unknown> {
    return guarded(request, reply, what, async () => {
      const people = await directory();
      if (!people.has(user)) return sendError(reply, 404, 'unknown_user', `user: nobody in the sandbox has the Slack id ${user}.`);
      return act(htmlOptions(people));
    });
  }

  const sendPage = (reply: FastifyReply) =>
    reply.header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').header('content-security-policy', PAGE_CSP).type('text/html; charset=utf-8').send(page);

  app.get(`${base}/`, async (_request, reply) => sendPage(reply));

  app.get<{ Params: { '*': string } }>(`${base}/sandbox/assets/*`, async (request, reply) => {
    const asset = assets.get(request.params['*']);
    if (!asset) return sendError(reply, 404, 'not_found', `No sandbox asset ${request.params['*']}.`);
    return reply.header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').type(asset.type).send(asset.body);
  });

  app.get(`${api}/people`, async (request, reply) => guarded(request, reply, 'list the people', async () => ({ people: await backend.people() })));

  app.get(`${api}/now`, async (request, reply) => guarded(request, reply, 'read the clock', async () => nowBody(backend.now())));

  app.get(`${api}/conversations`, async (request, reply) => {
    const q = parse(userQuery, request.query, reply);
    if (!q.ok) return reply;
    return asUser(request, reply, q.value.user, 'list the conversations', async (o) => ({
      conversations: (await backend.conversations(q.value.user)).map((c) => ({ id: c.id, kind: c.kind, title: c.title, messages: c.messages.map((m) => renderMessage(m, o)) })),
    }));
  });

  app.post(`${api}/home`, async (request, reply) => {
    const b = parse(userBody, request.body, reply);
    if (!b.ok) return reply;
    return asUser(request, reply, b.value.user, 'open the App Home', async (o) => {
      const view = await backend.openHome(b.value.user);
      return { view: view === null || view === undefined ? null : renderView(view, o) };
    });
  });

  app.post(`${api}/command`, async (request, reply) => {
    const b = parse(commandBody, request.body, reply);
    if (!b.ok) return reply;
    const { user, command, text } = b.value;
    return asUser(request, reply, user, `run ${command}`, async (o) => ({ responses: (await backend.runCommand(user, command, text.trim())).map((m) => renderMessage(m, o)) }));
  });

  app.post(`${api}/click`, async (request, reply) => {
    const b = parse(clickBody, request.body, reply);
    if (!b.ok) return reply;
    const { user, click } = b.value;
    return asUser(request, reply, user, `handle the click on ${click.actionId}`, async (o) => {
      const result = await backend.click(user, click);
      return { modal: result.modal ? renderModal(result.modal, o) : null, responses: result.responses.map((m) => renderMessage(m, o)) };
    });
  });

  app.post(`${api}/jobs/run`, async (request, reply) =>
    guarded(request, reply, 'run the weekly jobs', async () => {
      return { ...runBody(await backend.runWeeklyJobs()), ...nowBody(backend.now()) };
    }),
  );

  // The demo org's record links (seed --crm-url): a CRM page per deal and lead, outside the API.
  for (const kind of ['deal', 'lead'] as const) {
    app.get<{ Params: { id: string } }>(`${base}/crm/${kind}s/:id`, async (request, reply) =>
      guarded(request, reply, `show ${kind} ${request.params.id}`, async () => {
        const found = await backend.crmRecord(kind, request.params.id);
        if (!found) return sendError(reply, 404, 'not_found', `No ${kind} ${request.params.id} in the sandbox.`);
        return reply
          .header('cache-control', 'no-cache')
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', CRM_PAGE_CSP)
          .type('text/html; charset=utf-8')
          .send(renderCrmPage(found));
      }),
    );
  }

  app.post(`${api}/clock/advance`, async (request, reply) => {
    const b = parse(advanceBody, request.body, reply);
    if (!b.ok) return reply;
    return guarded(request, reply, 'advance the clock', async () => {
      const advanced = await backend.advanceClock(b.value.days);
      return { days: b.value.days, events: advanced.events, ...runBody(advanced.run), ...nowBody(advanced.now) };
    });
  });
}
