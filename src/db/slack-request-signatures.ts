import type { SqlRunner } from './client.js';

/**
 * Records the signature of a signed Slack request, and forgets those signed before `forgetBefore`
 * (their timestamps are refused anyway). False when the signature was already recorded: the
 * request is a replay. One statement, so concurrent processes agree on who saw it first.
 */
export async function firstSightOfSignature(db: SqlRunner, signatureHash: string, signedAt: Date, forgetBefore: Date): Promise<boolean> {
  const rows = await db.query<{ signature_hash: string }>(
    `WITH forgotten AS (DELETE FROM slack_request_signature WHERE signed_at < $3)
     INSERT INTO slack_request_signature (signature_hash, signed_at) VALUES ($1, $2)
     ON CONFLICT (signature_hash) DO NOTHING RETURNING signature_hash`,
    [signatureHash, signedAt, forgetBefore],
  );
  return rows.length === 1;
}
