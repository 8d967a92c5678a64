import type { Database } from '../db/client.js';
import { dataVersion, keepLinks, readKeptLinks, type KeptLinks } from '../db/links-repo.js';
import { loadMetricEvents } from '../db/metrics-repo.js';
import { indicatorLink, workspaceLinkTest, type CohortPairs, type IndicatorLink, type LinkTest } from '../metrics/correlation.js';
import { completeWeeks } from '../metrics/windows.js';
import { bareTouchBuckets, eventsFrom, teamCohortPairs, type TeamInput } from './compute.js';

export interface LinkTeam {
  id: number;
  input: TeamInput;
}

/** The team's last complete week at `asOf`: its links are computed as of its end. */
function lastCompleteWeek(input: TeamInput, asOf: Date): { start: Date; end: Date } {
  const w = completeWeeks(asOf, 1, { timezone: input.timezone, weekStartsOn: input.weekStartsOn });
  return { start: w.start, end: w.end };
}

/**
 * Every team's links from every team's cohort (pure): each team's own test on its focus
 * indicators, with the workspace-wide test of the same indicator over all the teams. Teams are
 * taken in name order, so the workspace-wide permutations, and their p, are reproducible.
 */
export function workspaceLinks(teams: readonly { id: number; name: string; focus: readonly string[]; cohort: readonly CohortPairs[] }[]): Map<number, IndicatorLink[]> {
  const ordered = [...teams].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id));
  const keys = [...new Set(ordered.flatMap((t) => t.focus))];
  const across = new Map<string, LinkTest>(keys.map((key) => [key, workspaceLinkTest(ordered.flatMap((t) => t.cohort.filter((c) => c.key === key)))]));
  return new Map(
    ordered.map((t) => [
      t.id,
      t.focus.flatMap((key) => {
        const own = t.cohort.find((c) => c.key === key);
        return own ? [indicatorLink(own, across.get(key) ?? null)] : [];
      }),
    ]),
  );
}

/**
 * The links a team report shows as of `asOf` (metrics.md): computed once per team and complete
 * week, as of that week's end, and kept while the workspace's data version is the one read before
 * computing them; a late event (any event write bumps it) makes the next report compute them
 * again. Computing them needs every team's cohort for the workspace-wide test, so they are
 * computed and kept for every team at once; `teams` loads the workspace's active teams, and is
 * called only then.
 */
export async function keptTeamLinks(db: Database, workspaceId: number, team: LinkTeam, asOf: Date, teams: () => Promise<LinkTeam[]>): Promise<IndicatorLink[]> {
  const version = await dataVersion(db, workspaceId);
  if (version === null) return [];
  const week = lastCompleteWeek(team.input, asOf);
  const [kept] = await readKeptLinks(db, [{ teamId: team.id, weekStart: week.start }]);
  if (kept && kept.dataVersion === version) return kept.links;

  const loaded = await teams();
  const all = loaded.some((t) => t.id === team.id) ? loaded : [...loaded, team];
  const weeks = new Map(all.map((t) => [t.id, lastCompleteWeek(t.input, asOf)]));
  const current = new Map(
    (await readKeptLinks(db, all.map((t) => ({ teamId: t.id, weekStart: weeks.get(t.id)!.start })))).filter((k) => k.dataVersion === version).map((k) => [k.teamId, k]),
  );
  // One team's events in memory at a time.
  const cohorts: CohortPairs[][] = [];
  for (const t of all) {
    const reuse = current.get(t.id);
    if (reuse) {
      cohorts.push(reuse.cohort);
      continue;
    }
    const end = weeks.get(t.id)!.end;
    const events = await loadMetricEvents(db, workspaceId, t.input.reps.map((r) => r.id), eventsFrom(t.input, end), end, bareTouchBuckets(t.input, end));
    cohorts.push(teamCohortPairs(t.input, events, end));
  }
  const links = workspaceLinks(all.map((t, i) => ({ id: t.id, name: t.input.name, focus: t.input.focus, cohort: cohorts[i]! })));
  const rows: KeptLinks[] = all.map((t, i) => ({ teamId: t.id, weekStart: weeks.get(t.id)!.start, dataVersion: version, cohort: cohorts[i]!, links: links.get(t.id) ?? [] }));
  await keepLinks(db, rows);
  return links.get(team.id) ?? [];
}
