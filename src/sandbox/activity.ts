/**
 * The demo org's activity after the seed's end (src/seed/continuation.ts), stored through
 * ingestion as if the CRM had sent it at `receivedAt`: what "Advance the clock a week" adds.
 * Event ids are the generator's, so storing a span again is a duplicate, never a second copy.
 */
import type { Database } from '../db/client.js';
import { ingestEvents, MAX_EVENTS_PER_BATCH } from '../ingest/ingest-events.js';
import { orgEventsAfterEnd } from '../seed/continuation.js';
import type { SeedEvent, SeedOrg } from '../seed/types.js';

export async function ingestActivity(db: Database, workspaceId: number, org: SeedOrg, span: { from: Date; until: Date }, receivedAt: Date): Promise<{ events: number; accepted: number }> {
  let events = 0;
  let accepted = 0;
  let buffer: SeedEvent[] = [];
  const send = async (batch: SeedEvent[]) => {
    const outcome = await ingestEvents(db, workspaceId, batch, { receivedAt });
    if (outcome.rejected.length > 0) {
      const first = outcome.rejected[0]!;
      throw new Error(
        `ingestion rejected ${outcome.rejected.length} generated events (a generator bug), e.g. ${first.id ?? `#${first.index}`}: ${first.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      );
    }
    events += batch.length;
    accepted += outcome.accepted;
  };
  for (const rep of orgEventsAfterEnd(org, span.from, span.until)) {
    buffer.push(...rep.events);
    while (buffer.length >= MAX_EVENTS_PER_BATCH) {
      await send(buffer.slice(0, MAX_EVENTS_PER_BATCH));
      buffer = buffer.slice(MAX_EVENTS_PER_BATCH);
    }
  }
  if (buffer.length > 0) await send(buffer);
  return { events, accepted };
}
