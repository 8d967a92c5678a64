import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import { assertNever } from '../errors.js';
import { databaseUnavailable } from '../db/unavailable.js';
import type { Logger } from '../logger.js';
import { clip } from '../text.js';
import { sendDatabaseUnavailable, RETRY_AFTER_SECONDS } from './database-unavailable.js';
import { sendError } from './errors.js';
import { registerEventRoutes } from './events-routes.js';
import { buildOpenApiDocument, type OpenApiDocument, type RegisteredRoute } from './openapi.js';
import { checkReadiness } from './readiness.js';
import { registerReportRoutes } from './reports-routes.js';
import { handleSlackRequest, routeSlackRequest, writeJsonError, type SlackHttpListener } from './slack-routes.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import { countRawRequest, registerMetricsRoute } from './metrics-route.js';

export const MAX_BODY_BYTES = 5 * 1024 * 1024;

export interface HttpDeps {
  db: Database;
  logger: Logger;
  clock: Clock;
  /** Bolt's receiver and the routes it owns, when Slack is configured over HTTP. */
  slackListener?: SlackHttpListener;
  /** When set, requests whose Host header it refuses get 403 before any route (the sandbox's DNS-rebinding guard). */
  acceptsHost?: (host: string | undefined) => boolean;
  /** The process's metrics: with them, requests are counted and GET /metrics serves them. */
  telemetry?: Telemetry;
  /** PACER_METRICS_TOKEN: when set, GET /metrics needs it as a bearer token. */
  metricsToken?: string | undefined;
}

/**
 * Pacer's own HTTP server: the ingestion and reports APIs and health checks on Fastify, with
 * Slack's requests (/slack/…) handed to Bolt's receiver untouched, since Bolt must see the raw
 * body to verify Slack's signature.
 */
/** Pino's Logger seen as Fastify's logger interface, so routes get the default instance type. */
function fastifyLogger(logger: FastifyBaseLogger): FastifyBaseLogger {
  return logger;
}

export function buildHttpServer(deps: HttpDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: fastifyLogger(deps.logger),
    bodyLimit: MAX_BODY_BYTES,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    },
    forceCloseConnections: 'idle',
    // An event id may be 256 characters: in a DELETE path each is up to 4 UTF-8 bytes of 3
    // characters (%XX) each. Fastify's default of 100 answered 414 to ids the API had accepted.
    routerOptions: { maxParamLength: 256 * 4 * 3 },
    // A "__proto__" key in one event's metadata is that event's problem (validation rejects it
    // with its path); Fastify's default refused the whole batch. JSON.parse only ever makes it an
    // own property, so nothing is polluted on the way to validation.
    onProtoPoisoning: 'ignore',
    onConstructorPoisoning: 'ignore',
    // Errors the router meets before any route (a path that is not percent-encoded UTF-8, as a
    // lone surrogate's bytes are not; an over-long parameter) get Pacer's error body, not Fastify's.
    frameworkErrors: (error, request, reply) => {
      if (error.code === 'FST_ERR_BAD_URL') return void sendError(reply, 400, 'bad_request', `The path is not valid percent-encoded UTF-8: ${clip(request.url)}`);
      if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return void sendError(reply, 414, 'uri_too_long', `A path parameter is too long: ${clip(request.url)}`);
      request.log.error({ err: error }, 'request failed');
      return void sendError(reply, 500, 'internal_error', 'Pacer could not process the request; it was logged with its request id.', { requestId: request.id });
    },
    serverFactory: (handler) =>
      createServer((req: IncomingMessage, res: ServerResponse) => {
        if (deps.acceptsHost && !deps.acceptsHost(req.headers.host)) {
          countRawRequest(deps.telemetry, req, res, undefined);
          writeJsonError(req, res, 403, 'host_not_allowed', 'This server answers only requests addressed to its own address (127.0.0.1, localhost or [::1] with its port).');
          return;
        }
        const routing = routeSlackRequest(deps.slackListener, req.method, req.url);
        // Fastify counts its own requests; Slack's (a fixed set of paths) are counted here.
        if (routing.kind !== 'not_slack') countRawRequest(deps.telemetry, req, res, req.url?.split('?', 1)[0]);
        switch (routing.kind) {
          case 'bolt':
            handleSlackRequest(deps.slackListener!, req, res, (err) => deps.logger.error({ err, method: req.method, path: req.url?.split('?', 1)[0] }, 'Slack request failed'));
            return;
          case 'method_not_allowed':
            writeJsonError(req, res, 405, 'method_not_allowed', `Use ${routing.allow} for this path.`, { allow: routing.allow });
            return;
          case 'not_slack':
            handler(req, res);
            return;
          default:
            assertNever(routing);
        }
      }),
  });

  if (deps.telemetry) registerMetricsRoute(app, { telemetry: deps.telemetry, metricsToken: deps.metricsToken });

  // Only JSON is accepted: without this, Fastify would parse text/plain bodies as strings.
  app.removeContentTypeParser('text/plain');

  app.setErrorHandler<FastifyError>((error, request, reply) => {
    const code = error.code;
    switch (code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendError(reply, 413, 'payload_too_large', `The body is over ${MAX_BODY_BYTES / 1024 / 1024} MB; split the batch.`);
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendError(reply, 415, 'unsupported_media_type', 'Send the body as JSON with "Content-Type: application/json".');
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendError(reply, 400, 'bad_request', 'The body is empty; send {"events":[…]}.');
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return sendError(reply, 400, 'malformed_json', `The body is not valid JSON: ${clip(error.message)}`);
      default:
        break;
    }
    if (error instanceof SyntaxError || error.statusCode === 400) {
      return sendError(reply, 400, 'malformed_json', `The body is not valid JSON: ${clip(error.message)}`);
    }
    const unavailable = databaseUnavailable(error);
    if (unavailable) {
      request.log.warn({ err: error, reason: unavailable }, 'database unavailable; answered 503');
      return sendDatabaseUnavailable(reply, unavailable);
    }
    request.log.error({ err: error }, 'request failed');
    return sendError(reply, 500, 'internal_error', 'Pacer could not process the request; it was logged with its request id.', {
      requestId: request.id,
    });
  });

  app.setNotFoundHandler((request, reply) => sendError(reply, 404, 'not_found', `No route ${request.method} ${clip(request.url)}.`));

  // The API's description is built from the routes registered below, so it lists every one.
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  let openApi: OpenApiDocument | undefined;
  app.get('/api/v1/openapi.json', async () => (openApi ??= buildOpenApiDocument(routes)));

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (request, reply) => {
    const readiness = await checkReadiness(deps.db, deps.clock.now());
    switch (readiness.status) {
      case 'ready':
        return readiness;
      case 'migrations_pending':
        return reply.code(503).send(readiness);
      case 'database_unreachable':
        request.log.warn({ err: readiness.cause }, 'readiness check failed');
        return reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS)).send({ status: readiness.status });
      default:
        return assertNever(readiness);
    }
  });

  registerEventRoutes(app, deps);
  registerReportRoutes(app, deps);
  return app;
}
