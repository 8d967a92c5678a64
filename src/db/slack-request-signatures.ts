import type { SqlRunner } from './client.js';

/**
 * Records the signature of a signed Slack request, and forgets those signed before `forgetBefore`
 * (their timestamps are refused anyway). False when the signature was already recorded: the
 * request is a replay. One statement, so concurrent processes agree on who saw it first.
 */
export async function firstSightOfSignature(db: SqlRunner, signatureHash: string, signedAt: Date, forgetBefore: Date): Promise<boolean> {
  const seen = await db.kysely
    .with('forgotten', (q) => q.deleteFrom('slack_request_signature').where('signed_at', '<', forgetBefore))
    .insertInto('slack_request_signature')
    .values({ signature_hash: signatureHash, signed_at: signedAt })
    .onConflict((oc) => oc.column('signature_hash').doNothing())
    .returning('signature_hash')
    .executeTakeFirst();
  return seen !== undefined;
}
