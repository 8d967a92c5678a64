import { LRUCache } from 'lru-cache';
import type { Database } from '../db/client.js';
import type { Snapshot } from './snapshot.js';

/**
 * Decoded team snapshots a process keeps in memory for the Slack report cache's computations
 * (docs/rollups.md "Decoded snapshots in memory"), per database, so that a team's reports after
 * its first skip reading, parsing and decoding its ~0.4 MB body. A kept entry is used only under the fingerprint the database holds
 * for it at the report's read: it is never stale, only skipped.
 */
export interface MemoEntry {
  fingerprint: string;
  snapshot: Snapshot;
}

/**
 * The memo's budget on the heap: ~25 teams at full size (1,000 reps in 100 teams: 1.2–1.3 MB a
 * team), beside a server's 192 MB heap cap; 20 people asking at once span about 20 teams.
 */
export const SNAPSHOT_MEMO_BYTES = 32 * 1024 * 1024;

/** Estimated heap bytes of a decoded snapshot, from its sizes (measured on the seeded org: docs/rollups.md). */
function decodedBytes(s: Snapshot): number {
  const stages = s.deals.reduce((n, d) => n + d.deal.stages.length, 0);
  return 230 * s.counted.length + 300 * s.leads.length + 385 * s.deals.length + 115 * stages;
}

const memos = new WeakMap<Database, LRUCache<string, MemoEntry>>();

/** The memo of `db`'s snapshots, made on first use: it goes with the Database object, and so with the data it read. */
export function snapshotMemo(db: Database): LRUCache<string, MemoEntry> {
  let memo = memos.get(db);
  if (!memo) {
    memo = new LRUCache<string, MemoEntry>({ maxSize: SNAPSHOT_MEMO_BYTES, sizeCalculation: (e) => Math.max(1, decodedBytes(e.snapshot)) });
    memos.set(db, memo);
  }
  return memo;
}

/**
 * Under tests (NODE_ENV=test, which vitest sets), a snapshot is frozen all through as it enters the
 * memo: every report of a process shares it, and one that wrote to a shared record would change
 * every later report's facts, which the equivalence tests would then see as a TypeError. Outside
 * tests it is not: freezing costs ~2 ms a team (measured on the 1,000-rep org), more than decoding
 * the body, on every first report of a team.
 */
const FREEZE_SHARED = process.env.NODE_ENV === 'test';

export function shareable<T>(value: T): T {
  if (FREEZE_SHARED) deepFreeze(value);
  return value;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  if (Array.isArray(value)) for (const v of value) deepFreeze(v);
  else for (const k in value) deepFreeze((value as Record<string, unknown>)[k]);
}
