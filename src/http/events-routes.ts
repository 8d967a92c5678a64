import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import { deleteEvent } from '../db/events-repo.js';
import { ingestEvents, MAX_EVENTS_PER_BATCH } from '../ingest/ingest-events.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import { quote, quoteList, unstorableText } from '../text.js';
import { requireApiKey, verifiedKey } from './auth.js';
import { sendError } from './errors.js';

const batchSchema = z.strictObject(
  { events: z.array(z.unknown(), { error: (iss) => (iss.input === undefined ? 'missing; the body is {"events":[…]}' : 'must be an array of events') }) },
  { error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown field ${quoteList(iss.keys)}; the body is {"events":[…]}` : 'the body must be a JSON object {"events":[…]}') },
);

/** POST /api/v1/events and DELETE /api/v1/events/:id (docs/interfaces.md). */
export function registerEventRoutes(app: FastifyInstance, deps: { db: Database; clock: Clock; telemetry?: Telemetry | undefined }): void {
  const ingestKey = requireApiKey(deps, 'ingest');
  app.post('/api/v1/events', { onRequest: ingestKey }, async (request, reply) => {
    const key = verifiedKey(request);
    const parsed = batchSchema.safeParse(request.body);
    if (!parsed.success) {
      const message = parsed.error.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ');
      return sendError(reply, 400, 'bad_request', message);
    }
    const { events } = parsed.data;
    if (events.length > MAX_EVENTS_PER_BATCH) {
      return sendError(reply, 413, 'too_many_events', `The batch has ${events.length} events; send at most ${MAX_EVENTS_PER_BATCH} per request.`);
    }
    const log = request.log.child({ workspaceId: key.workspaceId });
    const outcome = await ingestEvents(deps.db, key.workspaceId, events, { receivedAt: deps.clock.now() });
    const counts = { accepted: outcome.accepted, duplicates: outcome.duplicates, rejected: outcome.rejected.length, unmatched: outcome.unmatched };
    log.info({ batch: events.length, ...counts }, 'events ingested');
    deps.telemetry?.eventsIngested('api', counts);
    return reply.code(200).send(outcome);
  });

  app.delete<{ Params: { id: string } }>('/api/v1/events/:id', { onRequest: ingestKey }, async (request, reply) => {
    const key = verifiedKey(request);
    const unstorable = unstorableText(request.params.id);
    // Such an id cannot have been stored, and PostgreSQL refuses to even compare it.
    if (unstorable) return sendError(reply, 400, 'bad_request', `The event id in the path ${unstorable}.`);
    const removed = await deleteEvent(deps.db, key.workspaceId, request.params.id);
    if (!removed) return sendError(reply, 404, 'not_found', `No event with id ${quote(request.params.id)} in this workspace.`);
    request.log.info({ workspaceId: key.workspaceId, eventId: request.params.id }, 'event deleted');
    return reply.code(204).send();
  });
}
