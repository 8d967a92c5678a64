import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import { verifyApiKey, type ApiKeyScope, type VerifiedKey } from '../db/api-keys.js';
import { sendError } from './errors.js';

/**
 * Checks the bearer key and its scope. Answers 401 (and returns null) when the key is missing,
 * unknown or revoked, 403 when it is valid but of the other scope.
 */
export async function authenticate(db: Database, clock: Clock, request: FastifyRequest, reply: FastifyReply, scope: ApiKeyScope): Promise<VerifiedKey | null> {
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

const verifiedKeys = new WeakMap<FastifyRequest, VerifiedKey>();

/**
 * A route's onRequest hook: checks the key before Fastify reads or parses the body, so a request
 * without a valid key costs no parsing (a 5 MB body is answered 401 unread). The handler gets
 * the key with verifiedKey.
 */
export function requireApiKey(deps: { db: Database; clock: Clock }, scope: ApiKeyScope): onRequestAsyncHookHandler {
  return async (request, reply) => {
    const key = await authenticate(deps.db, deps.clock, request, reply, scope);
    // authenticate has answered; returning the reply stops Fastify before the body.
    if (!key) return reply;
    verifiedKeys.set(request, key);
    return undefined;
  };
}

/** The key requireApiKey verified for this request. */
export function verifiedKey(request: FastifyRequest): VerifiedKey {
  const key = verifiedKeys.get(request);
  if (!key) throw new Error(`${request.method} ${request.routeOptions.url ?? request.url} is served without its requireApiKey hook`);
  return key;
}
