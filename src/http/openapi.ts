/**
 * The OpenAPI 3.1 document of Pacer's HTTP API, served at GET /api/v1/openapi.json. Schemas come
 * from the zod schemas the routes validate with (the event) and answer with (api-schemas.ts),
 * through z.toJSONSchema (JSON Schema 2020-12, OpenAPI 3.1's dialect). Paths come from the routes
 * the server registered: a registered route without an operation here is an error, so the
 * document cannot leave one out. Pure: no I/O.
 */
import { z } from 'zod';
import { ISO_WITH_OFFSET, rawEventSchema } from '../ingest/event-schema.js';
import { REQUIRED_FIELDS } from '../ingest/event-types.js';
import { MAX_EVENTS_PER_BATCH } from '../ingest/ingest-events.js';
import { ApiErrorSchema, DataHealthSchema, HealthSchema, IngestOutcomeSchema, ReadinessSchema, RepReportSchema, TeamReportSchema } from './api-schemas.js';
import { RETRY_AFTER_SECONDS } from './database-unavailable.js';

type JsonSchema = Record<string, unknown>;

/** A route as the server registered it (Fastify's URL syntax: `/api/v1/events/:id`). */
export interface RegisteredRoute {
  method: string;
  url: string;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  jsonSchemaDialect: string;
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, unknown>; responses: Record<string, unknown> };
}

/** A zod schema as a JSON Schema component; the dialect is the document's, so `$schema` goes. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/**
 * The event as senders write it (the input side of rawEventSchema), with the rules
 * validateEvent adds that JSON Schema can say: a rep named one way or another, and the fields
 * each core type needs. What needs the workspace (a custom touch type, a stage of the rep's
 * team pipeline) is checked by the server only.
 */
function eventSchema(): JsonSchema {
  const byType = Object.entries(REQUIRED_FIELDS)
    .filter(([, fields]) => fields.length > 0)
    .map(([type, fields]) => ({ if: { properties: { type: { const: type } }, required: ['type'] }, then: { required: [...fields] } }));
  return {
    ...jsonSchema(rawEventSchema, 'input'),
    description: 'One activity event (docs/metrics.md "Events").',
    allOf: [{ anyOf: [{ required: ['repEmail'] }, { required: ['slackUserId'] }, { required: ['crmOwnerId'] }] }, ...byType],
  };
}

function schemas(): Record<string, JsonSchema> {
  return {
    Event: eventSchema(),
    EventBatch: {
      type: 'object',
      properties: {
        events: {
          type: 'array',
          maxItems: MAX_EVENTS_PER_BATCH,
          items: ref('Event'),
          description: `At most ${MAX_EVENTS_PER_BATCH} events (more: 413). An event that does not validate is rejected alone, in \`rejected\` of the answer.`,
        },
      },
      required: ['events'],
      additionalProperties: false,
    },
    IngestOutcome: jsonSchema(IngestOutcomeSchema, 'output'),
    Error: jsonSchema(ApiErrorSchema, 'output'),
    DataHealth: jsonSchema(DataHealthSchema, 'output'),
    RepReport: jsonSchema(RepReportSchema, 'output'),
    TeamReport: jsonSchema(TeamReportSchema, 'output'),
    Health: jsonSchema(HealthSchema, 'output'),
    Readiness: jsonSchema(ReadinessSchema, 'output'),
  };
}

const json = (schema: unknown) => ({ 'application/json': { schema } });
const errorResponse = (description: string) => ({ description, content: json(ref('Error')) });
const common = { $ref: '#/components/responses/DatabaseUnavailable' };

const asOf = {
  name: 'asOf',
  in: 'query',
  required: false,
  description: 'The instant to report as of (ISO 8601 with offset); now by default.',
  schema: { type: 'string', pattern: ISO_WITH_OFFSET.source },
};
const pathParam = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string', minLength: 1 } });

const reportErrors = {
  400: errorResponse('A path parameter or asOf that cannot be read.'),
  401: errorResponse('The key is missing, unknown or revoked.'),
  403: errorResponse('An ingest key: reports need a read key.'),
  404: errorResponse('No such rep or team in the key’s workspace.'),
  503: common,
};

