import type { Database } from '../db/client.js';
import { currentTeamRollups, loadTeamRollups } from '../db/rollups-read.js';
import { keepTeamSnapshot, readCurrentTeamSnapshot } from '../db/snapshot-repo.js';
import type { LeadRecord } from '../metrics/leads.js';
import type { MetricEvent } from '../metrics/types.js';
import { settleFacts, type SettledDeal, type TeamFacts } from './compute.js';
import { configFingerprint } from './link-fingerprints.js';
import type { LinkTeam } from './links.js';
import { factsFromRollups, loadTeamFacts, teamRollupQuery } from './team-facts.js';
import { shareable, snapshotMemo } from './snapshot-memo.js';

/**
 * A team's facts as of the start of a week (docs/rollups.md "Team snapshots"): the week counts
 * of the complete weeks its windows cover, and its leads and deals built as of that instant.
 * Nothing in it depends on a later event: a report later in the week takes it with the facts of
 * the open week alone.
 */
export interface Snapshot {
  counted: MetricEvent[];
  leads: LeadRecord[];
  deals: SettledDeal[];
}

/**
 * As kept: arrays, not objects (a third of the bytes to read and parse). Event ids are kept only
 * where an order rests on them; reports show none of a record's event ids.
 */
interface SnapshotBody {
  /** [id, rep, type, at, amount, count] */
  counted: [string, number, string, number, number | null, number | null][];
  /** [rep, lead, assignedAt, source, firstTouchAt, qualifiedAt, opportunityAt, assignment event id] */
  leads: [number, string, number, LeadRecord['source'], number | null, number | null, number | null, string][];
  /** [first at, first id, deal, owner, createdAt, createdAmount, stages, close, touches, lastTouchAt, lastStageChangeAt, pendingTimeout] */
  deals: [number, string, string, number | null, number | null, number | null, StageTuple[], CloseTuple | null, number, number | null, number | null, [number, number] | null][];
}
/** [enteredAt, skipped, decision: [converted, at] or null] */
type StageTuple = [number | null, boolean, [boolean, number] | null];
/** [won, at, amount, rep, event id] */
type CloseTuple = [boolean, number, number | null, number, string];

function encode(s: Snapshot): SnapshotBody {
  return {
    counted: s.counted.map((e) => [e.id, e.repId, e.type, e.at, e.amount, e.count ?? null]),
    leads: s.leads.map((l) => [l.repId, l.leadId, l.assignedAt, l.source, l.firstTouchAt, l.qualifiedAt, l.opportunityAt, l.eventIds[0]!]),
    deals: s.deals.map(({ first, deal: d }) => [
      first[0],
      first[1],
      d.dealId,
      d.ownerId,
      d.createdAt,
      d.createdAmount,
      d.stages.map((st) => [st.enteredAt, st.skipped, st.decision && [st.decision.converted, st.decision.at]]),
      d.close && [d.close.outcome === 'won', d.close.at, d.close.amount, d.close.repId, d.close.eventId],
      d.touches,
      d.lastTouchAt,
      d.lastStageChangeAt,
      d.pendingTimeout ? [d.pendingTimeout.stage, d.pendingTimeout.at] : null,
    ]),
  };
}

function decode(b: SnapshotBody): Snapshot {
  return {
    counted: b.counted.map(([id, repId, type, at, amount, count]) => ({
      id,
      repId,
      type,
      at,
      leadId: null,
      dealId: null,
      amount,
      stage: null,
      leadSource: null,
      ...(count === null ? {} : { count }),
    })),
    leads: b.leads.map(([repId, leadId, assignedAt, source, firstTouchAt, qualifiedAt, opportunityAt, assignment]) => ({
      repId,
      leadId,
      assignedAt,
      source,
      firstTouchAt,
      qualifiedAt,
      opportunityAt,
      eventIds: [assignment],
    })),
    deals: b.deals.map(([firstAt, firstId, dealId, ownerId, createdAt, createdAmount, stages, close, touches, lastTouchAt, lastStageChangeAt, pending]) => ({
      first: [firstAt, firstId],
      deal: {
        dealId,
        ownerId,
        createdAt,
        createdAmount,
        stages: stages.map(([enteredAt, skipped, decision]) => ({ enteredAt, skipped, decision: decision && { converted: decision[0], at: decision[1] } })),
        close: close && { outcome: close[0] ? 'won' : 'lost', at: close[1], amount: close[2], repId: close[3], eventId: close[4] },
        touches,
        lastTouchAt,
        lastStageChangeAt,
        eventIds: [],
        ...(pending ? { pendingTimeout: { stage: pending[0], at: pending[1] } } : {}),
      },
    })),
  };
}

/**
 * The fingerprint a snapshot for the week starting at `weekStart` is kept under — the team's
 * config, and its reps' identities and the revision counts of their rollups before `weekStart`
 * (rollupRevisions, as for kept links) — and whether one is kept under it (`withBody`: its body).
 * Call it after folding, and before reading the rollups a body is built from: a body never rests
 * on rollups older than its fingerprint says.
 */
