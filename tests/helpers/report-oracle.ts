/**
 * The oracle for team reports (issue 14, "Proof of equivalence"): revision 2's raw computation,
 * kept in the tests so that reports read any other way (weekly rollups, pruned or summed loads)
 * can be proven equal to it.
 *
 * It reads every event of the workspace with one plain query — no bucketing, no pruning, no
 * window — credits each to its identity's member (NOBODY when the identity names no member) and
 * runs the pure computeTeamReport on all of them, with the team input the product reads
 * (loadTeamInput). What the product derives from events besides the report's own figures is
 * derived here from the same raw rows, by the same pure functions: the links (every active team's
 * cohort pairs as of its last complete week, then workspaceLinks), data health (receipts, then
 * judgeDataHealth) and the record names (recordInfosAsOf). So the only difference between oracle
 * and product is how events are read.
 *
 * Kept links: the product keeps each team's cohort pairs per week, and takes another team's kept
 * pairs as they are (links.ts: a late event of theirs reaches the workspace-wide test when that
 * team's own report next runs). After writes, call forgetKeptLinks before comparing, or a link's
 * `workspace` figure may be the one of the events before the writes, by design.
 */
import { TZDate } from '@date-fns/tz';
import { isDeepStrictEqual } from 'node:util';
import type { Database } from '../../src/db/client.js';
import { NOBODY } from '../../src/metrics/types.js';
import { sourceHealth } from '../../src/db/sync-repo.js';
import { activitySpans, judgeDataHealth, type SourceHealth } from '../../src/metrics/data-health.js';
import type { CohortPairs, IndicatorLink } from '../../src/metrics/correlation.js';
import { recordInfosAsOf, type RecordNameEvent } from '../../src/metrics/records.js';
import type { MetricEvent } from '../../src/metrics/types.js';
import { completeWeeks } from '../../src/metrics/windows.js';
import { loadTeamInput, repReport, teamReport } from '../../src/reports/build-report.js';
import { computeTeamReport, factsFromEvents, teamCohortPairs, type TeamInput } from '../../src/reports/compute.js';
import { dataHealthJson } from '../../src/reports/data-health.js';
import { workspaceLinks, type LinkTeam } from '../../src/reports/links.js';
import { nameReportRecords, reportRecordRefs } from '../../src/reports/records.js';
import type { DataHealthJson, TeamReport } from '../../src/reports/types.js';

/** One stored event as the oracle reads it: the metrics engine's view plus what data health and names need. */
interface RawEvent {
  event: MetricEvent;
  /** The identity's member, or null (the event is the metrics engine's NOBODY's). */
  memberId: number | null;
  receivedAt: number;
  names: RecordNameEvent | null;
}

/** Everything the oracle reads of a workspace, once per state of its data. */
export interface OracleState {
  workspaceId: number;
  events: MetricEvent[];
  raw: RawEvent[];
  /** Every active team of the workspace, in name order. */
  teams: LinkTeam[];
  sources: SourceHealth[];
  /** Cohort pairs by team id and instant: every team's report needs every team's. */
  cohorts: Map<string, CohortPairs[]>;
}

const time = (v: Date | string) => new Date(v).getTime();

/** Every event of the workspace, credited as the product credits it (identity → member), nothing left out. */
async function readRawEvents(db: Database, workspaceId: number): Promise<RawEvent[]> {
  const rows = await db.query<{
    external_id: string;
    member_id: number | null;
    type: string;
    occurred_at: Date | string;
    received_at: Date | string;
    lead_id: string | null;
    deal_id: string | null;
    amount: string | null;
    stage: string | null;
    lead_source: 'inbound' | 'outbound' | null;
    deal_name: string | null;
    lead_name: string | null;
    account_name: string | null;
    url: string | null;
  }>(
    `SELECT e.external_id, i.member_id, e.type, e.occurred_at, e.received_at, e.lead_id, e.deal_id, e.amount::text AS amount,
       e.stage, e.lead_source::text AS lead_source, e.deal_name, e.lead_name, e.account_name, e.url
     FROM activity_event e JOIN identity i ON i.id = e.identity_id
     WHERE e.workspace_id = $1`,
    [workspaceId],
  );
  return rows.map((r) => {
    const at = time(r.occurred_at);
    const carriesName = r.deal_name !== null || r.lead_name !== null || r.account_name !== null || r.url !== null;
    return {
      event: {
        id: r.external_id,
        repId: r.member_id ?? NOBODY,
        type: r.type,
        at,
        leadId: r.lead_id,
        dealId: r.deal_id,
        amount: r.amount === null ? null : Number(r.amount),
        stage: r.stage,
        leadSource: r.lead_source,
      },
      memberId: r.member_id,
      receivedAt: time(r.received_at),
      names: carriesName ? { id: r.external_id, at, dealId: r.deal_id, leadId: r.lead_id, dealName: r.deal_name, leadName: r.lead_name, accountName: r.account_name, url: r.url } : null,
    };
  });
}