/** Every operation, by Fastify's method and URL. */
const OPERATIONS: Record<string, Record<string, unknown>> = {
  'POST /api/v1/events': {
    operationId: 'ingestEvents',
    summary: 'Send a batch of events',
    description:
      'Each valid event is stored even when others are rejected, in batch order. The same id with the same content is a duplicate; with other content it is rejected as a conflict unless it carries a higher `version`, which replaces the stored event.',
    security: [{ ingestKey: [] }],
    requestBody: { required: true, content: json(ref('EventBatch')) },
    responses: {
      200: { description: 'Stored what could be stored.', content: json(ref('IngestOutcome')) },
      400: errorResponse('Malformed JSON, or a body that is not {"events":[…]}.'),
      401: errorResponse('The key is missing, unknown or revoked.'),
      403: errorResponse('A read key: sending events needs an ingest key.'),
      413: errorResponse('More than 5,000 events or 5 MB.'),
      415: errorResponse('The body is not JSON.'),
      503: common,
    },
  },
  'DELETE /api/v1/events/:id': {
    operationId: 'deleteEvent',
    summary: 'Remove one event',
    security: [{ ingestKey: [] }],
    parameters: [pathParam('id', 'The event’s id as it was sent.')],
    responses: {
      204: { description: 'Removed.' },
      400: errorResponse('An id that cannot have been stored.'),
      401: errorResponse('The key is missing, unknown or revoked.'),
      403: errorResponse('A read key: removing events needs an ingest key.'),
      404: errorResponse('No event with that id in the key’s workspace.'),
      503: common,
    },
  },
  'GET /api/v1/reports/reps/:email': {
    operationId: 'repReport',
    summary: 'A rep’s report',
    security: [{ readKey: [] }],
    parameters: [pathParam('email', 'The rep’s email.'), asOf],
    responses: { 200: { description: 'The rep’s report.', content: json(ref('RepReport')) }, ...reportErrors },
  },
  'GET /api/v1/reports/teams/:name': {
    operationId: 'teamReport',
    summary: 'A team’s report',
    security: [{ readKey: [] }],
    parameters: [pathParam('name', 'The team’s name as in the coaching config.'), asOf],
    responses: { 200: { description: 'The team’s report, every rep’s included.', content: json(ref('TeamReport')) }, ...reportErrors },
  },
  'GET /api/v1/openapi.json': {
    operationId: 'openApi',
    summary: 'This document',
    security: [],
    responses: { 200: { description: 'The OpenAPI 3.1 document of this API.', content: json({ type: 'object' }) } },
  },
  'GET /healthz': {
    operationId: 'health',
    summary: 'The process is up',
    security: [],
    responses: { 200: { description: 'Up.', content: json(ref('Health')) } },
  },
  'GET /readyz': {
    operationId: 'readiness',
    summary: 'The database answers and every migration is applied',
    description: 'Answers within 2 s. The body also gives each workspace’s data health, which never changes the status code.',
    security: [],
    responses: {
      200: { description: 'Ready.', content: json(ref('Readiness')) },
      503: {
        description: 'Migrations pending, or the database does not answer (then with Retry-After).',
        headers: { 'Retry-After': { schema: { type: 'integer' } } },
        content: json(ref('Readiness')),
      },
    },
  },
};

/** `/api/v1/events/:id` → `/api/v1/events/{id}`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/**
 * Whether the document describes a route: the API under /api/ and the health checks. The
 * sandbox serves its page and its own routes from the same server; they are not the API.
 */
export function isApiRoute(url: string): boolean {
  return url.startsWith('/api/') || url === '/healthz' || url === '/readyz';
}

/**
 * The document for the API routes the server registered (HEAD routes Fastify adds beside GET are
 * left out). Throws when such a route has no operation here.
 */
export function buildOpenApiDocument(routes: readonly RegisteredRoute[]): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const { method, url } of routes) {
    if (method === 'HEAD' || !isApiRoute(url)) continue;
    const operation = OPERATIONS[`${method} ${url}`];
    if (!operation) throw new Error(`${method} ${url} is served but has no operation in src/http/openapi.ts; describe it there`);
    (paths[openApiPath(url)] ??= {})[method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Pacer API',
      version: '1',
      description: 'Send activity events and read coaching reports. Explained in docs/api.md; each figure is defined in docs/metrics.md.',
    },
    paths,
    components: {
      schemas: schemas(),
      securitySchemes: {
        ingestKey: { type: 'http', scheme: 'bearer', description: 'An ingest key (`npm run pacer -- api-key create --workspace ID`): sends and removes events.' },
        readKey: { type: 'http', scheme: 'bearer', description: 'A read key (`api-key create --workspace ID --scope read`): reads reports.' },
      },
      responses: {
        DatabaseUnavailable: {
          description: `The database is down or did not answer in time: send the request again after Retry-After seconds (${RETRY_AFTER_SECONDS}); a batch is stored whole or not at all, so resending is safe.`,
          headers: { 'Retry-After': { schema: { type: 'integer' } } },
          content: json(ref('Error')),
        },
      },
    },
  };
}
