import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import { assertNever } from '../errors.js';
import { pendingMigrations } from '../db/migrator.js';
import type { Logger } from '../logger.js';
import { workspaceDataHealth } from '../reports/data-health.js';
import { sendError } from './errors.js';
import { registerEventRoutes } from './events-routes.js';
import { registerReportRoutes } from './reports-routes.js';
import { handleSlackRequest, routeSlackRequest, writeJsonError, type SlackHttpListener } from './slack-routes.js';

export const MAX_BODY_BYTES = 5 * 1024 * 1024;

export interface HttpDeps {
  db: Database;
  logger: Logger;
  clock: Clock;
  /** Bolt's receiver and the routes it owns, when Slack is configured over HTTP. */
  slackListener?: SlackHttpListener;
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
    serverFactory: (handler) =>
      createServer((req: IncomingMessage, res: ServerResponse) => {
        const routing = routeSlackRequest(deps.slackListener, req.method, req.url);
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
        return sendError(reply, 400, 'malformed_json', `The body is not valid JSON: ${error.message}`);
      default:
        break;
    }
    if (error instanceof SyntaxError || error.statusCode === 400) {
      return sendError(reply, 400, 'malformed_json', `The body is not valid JSON: ${error.message}`);
    }
    request.log.error({ err: error }, 'request failed');
    return sendError(reply, 500, 'internal_error', 'Pacer could not process the request; it was logged with its request id.', {
      requestId: request.id,
    });
  });

  app.setNotFoundHandler((request, reply) => sendError(reply, 404, 'not_found', `No route ${request.method} ${request.url}.`));

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (request, reply) => {
    try {
      const pending = await pendingMigrations(deps.db);
      if (pending.length > 0) return reply.code(503).send({ status: 'migrations_pending', pending });
      // Said, not acted on: stale data is the CRM's problem, and Pacer itself is ready.
      const now = deps.clock.now();
      const dataHealth = (await workspaceDataHealth(deps.db, now, now)).map((w) => ({ workspace: w.workspace, ...w.dataHealth }));
      return { status: 'ready', database: deps.db.kind, dataHealth };
    } catch (err) {
      request.log.warn({ err }, 'readiness check failed');
      return reply.code(503).send({ status: 'database_unreachable' });
    }
  });

  registerEventRoutes(app, deps);
  registerReportRoutes(app, deps);
  return app;
}
