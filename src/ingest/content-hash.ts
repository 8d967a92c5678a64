import { hash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import type { ValidEvent } from './event-schema.js';

/**
 * Hash of an event's content, normalised so that equal content gives equal hashes: instants in
 * UTC, object keys sorted, the id and `version` left out (a resend with a higher version but the
 * same content is still a duplicate).
 */
export function contentHash(event: ValidEvent): string {
  const { id: _id, version: _version, occurredAt, ...rest } = event;
  const canonical = stringify({ ...rest, occurredAt: occurredAt.toISOString() }) ?? '';
  // crypto.hash: one-shot, about a third of createHash().update().digest() per event.
  return hash('sha256', canonical, 'hex');
}
