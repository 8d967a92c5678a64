import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Telemetry } from '../telemetry/telemetry.js';
import { sendError } from './errors.js';

/** The route label of a request no route matched (a 404): never the raw path, which may hold ids or tokens. */
const UNMATCHED = 'unmatched';

/** Whether `header` is "Bearer <token>", compared in constant time (digests of equal length, whatever was sent). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const sent = header ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
  if (sent === undefined) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(sent), digest(token));
}

/** The route pattern Fastify matched (`/api/v1/reports/reps/:email`), or "unmatched". */
function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? UNMATCHED;
}

/**
 * Every request Fastify serves is counted by route pattern and status, with its latency, and
 * GET /metrics answers the scrape: behind `Authorization: Bearer <PACER_METRICS_TOKEN>` when that
 * is set (401 otherwise), open when it is not.
 */
export function registerMetricsRoute(app: FastifyInstance, deps: { telemetry: Telemetry; metricsToken?: string | undefined }): void {
  const { telemetry, metricsToken } = deps;
  app.addHook('onResponse', async (request, reply) => {
    telemetry.httpRequest(request.method, routeOf(request), reply.statusCode, reply.elapsedTime / 1000);
  });
  app.get('/metrics', async (request, reply) => {
    if (metricsToken !== undefined && !bearerMatches(request.headers.authorization, metricsToken)) {
      void reply.header('www-authenticate', 'Bearer');
      return sendError(reply, 401, 'invalid_metrics_token', 'Send the metrics token as "Authorization: Bearer <PACER_METRICS_TOKEN>".');
    }
    const text = await telemetry.scrape();
    return reply.header('content-type', telemetry.contentType).send(text);
  });
}

/**
 * Counts a request served outside Fastify (Slack's, handed to Bolt, and those refused before
 * routing) once its response is finished. `route` is one of the fixed paths Pacer owns.
 */
export function countRawRequest(telemetry: Telemetry | undefined, req: IncomingMessage, res: ServerResponse, route: string | undefined): void {
  if (!telemetry) return;
  const started = performance.now();
  res.once('close', () => telemetry.httpRequest(req.method ?? 'UNKNOWN', route ?? UNMATCHED, res.statusCode, (performance.now() - started) / 1000));
}