/** Reads what the oracle needs of a workspace as its data stands now. Read again after any write. */
export async function readOracleState(db: Database, workspaceId: number): Promise<OracleState> {
  const raw = await readRawEvents(db, workspaceId);
  const names = await db.prisma.team.findMany({ where: { workspaceId, active: true }, select: { name: true }, orderBy: { name: 'asc' } });
  const teams: LinkTeam[] = [];
  for (const { name } of names) teams.push(await loadTeamInput(db, workspaceId, name));
  return { workspaceId, events: raw.map((r) => r.event), raw, teams, sources: await sourceHealth(db, workspaceId), cohorts: new Map() };
}

/** A team's cohort pairs as of its last complete week's end at `asOf`, from the raw events. */
function oracleCohort(state: OracleState, team: LinkTeam, asOf: Date): CohortPairs[] {
  const weekEnd = completeWeeks(asOf, 1, { timezone: team.input.timezone, weekStartsOn: team.input.weekStartsOn }).end;
  const key = `${team.id}@${weekEnd.getTime()}`;
  let cohort = state.cohorts.get(key);
  if (!cohort) {
    cohort = teamCohortPairs(team.input, factsFromEvents(state.events), weekEnd);
    state.cohorts.set(key, cohort);
  }
  return cohort;
}

/** The links of docs/metrics.md as kept for the team's last complete week, from every team's raw cohort pairs. */
function oracleLinks(state: OracleState, teamId: number, asOf: Date): IndicatorLink[] {
  const teams = state.teams.map((t) => ({ id: t.id, name: t.input.name, focus: t.input.focus, cohort: oracleCohort(state, t, asOf) }));
  return workspaceLinks(teams).get(teamId) ?? [];
}

/**
 * Kept links stay exact: after each team's own report as of `asOf` (made without forgetKeptLinks,
 * after any writes), the cohort pairs kept for its last complete week are the ones the raw events
 * give. A change the kept pairs' fingerprint misses (src/reports/links.ts) leaves stale pairs here.
 * Returns how many teams' pairs were kept from before (computed_at unchanged) and how many computed.
 */
export async function assertKeptPairsEqualOracle(db: Database, state: OracleState, asOf: Date): Promise<{ kept: number; computed: number }> {
  const tally = { kept: 0, computed: 0 };
  for (const team of state.teams) {
    const weekStart = completeWeeks(asOf, 1, { timezone: team.input.timezone, weekStartsOn: team.input.weekStartsOn }).start;
    const read = () => db.query<{ cohort: CohortPairs[]; computed_at: Date | string }>('SELECT cohort, computed_at FROM team_links WHERE team_id = $1 AND week_start = $2', [team.id, weekStart]);
    const [before] = await read();
    await teamReport(db, state.workspaceId, team.input.name, asOf);
    const [kept] = await read();
    if (!kept) throw new Error(`workspace ${state.workspaceId}, team ${team.input.name}: no links kept for the week of ${weekStart.toISOString()} after its report`);
    const differences = jsonDifferences(kept.cohort, oracleCohort(state, team, asOf));
    if (differences.length > 0) {
      throw new Error(`workspace ${state.workspaceId}, team ${team.input.name}, as of ${asOf.toISOString()}: the kept cohort pairs differ from the raw oracle's at:\n  ${differences.join('\n  ')}`);
    }
    if (before && time(before.computed_at) === time(kept.computed_at)) tally.kept += 1;
    else tally.computed += 1;
  }
  return tally;
}

/** Data health (docs/metrics.md) from the team's reps' raw receipts as of `asOf`, judged on the clock's `now`. */
function oracleDataHealth(state: OracleState, team: TeamInput, asOf: Date, now: Date): DataHealthJson {
  const reps = new Set(team.reps.map((r) => r.id));
  const t = asOf.getTime();
  const received = state.raw.filter((r) => r.memberId !== null && reps.has(r.memberId) && r.receivedAt <= t);
  const latest = (values: number[]) => (values.length === 0 ? null : new Date(Math.max(...values)));
  const week = { timezone: team.timezone, weekStartsOn: team.weekStartsOn };
  const touched = activitySpans(asOf, week).map((span) => received.some((r) => team.touchTypes.has(r.event.type) && r.event.at >= span.start.getTime() && r.event.at < span.end.getTime()));
  const health = judgeDataHealth({
    asOf,
    now,
    week,
    staleAfterHours: team.settings.thresholds.staleAfterHours,
    lastReceivedAt: latest(received.map((r) => r.receivedAt)),
    lastOccurredAt: latest(received.filter((r) => r.event.at <= t).map((r) => r.event.at)),
    touched,
    sources: state.sources,
  });
  return dataHealthJson(health, team.timezone);
}

