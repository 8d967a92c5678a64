/**
 * Data health for the reports and health checks (docs/metrics.md "Data health"): reads the inputs,
 * judges them with Pacer's clock and shapes the JSON of docs/interfaces.md.
 */
import type { Database } from '../db/client.js';
import { teamReceipts, workspaceReceipts } from '../db/data-health-repo.js';
import { listSources, sourceHealth, toSourceHealth } from '../db/sync-repo.js';
import { activeTeamNames } from '../db/team-input-repo.js';
import { activitySpans, judgeDataHealth, type DataHealth } from '../metrics/data-health.js';
import { loadTeamInput } from './build-report.js';
import { instantIn, type TeamInput } from './compute.js';
import type { DataHealthJson } from './types.js';

/** The workspace figure's week: docs/metrics.md's working week, Monday first. */
const MONDAY = 1;

export function dataHealthJson(h: DataHealth, timezone: string): DataHealthJson {
  const at = (d: Date | null) => (d === null ? null : instantIn(timezone, d));
  return {
    lastReceivedAt: at(h.lastReceivedAt),
    lastOccurredAt: at(h.lastOccurredAt),
    stale: h.stale,
    reason: h.reason,
    sources: h.sources.map((s) => ({ name: s.name, lastSuccessAt: at(s.lastSuccessAt), error: s.error })),
  };
}

/** A team's data health as of `asOf`, in its zone, from its reps' events; `now` is Pacer's clock. */
export async function teamDataHealth(db: Database, workspaceId: number, team: TeamInput, asOf: Date, now: Date): Promise<DataHealthJson> {
  const week = { timezone: team.timezone, weekStartsOn: team.weekStartsOn };
  const spans = activitySpans(asOf, week);
  const inputs = await teamReceipts(
    db,
    workspaceId,
    team.reps.map((r) => r.id),
    asOf,
    spans,
    [...team.touchTypes],
  );
  // A failing CRM source starves every team of the workspace.
  const sources = await sourceHealth(db, workspaceId);
  const health = judgeDataHealth({ asOf, now, week, staleAfterHours: team.settings.thresholds.staleAfterHours, ...inputs, sources });
  return dataHealthJson(health, team.timezone);
}

/**
 * The workspaces' own figures (every workspace, or one), in their zones: silence and failing
 * sources only — a week without touches is judged per team, where the counts are cheap.
 */
export async function workspaceDataHealth(db: Database, asOf: Date, now: Date, workspaceId: number | null = null): Promise<{ workspace: string; dataHealth: DataHealthJson }[]> {
  const rows = await workspaceReceipts(db, asOf, workspaceId);
  // Every workspace's sources in one query: readiness answers within its deadline.
  const allSources = await listSources(db, workspaceId === null ? {} : { workspaceId });
  const out = [];
  for (const w of rows) {
    const week = { timezone: w.timezone, weekStartsOn: MONDAY } as const;
    const sources = allSources.filter((s) => s.workspaceId === w.id).map(toSourceHealth);
    const health = judgeDataHealth({ asOf, now, week, staleAfterHours: w.staleAfterHours, lastReceivedAt: w.lastReceivedAt, lastOccurredAt: w.lastOccurredAt, touched: null, sources });
    out.push({ workspace: w.slackTeamId, dataHealth: dataHealthJson(health, w.timezone) });
  }
  return out;
}

/** What `pacer status` shows: the workspace's figure and each active team's, as of now. */
export async function dataHealthStatus(db: Database, workspaceId: number, now: Date): Promise<{ workspace: DataHealthJson | null; teams: { team: string; dataHealth: DataHealthJson }[] }> {
  const [workspace] = await workspaceDataHealth(db, now, now, workspaceId);
  const names = await activeTeamNames(db, workspaceId);
  const teams = [];
  for (const name of names) {
    const { input } = await loadTeamInput(db, workspaceId, name);
    teams.push({ team: name, dataHealth: await teamDataHealth(db, workspaceId, input, now, now) });
  }
  return { workspace: workspace?.dataHealth ?? null, teams };
}

/** One line of `pacer status`: when data last arrived and whether it is stale, and why. */
export function dataHealthLine(label: string, h: DataHealthJson): string {
  const state = h.stale === true ? `STALE (${h.reason})` : h.stale === false ? 'fresh' : 'not judged (historical)';
  const last = h.lastReceivedAt === null ? 'no events received yet' : `last event received ${h.lastReceivedAt}, latest occurred ${h.lastOccurredAt ?? 'none'}`;
  const failing = h.sources
    .filter((s) => s.error !== null)
    .map((s) => `; source ${s.name} failing: ${s.error}`)
    .join('');
  return `${label}: ${state} — ${last}${failing}`;
}
