import { readTeamSettings } from '../config/apply.js';
import { PERFORMANCE_METRICS } from '../config/coaching.js';
import type { Database } from '../db/client.js';
import { recordInfos } from '../db/record-names.js';
import { activeTeamNames, readActiveTeamInputRows, readRepMember, readRepTeamInputRow, readTeamInputRow, type TeamInputRow } from '../db/team-input-repo.js';
import { PacerError } from '../errors.js';
import { clip, quote } from '../text.js';
import { CORE_TOUCH_TYPES } from '../ingest/event-types.js';
import type { PerformanceMetric } from '../metrics/baselines.js';
import type { IndicatorLink } from '../metrics/correlation.js';
import { isoToDay, type TargetPeriod } from '../metrics/windows.js';
import { computeRepReportFromFacts, computeTeamReportFromFacts, type TeamInput } from './compute.js';
import { teamDataHealth } from './data-health.js';
import { keptTeamLinks, type LinkTeam } from './links.js';
import { nameRepRecords, nameReportRecords, repRecordRefs, reportRecordRefs } from './records.js';
import { loadReportFacts } from './snapshot.js';
import type { RepReport, TeamReport } from './types.js';

export class NotFoundError extends PacerError {
  constructor(message: string) {
    super('not_found', message);
  }
}

const isPerformanceMetric = (value: string): value is PerformanceMetric => (PERFORMANCE_METRICS as readonly string[]).includes(value);

/** The metrics engine's input for a team as src/db/team-input-repo.ts reads it. */
function teamInput(team: TeamInputRow): TeamInput {
  const performanceMetric = isPerformanceMetric(team.performanceMetric) ? team.performanceMetric : 'booked_revenue';
  const targets = team.targets.map((x) => ({
    memberId: x.memberId,
    metric: x.metric,
    period: (x.periodKind === 'custom' ? { kind: 'custom', start: x.periodStart!, end: x.periodEnd! } : { kind: x.periodKind }) satisfies TargetPeriod,
    value: x.value,
    ramped: x.ramped,
  }));
  return {
    name: team.name,
    timezone: team.timezone,
    weekStartsOn: isoToDay(team.weekStartsOn),
    pipelineStages: team.pipelineStages,
    focus: team.focus,
    touchTypes: new Set([...CORE_TOUCH_TYPES, ...team.touchTypes]),
    performanceMetric,
    settings: readTeamSettings(team.settings),
    currency: team.currency,
    reps: team.reps,
    targets,
  };
}

/** Reads a team and its active reps and targets into the metrics engine's input. */
export async function loadTeamInput(db: Database, workspaceId: number, teamName: string): Promise<{ id: number; input: TeamInput }> {
  const team = await readTeamInputRow(db, workspaceId, teamName);
  if (!team || !team.active) {
    const names = await activeTeamNames(db, workspaceId);
    throw new NotFoundError(`No team ${quote(teamName)} in this workspace${names.length ? `; teams: ${names.join(', ')}` : ' (apply a config first)'}.`);
  }
  return { id: team.id, input: teamInput(team) };
}

/** Every active team of the workspace, read as loadTeamInput reads one, in one query (exported for bench:reports' split). */
export async function loadWorkspaceTeams(db: Database, workspaceId: number): Promise<LinkTeam[]> {
  const teams = await readActiveTeamInputRows(db, workspaceId);
  return teams.map((t) => ({ id: t.id, input: teamInput(t) }));
}

/**
 * The team report of docs/interfaces.md as of an instant, with the links kept for its last complete
 * week. `now` is Pacer's clock: data health is judged against it (a report well before it is
 * historical); it defaults to `asOf`, a report as of now. `links: false` leaves `links` empty:
 * nothing else in the report depends on them, and they are its costliest part (the first report
 * of a week computes every team's cohort), so rep surfaces and the alert scan go without.
 * `memo`: through the process's snapshot memo (ReportFactsOptions.memo).
 */
export async function teamReport(db: Database, workspaceId: number, teamName: string, asOf: Date, now: Date = asOf, options: { links?: boolean; memo?: boolean } = {}): Promise<TeamReport> {
  const team = await loadTeamInput(db, workspaceId, teamName);
  const { input } = team;
  const [facts, health] = await Promise.all([loadReportFacts(db, workspaceId, team, asOf, { memo: options.memo }), teamDataHealth(db, workspaceId, input, asOf, now)]);
  const links = options.links === false ? [] : await keptTeamLinks(db, workspaceId, team, asOf, () => loadWorkspaceTeams(db, workspaceId));
  const report = computeTeamReportFromFacts(input, facts, asOf, links, health);
  return nameReportRecords(report, await recordInfos(db, workspaceId, reportRecordRefs(report), asOf));
}

/** The links a team report as of `asOf` shows (teamReport's, alone). */
export async function teamLinks(db: Database, workspaceId: number, teamName: string, asOf: Date): Promise<IndicatorLink[]> {
  const team = await loadTeamInput(db, workspaceId, teamName);
  return keptTeamLinks(db, workspaceId, team, asOf, () => loadWorkspaceTeams(db, workspaceId));
}

/** The active team a rep belongs to, or a NotFoundError that says why there is none. */
export async function repTeamOf(db: Database, workspaceId: number, email: string): Promise<{ team: string; email: string }> {
  const member = await readRepMember(db, workspaceId, email.toLowerCase());
  if (!member) throw new NotFoundError(`No member with email ${clip(email)} in this workspace.`);
  const repTeam = member.memberships.find((m) => m.role === 'rep' && m.teamActive);
  if (!repTeam) {
    const managed = member.memberships.filter((m) => m.role === 'manager').map((m) => m.team);
    throw new NotFoundError(managed.length ? `${email} is a manager (${managed.join(', ')}); ask for a team report instead.` : `${email} is not a rep of any active team.`);
  }
  if (!member.active) throw new NotFoundError(`${email} is no longer active.`);
  return { team: repTeam.team, email: member.email };
}

/**
 * A rep's report: their team's windows are computed whole, since baselines come from the team's
 * top performers, and the rest for the rep alone (the team report's member for them). The rep's
 * team is read with the team in one query; repTeamOf says why when there is none.
 */
export async function repReport(db: Database, workspaceId: number, email: string, asOf: Date, now: Date = asOf, options: { memo?: boolean } = {}): Promise<RepReport> {
  const normalised = email.toLowerCase();
  const row = await readRepTeamInputRow(db, workspaceId, normalised);
  const team = row && { id: row.id, input: teamInput(row) };
  const rep = team?.input.reps.find((r) => r.email === normalised);
  if (!team || !rep) {
    const { team: teamName } = await repTeamOf(db, workspaceId, email);
    throw new NotFoundError(`${email} is not a rep of ${teamName}.`);
  }
  const [facts, health] = await Promise.all([loadReportFacts(db, workspaceId, team, asOf, { detailMemberId: rep.id, memo: options.memo }), teamDataHealth(db, workspaceId, team.input, asOf, now)]);
  const mine = computeRepReportFromFacts(team.input, facts, asOf, rep.id, health);
  if (!mine) throw new NotFoundError(`${email} is not a rep of ${team.input.name}.`);
  return nameRepRecords(mine, await recordInfos(db, workspaceId, repRecordRefs(mine), asOf));
}
