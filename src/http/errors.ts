import type { FastifyReply } from 'fastify';

/** Every API error body has this shape, so clients can branch on `code` and show `message`. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export function sendError(reply: FastifyReply, status: number, code: string, message: string, details?: unknown): FastifyReply {
  const body: ApiErrorBody = { error: { code, message, ...(details === undefined ? {} : { details }) } };
  return reply.code(status).send(body);
}
