import type { Database } from '../db/client.js';
import {
  bumpDataVersion,
  insertOrLockEvents,
  replaceEvents,
  rolledEvent,
  ingestContext,
  resolveIdentities,
  storedVersions,
  type EventRow,
  type ResolvedIdentity,
  type StoredVersion,
} from '../db/events-repo.js';
import { enqueueRollups } from '../db/rollups-write.js';
import { assertNever, type InputProblem } from '../errors.js';
import { quote } from '../text.js';
import { contentHash } from './content-hash.js';
import { validateEvent, type RepRef, type ValidEvent } from './event-schema.js';

export const MAX_EVENTS_PER_BATCH = 5000;

export interface RejectedEvent {
  index: number;
  id: string | null;
  errors: InputProblem[];
}

/** accepted + duplicates + rejected.length = the batch length. */
export interface IngestOutcome {
  accepted: number;
  duplicates: number;
  /** Accepted events naming a person not in the config (stored; credited once they are added). */
  unmatched: number;
  rejected: RejectedEvent[];
}

export interface IngestOptions {
  /**
   * Other content under a stored id: 'reject' (default, the API's rule) makes it a conflict unless
   * it carries a higher `version`; 'replace' stores it, for sources whose latest export is the
   * truth and that carry no versions (CSV opportunity re-exports).
   */
  onConflict?: 'reject' | 'replace';
}

/** What every write needs: when the batch arrived, by Pacer's clock (the one honouring PACER_NOW). */
export interface IngestWrite extends IngestOptions {
  receivedAt: Date;
}

/** The outcome plus what the CSV import reports and the API's reply does not carry. */
export interface DetailedIngestOutcome extends IngestOutcome {
  /** Of the accepted events, those that replaced stored content (by a higher version or 'replace'). */
  updated: number;
}

interface Candidate {
  index: number;
  event: ValidEvent;
  hash: string;
}

const repKey = (rep: RepRef) => `${rep.kind}\u0000${rep.value}`;

function idOf(input: unknown): string | null {
  if (typeof input === 'object' && input !== null && 'id' in input) {
    const id = input.id;
    if (typeof id === 'string' || typeof id === 'number') return String(id);
  }
  return null;
}

function conflictProblem(id: string, storedVersion: number | null, sentVersion: number | undefined): InputProblem {
  return {
    path: 'id',
    message:
      `conflict: event ${quote(id)} is already stored with different content` +
      ` (stored version ${storedVersion ?? 'none'}, sent ${sentVersion ?? 'none'}); resend it with a higher integer "version" to replace it`,
  };
}

function toRow(c: Candidate, identityId: number): EventRow {
  const e = c.event;
  return {
    external_id: e.id,
    type: e.type,
    occurred_at: e.occurredAt.toISOString(),
    identity_id: identityId,
    lead_id: e.leadId ?? null,
    deal_id: e.dealId ?? null,
    amount: e.amount ?? null,
    stage: e.stage ?? null,
    lead_source: e.leadSource ?? null,
    metadata: e.metadata ?? null,
    deal_name: e.dealName ?? null,
    lead_name: e.leadName ?? null,
    account_name: e.accountName ?? null,
    url: e.url ?? null,
    version: e.version ?? null,
    content_hash: c.hash,
  };
}

type Verdict = { kind: 'accepted'; replaced: boolean } | { kind: 'duplicate' } | { kind: 'conflict'; problem: InputProblem };

/**
 * Takes the occurrences of one id in batch order against what is stored: the first new content
 * is stored; the same content again is a duplicate; other content replaces it only with a higher
 * version, or always with onConflict 'replace'. Returns a verdict per occurrence and the content
 * to write (none when nothing changes).
 */
function decide(occurrences: Candidate[], stored: StoredVersion | undefined, onConflict: NonNullable<IngestOptions['onConflict']>): { verdicts: Verdict[]; write: Candidate | null } {
  let state: { hash: string; version: number | null } | undefined = stored && { hash: stored.contentHash, version: stored.version };
  let write: Candidate | null = null;
  const verdicts = occurrences.map((c): Verdict => {
    if (!state || (c.hash !== state.hash && (onConflict === 'replace' || (c.event.version ?? 0) > (state.version ?? 0)))) {
      const replaced = state !== undefined;
      state = { hash: c.hash, version: c.event.version ?? null };
      write = c;
      return { kind: 'accepted', replaced };
    }
    if (c.hash === state.hash) return { kind: 'duplicate' };
    return { kind: 'conflict', problem: conflictProblem(c.event.id, state.version, c.event.version) };
  });
  return { verdicts, write };
}

/**
 * Stores a batch of events for one workspace, in order, idempotently (docs/metrics.md, docs/interfaces.md):
 * each valid event is stored even when others are rejected; the same id with the same content is
 * a duplicate; with other content it is a conflict unless its `version` is higher than the stored
 * one (or than an earlier event of the batch with that id), which it then replaces.
 * The batch is written in one transaction with its data version bump: a batch cut short by a
 * database error stores nothing, and resending it is safe.
 * Returns exactly the API's reply (docs/interfaces.md); ingestEventsDetailed also counts updates.
 */
