import type { Database } from '../db/client.js';
import { currentTeamRollups, loadTeamRollups } from '../db/rollups-read.js';
import { keepTeamSnapshot, readCurrentTeamSnapshot } from '../db/snapshot-repo.js';
import type { LeadRecord } from '../metrics/leads.js';
import type { MetricEvent } from '../metrics/types.js';
import type { DealHistory } from '../metrics/deals.js';
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
 * As kept: one array per field (columns), not one object or array per record. JSON.parse makes
 * a few dozen arrays instead of tens of thousands, and decoding walks them by index: on the
 * 1,000-rep org's largest snapshot (1,748 week counts, 2,213 leads, 1,051 deals) reading
 * 3.3–3.6 ms as rows, 2.3 ms as columns, with less garbage per report. Event ids are kept only
 * where an order rests on them; reports show none of a record's event ids.
 */
interface SnapshotBody {
  counted: {
    id: string[];
    rep: number[];
    /** An index into `types`. */
    type: number[];
    types: string[];
    at: number[];
    amount: (number | null)[];
    count: (number | null)[];
  };
  leads: {
    rep: number[];
    lead: string[];
    assignedAt: number[];
    source: LeadRecord['source'][];
    firstTouchAt: (number | null)[];
    qualifiedAt: (number | null)[];
    opportunityAt: (number | null)[];
    /** The assignment's event id (the order leads are read in). */
    assignment: string[];
  };
  deals: {
    /** Where the deal's first fact falls: time, event id (the order deals are read in). */
    firstAt: number[];
    firstId: string[];
    deal: string[];
    owner: (number | null)[];
    createdAt: (number | null)[];
    createdAmount: (number | null)[];
    /** How many of the stage columns below are each deal's, one deal after the other. */
    stages: number[];
    enteredAt: (number | null)[];
    skipped: boolean[];
    /** The stage's decision: converted or not, null while undecided. */
    converted: (boolean | null)[];
    decidedAt: (number | null)[];
    /** The close: won or not, null without one. */
    won: (boolean | null)[];
    closeAt: (number | null)[];
    closeAmount: (number | null)[];
    closeRep: (number | null)[];
    closeEvent: (string | null)[];
    touches: number[];
    lastTouchAt: (number | null)[];
    lastStageChangeAt: (number | null)[];
    pendingStage: (number | null)[];
    pendingAt: (number | null)[];
  };
}

/**
 * What the kept fingerprint starts with for bodies of this shape: a body of an earlier shape is
 * kept under another fingerprint, so it is rebuilt, never decoded as this one.
 */
const BODY_FORMAT = 'columns-1';

/** The config part of the fingerprint a team's snapshot is kept under: the body's format and the team's config hash. */
export function snapshotConfigFingerprint(input: LinkTeam['input']): string {
  return `${BODY_FORMAT}:${configFingerprint(input)}`;
}

function encode(s: Snapshot): SnapshotBody {
  const types = [...new Set(s.counted.map((e) => e.type))];
  const typeIndex = new Map(types.map((t, i) => [t, i]));
  const deals = s.deals.map((d) => d.deal);
  const stages = deals.flatMap((d) => d.stages);
  return {
    counted: {
      id: s.counted.map((e) => e.id),
      rep: s.counted.map((e) => e.repId),
      type: s.counted.map((e) => typeIndex.get(e.type)!),
      types,
      at: s.counted.map((e) => e.at),
      amount: s.counted.map((e) => e.amount),
      count: s.counted.map((e) => e.count ?? null),
    },
    leads: {
      rep: s.leads.map((l) => l.repId),
      lead: s.leads.map((l) => l.leadId),
      assignedAt: s.leads.map((l) => l.assignedAt),
      source: s.leads.map((l) => l.source),
      firstTouchAt: s.leads.map((l) => l.firstTouchAt),
      qualifiedAt: s.leads.map((l) => l.qualifiedAt),
      opportunityAt: s.leads.map((l) => l.opportunityAt),
      assignment: s.leads.map((l) => l.eventIds[0]!),
    },
    deals: {
      firstAt: s.deals.map((d) => d.first[0]),
      firstId: s.deals.map((d) => d.first[1]),
      deal: deals.map((d) => d.dealId),
      owner: deals.map((d) => d.ownerId),
      createdAt: deals.map((d) => d.createdAt),
      createdAmount: deals.map((d) => d.createdAmount),
      stages: deals.map((d) => d.stages.length),
      enteredAt: stages.map((st) => st.enteredAt),
      skipped: stages.map((st) => st.skipped),
      converted: stages.map((st) => st.decision?.converted ?? null),
      decidedAt: stages.map((st) => st.decision?.at ?? null),
      won: deals.map((d) => (d.close ? d.close.outcome === 'won' : null)),
      closeAt: deals.map((d) => d.close?.at ?? null),
      closeAmount: deals.map((d) => d.close?.amount ?? null),
      closeRep: deals.map((d) => d.close?.repId ?? null),
      closeEvent: deals.map((d) => d.close?.eventId ?? null),
      touches: deals.map((d) => d.touches),
      lastTouchAt: deals.map((d) => d.lastTouchAt),
      lastStageChangeAt: deals.map((d) => d.lastStageChangeAt),
      pendingStage: deals.map((d) => d.pendingTimeout?.stage ?? null),
      pendingAt: deals.map((d) => d.pendingTimeout?.at ?? null),
    },
  };
}

