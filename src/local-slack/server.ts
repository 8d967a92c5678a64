import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { findBlockProblems } from './block-kit.js';
import { type ApiReply, applyFailure, dispatch } from './dispatch.js';
import { FILE_PATH, fileMimetype, UPLOAD_PATH } from './methods/files.js';
import { basicCredentials, parseArguments, problemMessages, tokenOf } from './params.js';
import type { LocalSlackState } from './state.js';
import { FILE_UPLOAD_ENDPOINT, RESPONSE_URL_ENDPOINT } from './types.js';

/** Web API calls are small; views are at most 250 kB in Slack. */
const API_BODY_LIMIT = 5 * 1024 * 1024;
/** Uploads of reports and exports; far below Slack's 1 GB, far above what Pacer sends. */
const UPLOAD_BODY_LIMIT = 100 * 1024 * 1024;

export const API_PATH = '/api';
export const RESPONSE_URL_PATH = '/response-url';

function send(reply: FastifyReply, answer: ApiReply): FastifyReply {
  return reply.code(answer.status).headers(answer.headers).send(answer.body);
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The body as bytes; every route here takes any content type and parses it itself. */
function rawBody(request: FastifyRequest): Buffer | undefined {
  return Buffer.isBuffer(request.body) ? request.body : undefined;
}

/**
 * The bytes of an upload: the file part of a multipart body (what @slack/web-api's uploadV2
 * sends) or the raw body (what curl --data-binary sends). Slack's upload URL takes both.
 */
async function uploadedBytes(contentType: string | undefined, body: Buffer): Promise<{ bytes: Buffer; contentType?: string }> {
  if (contentType?.toLowerCase().startsWith('multipart/form-data')) {
    const form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
    for (const [, value] of form) {
      if (typeof value !== 'string') return { bytes: Buffer.from(await value.arrayBuffer()), ...(value.type ? { contentType: value.type } : {}) };
    }
    const first = [...form.values()][0];
    return { bytes: Buffer.from(typeof first === 'string' ? first : '') };
  }
  return { bytes: body, ...(contentType ? { contentType } : {}) };
}

/** A response URL's body: JSON as Bolt's respond() sends it, or a form field `payload` holding JSON. */
function responseBody(contentType: string | undefined, body: Buffer | undefined): unknown {
  if (!body || body.length === 0) return undefined;
  const text = body.toString('utf8');
  try {
    if (contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      const payload = new URLSearchParams(text).get('payload');
      return payload === null ? Object.fromEntries(new URLSearchParams(text)) : (JSON.parse(payload) as unknown);
    }
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The Slack routes, in their own Fastify scope so their catch-all body parser stays theirs. */
async function slackRoutes(scope: FastifyInstance, state: LocalSlackState, logger: Logger | undefined): Promise<void> {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  scope.route<{ Params: { method: string }; Querystring: Record<string, unknown> }>({
    method: ['GET', 'POST'],
    url: `${API_PATH}/:method`,
    bodyLimit: API_BODY_LIMIT,
    handler: async (request, reply) => {
      const at = state.now();
      const method = request.params.method;
      const authorization = headerValue(request, 'authorization');
      const parsed = await parseArguments(headerValue(request, 'content-type'), rawBody(request), request.query);
      const params = 'params' in parsed ? parsed.params : {};
      const token = tokenOf(authorization, params);
      const answer = await dispatch(state, {
        method,
        httpMethod: request.method === 'GET' ? 'GET' : 'POST',
        parsed,
        token,
        basic: basicCredentials(authorization),
      });
      const { token: _token, ...body } = params;
      state.records.calls.push({ method, token, body, at, status: answer.status, response: answer.body });
      logger?.debug({ method, status: answer.status, error: answer.body.error }, 'local slack call');
      return send(reply, answer);
    },
  });

  scope.route<{ Params: { fileId: string } }>({
    method: ['POST', 'PUT'],
    url: `${UPLOAD_PATH}/:fileId`,
    bodyLimit: UPLOAD_BODY_LIMIT,
    handler: async (request, reply) => {
      const injected = await applyFailure(state.faults.take(FILE_UPLOAD_ENDPOINT));
      if (injected) return send(reply, injected);
      const file = state.records.files.get(request.params.fileId);
      if (!file || file.completed) return reply.code(404).type('text/plain').send('file not found');
      const received = await uploadedBytes(headerValue(request, 'content-type'), rawBody(request) ?? Buffer.alloc(0));
      file.bytes = received.bytes;
      if (received.contentType && received.contentType !== 'application/octet-stream') file.contentType = received.contentType;
      return reply.code(200).type('text/plain').send(`OK - ${received.bytes.length}`);
    },
  });

  // A completed file's bytes (its url_private), with its type; no token needed, unlike Slack.
  scope.get<{ Params: { fileId: string }; Querystring: { download?: string } }>(`${FILE_PATH}/:fileId`, async (request, reply) => {
    const file = state.records.files.get(request.params.fileId);
    if (!file || !file.completed || !file.bytes) return reply.code(404).type('text/plain').send('file not found');
    if (request.query.download !== undefined) reply.header('content-disposition', `attachment; filename="${file.filename.replace(/["\\\r\n]/g, '_')}"`);
    return reply.code(200).type(fileMimetype(file)).header('cache-control', 'private, max-age=3600').send(file.bytes);
  });

  scope.post<{ Params: { id: string } }>(`${RESPONSE_URL_PATH}/:id`, async (request, reply) => {
    const id = request.params.id;
    const url = `${state.baseUrl}${RESPONSE_URL_PATH}/${id}`;
    const at = state.now();
    const body = responseBody(headerValue(request, 'content-type'), rawBody(request));
    const answer = await responseUrlAnswer(state, id, body);
    state.records.responses.push({ id, url, at, status: answer.status, body });
    return send(reply, answer);
  });
}

/**
 * How a response URL answers: unknown ids are 404, and each URL takes five posts as in Slack
 * (`used_url` after). Message blocks are held to the same Block Kit limits as chat.postMessage.
 */
async function responseUrlAnswer(state: LocalSlackState, id: string, body: unknown): Promise<ApiReply> {
  const injected = await applyFailure(state.faults.take(RESPONSE_URL_ENDPOINT));
  if (injected) return injected;
  const usesLeft = state.responseUrls.get(id);
  if (usesLeft === undefined) return { status: 404, headers: {}, body: { ok: false, error: 'invalid_url' } };
  if (usesLeft <= 0) return { status: 404, headers: {}, body: { ok: false, error: 'used_url' } };
  if (typeof body !== 'object' || body === null) return { status: 400, headers: {}, body: { ok: false, error: 'invalid_payload' } };
  const blocks = (body as { blocks?: unknown }).blocks;
  if (blocks !== undefined) {
    const problems = findBlockProblems(blocks, { surface: 'message' });
    if (problems.length > 0) {
      return { status: 400, headers: {}, body: { ok: false, error: 'invalid_blocks', response_metadata: { messages: problemMessages(problems) } } };
    }
  }
  state.responseUrls.set(id, usesLeft - 1);
  return { status: 200, headers: {}, body: { ok: true } };
}

/**
 * The Fastify app serving Slack's Web API, upload URLs and response URLs from `state`. More
 * routes (the sandbox's pages) can be registered on it before it listens.
 */
export function buildFastifyApp(state: LocalSlackState, logger: Logger | undefined): FastifyInstance {
  // Pino's Logger seen as Fastify's logger interface, so the app gets the default instance type.
  const loggerInstance: FastifyBaseLogger | undefined = logger?.child({ component: 'local-slack' });
  const app = Fastify({
    ...(loggerInstance ? { loggerInstance } : { logger: false }),
    // Clients keep connections alive; close() should not wait for them.
    forceCloseConnections: true,
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ ok: false, error: 'not_found', detail: `No route ${request.method} ${request.url}.` }));
  void app.register((scope) => slackRoutes(scope, state, logger));
  return app;
}