/** The team report as of `asOf` computed by the oracle; `now` is Pacer's clock, as for teamReport. */
export function oracleTeamReport(state: OracleState, teamName: string, asOf: Date, now: Date = asOf): TeamReport {
  const team = state.teams.find((t) => t.input.name === teamName);
  if (!team) throw new Error(`the oracle knows no active team ${teamName} (teams: ${state.teams.map((t) => t.input.name).join(', ')})`);
  const report = computeTeamReport(team.input, state.events, asOf, oracleLinks(state, team.id, asOf), oracleDataHealth(state, team.input, asOf, now));
  const names = state.raw.flatMap((r) => (r.names ? [r.names] : []));
  return nameReportRecords(report, recordInfosAsOf(reportRecordRefs(report), names, asOf.getTime()));
}

/** Kept links of the workspace's teams, forgotten: the next report computes every team's pairs from the events as they are. */
export async function forgetKeptLinks(db: Database, workspaceId: number): Promise<void> {
  await db.query('DELETE FROM team_links WHERE team_id IN (SELECT id FROM team WHERE workspace_id = $1)', [workspaceId]);
}

// ---------------------------------------------------------------------------------------------
// Comparing

/** A label for an array item, so a path reads members[bo@example.com].leading[cadence.call]. */
function itemLabel(item: unknown, index: number): string {
  if (typeof item === 'object' && item !== null) {
    const o = item as Record<string, unknown>;
    const rep = o.rep as { email?: unknown } | undefined;
    if (typeof rep?.email === 'string') return rep.email;
    if (typeof o.key === 'string') return o.key;
    if (typeof o.stage === 'string') return o.stage;
  }
  return String(index);
}

const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));

/**
 * Where two JSON values differ, as "path: product … ≠ oracle …" lines (at most `limit`). Arrays
 * of the same length are compared item by item; otherwise the whole value is shown.
 */
export function jsonDifferences(product: unknown, oracle: unknown, limit = 40): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (out.length >= limit || isDeepStrictEqual(a, b)) return;
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      a.forEach((x, i) => walk(x, b[i], `${path}[${itemLabel(b[i], i)}]`));
      return;
    }
    if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && !Array.isArray(a) && !Array.isArray(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
      for (const k of keys) walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      return;
    }
    out.push(`${path || '(root)'}: product ${show(a)} ≠ oracle ${show(b)}`);
  };
  // Through JSON, as the API sends them: undefined keys drop out, numbers compare as sent.
  walk(JSON.parse(JSON.stringify(product)), JSON.parse(JSON.stringify(oracle)), '');
  return out;
}

/** Throws with a readable list of differences when the product's report is not the oracle's. */
export function assertSameReport(product: TeamReport, oracle: TeamReport, context: string): void {
  const differences = jsonDifferences(product, oracle);
  if (differences.length === 0) return;
  throw new Error(`${context}: the team report differs from the raw oracle's at:\n  ${differences.join('\n  ')}`);
}

/** An instant in the team's zone, for messages. */
export const localInstant = (at: Date, timezone: string) => new TZDate(at.getTime(), timezone).toString();

/**
 * The product's team report (teamReport, as the API, Slack and jobs compute it) equals the
 * oracle's, field for field, as of `asOf` with the clock at `now`, and so does each member's rep
 * report (repReport, which reads only what that rep's report needs); returns the team report.
 * Rep reports alternate between going through the process's snapshot memo, as the Slack report
 * cache computes them, and not; the team report through it equals the oracle's too.
 * Pass `state` to reuse one reading of the workspace for several instants and teams (read after
 * the last write).
 */
export async function assertReportsEqualOracle(db: Database, workspaceId: number, teamName: string, asOf: Date, now: Date = asOf, state?: OracleState): Promise<TeamReport> {
  const product = await teamReport(db, workspaceId, teamName, asOf, now);
  const oracle = oracleTeamReport(state ?? (await readOracleState(db, workspaceId)), teamName, asOf, now);
  const context = `workspace ${workspaceId}, team ${teamName}, as of ${asOf.toISOString()} (${localInstant(asOf, product.timezone)}), now ${now.toISOString()}`;
  assertSameReport(product, oracle, context);
  for (const [i, member] of oracle.members.entries()) {
    const differences = jsonDifferences(await repReport(db, workspaceId, member.rep.email, asOf, now, { memo: i % 2 === 0 }), member);
    if (differences.length > 0) throw new Error(`${context}: the rep report of ${member.rep.email} differs from the raw oracle's at:\n  ${differences.join('\n  ')}`);
  }
  assertSameReport(await teamReport(db, workspaceId, teamName, asOf, now, { memo: true }), oracle, `${context}, through the snapshot memo`);
  return product;
}
