/**
 * What every CRM source gives the sync runner (runner.ts), whatever the CRM: the objects it
 * reads, their changed records since a checkpoint as pages, those records mapped to Pacer's
 * events, and their deletions. The runner owns everything else: checkpoints, ingestion,
 * counting, leases, failure reporting. A source never writes to the database.
 */
import type { EventInput } from '../ingest/event-schema.js';

/** A stream's position (e.g. a modification time in epoch ms); opaque to the runner. */
export type Position = string;

/** A page of changed records, read from the CRM, not yet mapped. */
export interface RecordPage<R> {
  records: R[];
  /** Where the stream is once every record of the page (and every earlier one) is stored. */
  position: Position;
}

/** A record the mapping cannot use: counted as rejected, with its id and reason. */
export interface RejectedRecord {
  id: string;
  reason: string;
}

export interface MappedPage {
  events: EventInput[];
  /**
   * Every record of the page, by its key (its events' ids are the key, or start with key + ':'),
   * with the ids of the events it now makes: its other stored events (a stage it left, a win
   * undone, a meeting now cancelled) are removed.
   */
  records: { key: string; eventIds: string[] }[];
  rejected: RejectedRecord[];
  /** Records deliberately left out, by reason (e.g. "pipeline Renewals is not mapped"). */
  skipped: Record<string, number>;
}

/** Deleted records: their events are removed. */
export interface DeletionPage {
  read: number;
  /** Keys of the records, as in MappedPage.records. */
  keys: string[];
  position: Position;
}

/** One kind of record of a CRM (calls, deals, …): how to read it and how to map it. */
export interface SourceObject<R = unknown> {
  /** e.g. 'calls'; names its checkpoints and its line in the summary. */
  name: string;
  /** Pages of records changed since `since` (null: since the source's start date), oldest change first. */
  fetchChanges(since: Position | null): AsyncIterable<RecordPage<R>>;
  /** Maps a page to events; may read what the mapping needs (associations, history) from the CRM. */
  mapRecords(records: R[]): Promise<MappedPage>;
  /** Records deleted since `since`. */
  listDeletions(since: Position | null): AsyncIterable<DeletionPage>;
}

export interface Source {
  name: string;
  kind: string;
  /**
   * Checks the credentials and reads what every object's mapping needs (owners, pipelines, the
   * account's address for links). Throws SyncError.
   */
  prepare(): Promise<void>;
  /** In the order they sync (records others refer to first). */
  listObjects(): readonly SourceObject[];
  /** Requests made, and 429s received, so far. */
  usage(): { requests: number; rateLimited: number };
}
