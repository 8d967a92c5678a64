import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { firstSightOfSignature } from '../../src/db/slack-request-signatures.js';
import { createTestDatabase, DATABASE_KINDS } from '../helpers/db.js';

const MINUTE = 60_000;

describe.each(DATABASE_KINDS)('the Slack replay cache (%s)', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.close();
  });

  const hashes = async () => (await db.query<{ signature_hash: string }>('SELECT signature_hash FROM slack_request_signature ORDER BY 1')).map((r) => r.signature_hash);

  it('sees a signature first once, and forgets those signed before the cut-off', async () => {
    const now = Date.now();
    const cutoff = new Date(now - 6 * MINUTE);
    expect(await firstSightOfSignature(db, 'old', new Date(now - 10 * MINUTE), new Date(now - 20 * MINUTE))).toBe(true);
    expect(await firstSightOfSignature(db, 'a', new Date(now), cutoff)).toBe(true);
    expect(await firstSightOfSignature(db, 'a', new Date(now), cutoff)).toBe(false);
    expect(await hashes()).toEqual(['a']);
    expect(await firstSightOfSignature(db, 'b', new Date(now - 5 * MINUTE), cutoff)).toBe(true);
    expect(await hashes()).toEqual(['a', 'b']);
  });

  it('lets exactly one of many concurrent sightings of a signature be the first', async () => {
    const at = new Date();
    const firsts = await Promise.all(Array.from({ length: 10 }, () => firstSightOfSignature(db, 'raced', at, new Date(at.getTime() - 6 * MINUTE))));
    expect(firsts.filter(Boolean)).toHaveLength(1);
  });
});