function decodeCounted(c: SnapshotBody['counted']): MetricEvent[] {
  const out = new Array<MetricEvent>(c.id.length);
  for (let i = 0; i < out.length; i += 1) {
    const e: MetricEvent = { id: c.id[i]!, repId: c.rep[i]!, type: c.types[c.type[i]!]!, at: c.at[i]!, leadId: null, dealId: null, amount: c.amount[i]!, stage: null, leadSource: null };
    const count = c.count[i]!;
    if (count !== null) e.count = count;
    out[i] = e;
  }
  return out;
}

function decodeLeads(l: SnapshotBody['leads']): LeadRecord[] {
  const out = new Array<LeadRecord>(l.lead.length);
  for (let i = 0; i < out.length; i += 1) {
    out[i] = {
      repId: l.rep[i]!,
      leadId: l.lead[i]!,
      assignedAt: l.assignedAt[i]!,
      source: l.source[i]!,
      firstTouchAt: l.firstTouchAt[i]!,
      qualifiedAt: l.qualifiedAt[i]!,
      opportunityAt: l.opportunityAt[i]!,
      eventIds: [l.assignment[i]!],
    };
  }
  return out;
}

function decodeDeals(d: SnapshotBody['deals']): SettledDeal[] {
  const out = new Array<SettledDeal>(d.deal.length);
  let k = 0;
  for (let i = 0; i < out.length; i += 1) {
    const stages = new Array<DealHistory['stages'][number]>(d.stages[i]!);
    for (let j = 0; j < stages.length; j += 1, k += 1) {
      const converted = d.converted[k]!;
      stages[j] = { enteredAt: d.enteredAt[k]!, skipped: d.skipped[k]!, decision: converted === null ? null : { converted, at: d.decidedAt[k]! } };
    }
    const won = d.won[i]!;
    const deal: DealHistory = {
      dealId: d.deal[i]!,
      ownerId: d.owner[i]!,
      createdAt: d.createdAt[i]!,
      createdAmount: d.createdAmount[i]!,
      stages,
      close: won === null ? null : { outcome: won ? 'won' : 'lost', at: d.closeAt[i]!, amount: d.closeAmount[i]!, repId: d.closeRep[i]!, eventId: d.closeEvent[i]! },
      touches: d.touches[i]!,
      lastTouchAt: d.lastTouchAt[i]!,
      lastStageChangeAt: d.lastStageChangeAt[i]!,
      eventIds: [],
    };
    const pendingStage = d.pendingStage[i]!;
    if (pendingStage !== null) deal.pendingTimeout = { stage: pendingStage, at: d.pendingAt[i]! };
    out[i] = { first: [d.firstAt[i]!, d.firstId[i]!], deal };
  }
  return out;
}

function decode(b: SnapshotBody): Snapshot {
  return { counted: decodeCounted(b.counted), leads: decodeLeads(b.leads), deals: decodeDeals(b.deals) };
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
  return readCurrentTeamSnapshot(db, workspaceId, scope, snapshotConfigFingerprint(team.input), withBody, heldFingerprint);
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
