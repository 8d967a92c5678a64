import type { SqlRunner } from './client.js';

/** Events API deliveries already handled: Slack retries resend the same event id. */

/** Records an Events API event id; false when it was already handled (a Slack retry). */
export async function firstDelivery(db: SqlRunner, eventId: string): Promise<boolean> {
  const rows = await db.kysely
    .insertInto('slack_event_receipt')
    .values({ event_id: eventId })
    .onConflict((oc) => oc.column('event_id').doNothing())
    .returning('event_id')
    .execute();
  return rows.length === 1;
}

/** Forgets receipts older than `before`: Slack retries within minutes, so they cannot be retries any more. */
export async function forgetReceiptsBefore(db: SqlRunner, before: Date): Promise<void> {
  await db.kysely.deleteFrom('slack_event_receipt').where('received_at', '<', before).execute();
}
