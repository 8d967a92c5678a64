import type { FastifyReply } from 'fastify';
import type { UnavailableReason } from '../db/unavailable.js';
import { sendError } from './errors.js';

/** Seconds a client is asked to wait before sending again. */
export const RETRY_AFTER_SECONDS = 5;

// A batch is written in one transaction, so it was stored whole or not at all; which one the
// client cannot know after a timeout, and need not: resent events come back as duplicates.
const RESEND = `Send the request again after ${RETRY_AFTER_SECONDS} s; resending a batch is safe.`;
const MESSAGES: Record<UnavailableReason, string> = {
  unreachable: `The database cannot be reached. ${RESEND}`,
  timeout: `The database did not answer in time. ${RESEND}`,
  busy: `The database is busy with the same data. ${RESEND}`,
};

/** 503 with Retry-After: the request was fine, the database could not serve it now. */
export function sendDatabaseUnavailable(reply: FastifyReply, reason: UnavailableReason): FastifyReply {
  void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  return sendError(reply, 503, 'database_unavailable', MESSAGES[reason], { reason });
}
