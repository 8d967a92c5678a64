import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import { parseInstant } from '../ingest/event-schema.js';
import { NotFoundError, repReport, teamReport } from '../reports/build-report.js';
import { authenticate } from './auth.js';
import { sendError } from './errors.js';

type ReportQuery = { Querystring: { asOf?: string } };

function asOfFrom(query: { asOf?: string }, clock: Clock, reply: FastifyReply): Date | null {
  if (query.asOf === undefined || query.asOf === '') return clock.now();
  const parsed = parseInstant(query.asOf);
  if (!parsed.ok) {
    sendError(reply, 400, 'bad_request', `asOf: ${parsed.reason}`);
    return null;
  }
  return parsed.date;
}

/** GET /api/v1/reports/reps/:email and /teams/:name (read keys only). */
export function registerReportRoutes(app: FastifyInstance, deps: { db: Database; clock: Clock }): void {
  app.get<ReportQuery & { Params: { email: string } }>('/api/v1/reports/reps/:email', async (request, reply) => {
    const key = await authenticate(deps.db, deps.clock, request, reply, 'read');
    if (!key) return reply;
    const asOf = asOfFrom(request.query, deps.clock, reply);
    if (!asOf) return reply;
    try {
      return await repReport(deps.db, key.workspaceId, request.params.email, asOf);
    } catch (err) {
      if (err instanceof NotFoundError) return sendError(reply, 404, err.code, err.message);
      throw err;
    }
  });

  app.get<ReportQuery & { Params: { name: string } }>('/api/v1/reports/teams/:name', async (request, reply) => {
    const key = await authenticate(deps.db, deps.clock, request, reply, 'read');
    if (!key) return reply;
    const asOf = asOfFrom(request.query, deps.clock, reply);
    if (!asOf) return reply;
    try {
      return await teamReport(deps.db, key.workspaceId, request.params.name, asOf);
    } catch (err) {
      if (err instanceof NotFoundError) return sendError(reply, 404, err.code, err.message);
      throw err;
    }
  });
}
