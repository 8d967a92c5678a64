import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import { parseInstant } from '../ingest/event-schema.js';
import { NotFoundError, repReport, teamReport } from '../reports/build-report.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import { unstorableText } from '../text.js';
import { requireApiKey, verifiedKey } from './auth.js';
import { sendError } from './errors.js';

type ReportQuery = { Querystring: { asOf?: string } };
type ReportDeps = { db: Database; clock: Clock; telemetry?: Telemetry | undefined };

function asOfFrom(query: { asOf?: string }, clock: Clock, reply: FastifyReply): Date | null {
  if (query.asOf === undefined || query.asOf === '') return clock.now();
  const parsed = parseInstant(query.asOf);
  if (!parsed.ok) {
    sendError(reply, 400, 'bad_request', `asOf: ${parsed.reason}`);
    return null;
  }
  return parsed.date;
}

/**
 * One report endpoint: a read key, an optional asOf, the report or a 404 naming what is missing.
 * `build` gets the workspace, the route parameter and the instant.
 */
function reportRoute(app: FastifyInstance, deps: ReportDeps, kind: 'rep' | 'team', url: string, param: string, build: (workspaceId: number, name: string, asOf: Date) => Promise<unknown>): void {
  app.get<ReportQuery & { Params: Record<string, string> }>(url, { onRequest: requireApiKey(deps, 'read') }, async (request, reply) => {
    const key = verifiedKey(request);
    const name = request.params[param] ?? '';
    const unstorable = unstorableText(name);
    // No stored team or member has such a name, and PostgreSQL refuses to even compare it.
    if (unstorable) return sendError(reply, 400, 'bad_request', `The ${param} in the path ${unstorable}.`);
    const asOf = asOfFrom(request.query, deps.clock, reply);
    if (!asOf) return reply;
    try {
      const started = performance.now();
      const report = await build(key.workspaceId, name, asOf);
      deps.telemetry?.reportServed(kind, 'api', false, (performance.now() - started) / 1000);
      return report;
    } catch (err) {
      if (err instanceof NotFoundError) return sendError(reply, 404, err.code, err.message);
      throw err;
    }
  });
}

/** GET /api/v1/reports/reps/:email and /teams/:name (read keys only). */
export function registerReportRoutes(app: FastifyInstance, deps: ReportDeps): void {
  reportRoute(app, deps, 'rep', '/api/v1/reports/reps/:email', 'email', (ws, email, asOf) => repReport(deps.db, ws, email, asOf, deps.clock.now()));
  reportRoute(app, deps, 'team', '/api/v1/reports/teams/:name', 'name', (ws, name, asOf) => teamReport(deps.db, ws, name, asOf, deps.clock.now()));
}