export async function ingestEvents(db: Database, workspaceId: number, inputs: readonly unknown[], options: IngestWrite): Promise<IngestOutcome> {
  const { updated: _updated, ...outcome } = await ingestEventsDetailed(db, workspaceId, inputs, options);
  return outcome;
}

/** ingestEvents, also counting the accepted events that replaced stored content. */
export async function ingestEventsDetailed(db: Database, workspaceId: number, inputs: readonly unknown[], { onConflict = 'reject', receivedAt }: IngestWrite): Promise<DetailedIngestOutcome> {
  const { extraTouchTypes, stages: anyTeamStages } = await ingestContext(db, workspaceId);
  const rejected: RejectedEvent[] = [];

  const valid: Candidate[] = [];
  inputs.forEach((input, index) => {
    const result = validateEvent(input, { extraTouchTypes });
    if (result.ok) valid.push({ index, event: result.event, hash: contentHash(result.event) });
    else rejected.push({ index, id: idOf(input), errors: result.problems });
  });

  const repRefs = new Map<string, RepRef>();
  for (const c of valid) repRefs.set(repKey(c.event.rep), c.event.rep);
  const identities = new Map((await resolveIdentities(db, workspaceId, [...repRefs.values()])).map((i) => [repKey(i), i]));
  const identityOf = (c: Candidate): ResolvedIdentity => {
    const identity = identities.get(repKey(c.event.rep));
    if (!identity) throw new Error(`identity for ${c.event.rep.kind} ${c.event.rep.value} was not resolved`);
    return identity;
  };

  // Stages belong to the rep's team pipeline (any team's, for people not in the config yet).
  const byId = new Map<string, Candidate[]>();
  for (const c of valid) {
    const identity = identityOf(c);
    const stages = identity.pipelineStages ? new Set(identity.pipelineStages) : anyTeamStages;
    if (c.event.stage !== undefined && stages && !stages.has(c.event.stage)) {
      rejected.push({
        index: c.index,
        id: c.event.id,
        errors: [
          {
            path: 'stage',
            message: `${quote(c.event.stage)} is not a stage of the ${identity.pipelineStages ? "rep's team" : "workspace's"} pipeline (${[...stages].join(', ')})`,
          },
        ],
      });
      continue;
    }
    const list = byId.get(c.event.id);
    if (list) list.push(c);
    else byId.set(c.event.id, [c]);
  }

  // Every id is first inserted as if new (the common case); the ids found stored stay locked
  // until commit, so deciding against what they hold and writing cannot race a concurrent batch:
  // the highest version wins whatever the order of arrival, and no batch has to try again.
  const verdicts = new Map<string, Verdict[]>();
  if (byId.size > 0)
    await db.transactionScript(async (tx) => {
      const asIfNew = new Map([...byId].map(([id, occurrences]) => [id, decide(occurrences, undefined, onConflict)]));
      const newRows = [...asIfNew.values()].flatMap(({ write }) => (write ? [toRow(write, identityOf(write).id)] : []));
      const inserted = await insertOrLockEvents(tx, workspaceId, newRows, receivedAt);
      const storedIds: string[] = [];
      for (const [id, decided] of asIfNew) {
        if (inserted.has(id)) verdicts.set(id, decided.verdicts);
        else storedIds.push(id);
      }
      const stored = await storedVersions(tx, workspaceId, storedIds);
      const replacements: EventRow[] = [];
      for (const id of storedIds) {
        const before = stored.get(id);
        if (!before) throw new Error(`event "${id}" was neither inserted nor found stored though its row is locked`);
        const { verdicts: v, write } = decide(byId.get(id)!, before, onConflict);
        verdicts.set(id, v);
        if (write) replacements.push(toRow(write, identityOf(write).id));
      }
      const replaced = await replaceEvents(tx, workspaceId, replacements, receivedAt);
      const added = [...newRows.filter((r) => inserted.has(r.external_id)), ...replacements].map(rolledEvent);
      await enqueueRollups(tx, workspaceId, added, replaced);
      if (inserted.size > 0 || replacements.length > 0) await bumpDataVersion(tx, workspaceId);
    });

  let accepted = 0;
  let duplicates = 0;
  let unmatched = 0;
  let updated = 0;
  for (const [id, occurrences] of byId) {
    const v = verdicts.get(id)!;
    occurrences.forEach((c, i) => {
      const verdict = v[i]!;
      switch (verdict.kind) {
        case 'accepted':
          accepted += 1;
          if (verdict.replaced) updated += 1;
          if (identityOf(c).memberId === null) unmatched += 1;
          break;
        case 'duplicate':
          duplicates += 1;
          break;
        case 'conflict':
          rejected.push({ index: c.index, id, errors: [verdict.problem] });
          break;
        default:
          assertNever(verdict);
      }
    });
  }
  rejected.sort((a, b) => a.index - b.index);
  return { accepted, duplicates, unmatched, rejected, updated };
}