function currentSnapshot(db: Database, workspaceId: number, team: LinkTeam, weekStart: Date, withBody: boolean, heldFingerprint: string | null = null) {
  const scope = { teamId: team.id, memberIds: team.input.reps.map((r) => r.id), weekEnd: weekStart };
  return readCurrentTeamSnapshot(db, workspaceId, scope, configFingerprint(team.input), withBody, heldFingerprint);
}

/** Builds the team's snapshot for the week starting at `weekStart` from the rollups, and keeps it under `fingerprint`. */
async function buildTeamSnapshot(db: Database, workspaceId: number, team: LinkTeam, weekStart: Date, fingerprint: string): Promise<SnapshotBody> {
  const facts = await loadTeamFacts(db, workspaceId, team.input, weekStart);
  const settled = settleFacts(team.input, facts, weekStart);
  const body = encode({ counted: [...facts.counted], leads: [...settled.leads], deals: [...settled.deals] });
  await keepTeamSnapshot(db, team.id, weekStart, fingerprint, body);
  return body;
}

/**
 * The team's snapshot for the week starting at `weekStart`: the kept one while its fingerprint
 * holds, else built from the rollups and kept. The process's memo (snapshot-memo.ts) holds it
 * decoded: its body is read only when the memo holds none under the current fingerprint.
 */
async function teamSnapshot(db: Database, workspaceId: number, team: LinkTeam, weekStart: Date, useMemo: boolean): Promise<Snapshot> {
  const memo = useMemo ? snapshotMemo(db) : null;
  const key = `${team.id}/${weekStart.toISOString()}`;
  const held = memo?.get(key);
  const kept = await currentSnapshot(db, workspaceId, team, weekStart, true, held?.fingerprint ?? null);
  if (held && kept.kept && held.fingerprint === kept.fingerprint) return held.snapshot;
  // A built body is decoded as a later report reads it back, so that every report of the week computes from the same facts.
  const body = kept.kept ? (kept.body as SnapshotBody) : await buildTeamSnapshot(db, workspaceId, team, weekStart, kept.fingerprint);
  if (!memo) return decode(body);
  const snapshot = shareable(decode(body));
  memo.set(key, { fingerprint: kept.fingerprint, snapshot });
  return snapshot;
}

/**
 * Builds the team's snapshot for the week containing `now` unless the kept one is current, as the
 * first report of the week would (the team-snapshots job calls it, so that reports rarely pay
 * for a build). True when it built one.
 */
export async function refreshTeamSnapshot(db: Database, workspaceId: number, team: LinkTeam, now: Date): Promise<boolean> {
  const q = teamRollupQuery(team.input, now);
  if (q.memberIds.length === 0) return false;
  await currentTeamRollups(db, workspaceId, q.memberIds, q.zone);
  const current = await currentSnapshot(db, workspaceId, team, q.cut, false);
  if (current.kept) return false;
  await buildTeamSnapshot(db, workspaceId, team, q.cut, current.fingerprint);
  return true;
}

export interface ReportFactsOptions {
  detailMemberId?: number | undefined;
  /**
   * Take the team's snapshot from the process's memo and keep it there: for the Slack report
   * cache (src/reports/report-cache.ts), whose asks come back to the same teams. Not by default:
   * passes over every team (the weekly run, the alert scan, the links' cohorts) read each team
   * once, and the memo's tens of thousands of live records lengthen every full garbage
   * collection of the process (bench:reports' rep p99 64 → 83 ms with it on).
   */
  memo?: boolean;
}

/**
 * A team report's facts as of `asOf`: the team's snapshot for the week containing it, with the
 * open week's facts read from the rollups — its reps' own events since the week's start, and
 * every lead and deal with an event since then, whole (they replace the snapshot's).
 * Options: `detailMemberId`, the facts serve that rep's report alone (TeamRollupQuery.detailMemberId);
 * `memo`: through the process's snapshot memo (ReportFactsOptions).
 */
export async function loadReportFacts(db: Database, workspaceId: number, team: LinkTeam, asOf: Date, options: ReportFactsOptions = {}): Promise<TeamFacts> {
  const q = { ...teamRollupQuery(team.input, asOf), detailMemberId: options.detailMemberId };
  // Folds what is pending and rebuilds identities out of zone first, so the fingerprint below covers them.
  const open = await loadTeamRollups(db, workspaceId, { ...q, weeksFrom: q.cut, leadsFrom: q.cut, dealsFrom: q.cut });
  const snapshot = await teamSnapshot(db, workspaceId, team, q.cut, options.memo === true);
  const facts = factsFromRollups(open);
  const leads = new Set(open.leads.map((l) => l.lead));
  const deals = new Set([...open.deals.map((d) => d.deal), ...open.dealsRaw.map((e) => e.deal)]);
  return {
    ...facts,
    counted: [...snapshot.counted, ...facts.counted],
    settled: { leads: snapshot.leads.filter((l) => !leads.has(l.leadId)), deals: snapshot.deals.filter((d) => !deals.has(d.deal.dealId)) },
  };
}
