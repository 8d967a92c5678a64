import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import { verifyApiKey, type ApiKeyScope, type VerifiedKey } from '../db/api-keys.js';
import { sendError } from './errors.js';

/**
 * Checks the bearer key and its scope. Answers 401 (and returns null) when the key is missing,
 * unknown or revoked, 403 when it is valid but of the other scope.
 */
export async function authenticate(
  db: Database,
  clock: Clock,
  request: FastifyRequest,
  reply: FastifyReply,
  scope: ApiKeyScope,
): Promise<VerifiedKey | null> {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) {
    void reply.header('www-authenticate', 'Bearer');
    sendError(reply, 401, 'missing_api_key', 'Send an API key as "Authorization: Bearer <key>" (create one with `npm run pacer -- api-key create`).');
    return null;
  }
  const key = await verifyApiKey(db, match[1]!, clock.now());
  if (!key) {
    void reply.header('www-authenticate', 'Bearer error="invalid_token"');
    sendError(reply, 401, 'invalid_api_key', 'The API key is unknown or revoked.');
    return null;
  }
  if (key.scope !== scope) {
    sendError(reply, 403, 'wrong_key_scope', `This endpoint needs a ${scope} key; this one is a ${key.scope} key.`);
    return null;
  }
  return key;
}
