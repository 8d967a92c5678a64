import type { Database } from '../db/client.js';
import { activeTeamWeeks, dataVersion, keepLinks, readKeptBasis, readKeptLinks, type KeptLinks } from '../db/links-repo.js';
import { rollupRevisions } from '../db/rollups-read.js';
import { foldRollups } from '../db/rollups-write.js';
import { indicatorLink, workspaceLinkTest, type CohortPairs, type IndicatorLink, type LinkTest } from '../metrics/correlation.js';
import { completeWeeks, isoToDay, type WeekSettings } from '../metrics/windows.js';
import { teamCohortPairs, type TeamInput } from './compute.js';
import { configFingerprint, linksBasis } from './link-fingerprints.js';
import { loadReportFacts } from './snapshot.js';

export interface LinkTeam {
  id: number;
  input: TeamInput;
}

/** The team's last complete week at `asOf`: its links are computed as of its end. */
function lastCompleteWeek(week: WeekSettings, asOf: Date): { start: Date; end: Date } {
  const w = completeWeeks(asOf, 1, week);
  return { start: w.start, end: w.end };
}

/** What a team's kept pairs are valid for: its config, and what its facts as of its week's end read (rollupRevisions). */
const pairsFingerprint = (config: string, rollups: string | undefined) => `${config}/${rollups ?? ''}`;

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
 * The links a team report shows as of `asOf` (docs/metrics.md): computed once per team and complete
 * week, as of that week's end, and kept. Each team's kept cohort pairs stay valid while the
 * fingerprint of what they read is unchanged: its config, and its reps' identities and the
 * revision counts of their rollups before that week's end (rollupRevisions), so an event of the
 * current week invalidates nothing, and a late event only its team's pairs. The workspace-wide
 * test needs every team's pairs: when the asking team's kept links are not valid, `teams` loads
 * the workspace's active teams, the invalid teams' pairs are recomputed (from each team's
 * snapshot, one team at a time), and the links are recomputed from the kept pairs when the set of pairs they
 * came from changed.
 */
export async function keptTeamLinks(db: Database, workspaceId: number, team: LinkTeam, asOf: Date, teams: () => Promise<LinkTeam[]>): Promise<IndicatorLink[]> {
  return (await validKeptLinks(db, workspaceId, team, asOf)) ?? computeTeamLinks(db, workspaceId, team, asOf, teams);
}

/**
 * The asking team's kept links when nothing they came from changed (what most reports find), or
 * null: every active team has pairs kept for its week, the asking team's fingerprint is its kept
 * one, and its links came from the pairs kept now. Reads only the teams' weeks and the kept
 * rows' fingerprints, not the teams' configs or pairs.
 */
async function validKeptLinks(db: Database, workspaceId: number, team: LinkTeam, asOf: Date): Promise<IndicatorLink[] | null> {
  const rows = await activeTeamWeeks(db, workspaceId);
  const others = rows.filter((t) => t.id !== team.id);
  // Teams share a handful of weeks, and zone arithmetic is costly: one per zone and first day.
  const weeks = new Map<string, { start: Date; end: Date }>();
  const weekOf = (week: WeekSettings) => {
    const key = `${week.timezone}|${week.weekStartsOn}`;
    const found = weeks.get(key) ?? lastCompleteWeek(week, asOf);
    weeks.set(key, found);
    return found;
  };
  const mine = weekOf(team.input);
  const keys = [{ teamId: team.id, weekStart: mine.start }, ...others.map((t) => ({ teamId: t.id, weekStart: weekOf({ timezone: t.timezone, weekStartsOn: isoToDay(t.weekStartsOn) }).start }))];
  const kept = new Map((await readKeptBasis(db, keys, team.id)).map((k) => [k.teamId, k]));
  const own = kept.get(team.id);
  if (!own?.links || kept.size !== keys.length) return null;
  // Whatever is pending is folded first, so the fingerprint covers every write made before this report.
  await foldRollups(db, workspaceId, 'wait');
  const rollups = await rollupRevisions(db, workspaceId, [{ teamId: team.id, memberIds: team.input.reps.map((r) => r.id), weekEnd: mine.end }]);
  const fingerprint = pairsFingerprint(configFingerprint(team.input), rollups.get(team.id));
  if (own.fingerprint !== fingerprint) return null;
  const basis = linksBasis(keys.map((k) => ({ ...k, fingerprint: kept.get(k.teamId)!.fingerprint })));
  return own.linksBasis === basis ? own.links : null;
}

/** keptTeamLinks when the asking team's kept links are not valid: recomputes what changed, and keeps it. */
async function computeTeamLinks(db: Database, workspaceId: number, team: LinkTeam, asOf: Date, teams: () => Promise<LinkTeam[]>): Promise<IndicatorLink[]> {
  const version = await dataVersion(db, workspaceId);
  if (version === null) return [];
  const loaded = await teams();
  const all = loaded.some((t) => t.id === team.id) ? loaded : [...loaded, team];
  const scopes = all.map((t) => {
    const week = lastCompleteWeek(t.input, asOf);
    return { team: t, week, config: configFingerprint(t.input) };
  });
  const kept = new Map(
    (
      await readKeptLinks(
        db,
        scopes.map((s) => ({ teamId: s.team.id, weekStart: s.week.start })),
      )
    ).map((k) => [k.teamId, k]),
  );
  // Only the asking team's fingerprint is checked: another team's kept pairs are taken as they
  // are, and a late event of theirs reaches the workspace-wide test when that team's own report
  // next runs (every team's weekly messages run one). Teams with no pairs kept for the week yet
  // are computed. Read before any events are loaded: pairs computed from newer events than their
  // fingerprint says are only recomputed once more, never wrongly kept.
  const checked = scopes.filter((s) => s.team.id === team.id || !kept.has(s.team.id));
  // Whatever is pending is folded first, so the fingerprints cover every write made before this report.
  await foldRollups(db, workspaceId, 'wait');
  const rollups = await rollupRevisions(
    db,
    workspaceId,
    checked.map((s) => ({ teamId: s.team.id, memberIds: s.team.input.reps.map((r) => r.id), weekEnd: s.week.end })),
  );
  const current = scopes.map((s) => {
    const own = kept.get(s.team.id);
    const fingerprint = own && !checked.includes(s) ? own.fingerprint : pairsFingerprint(s.config, rollups.get(s.team.id));
    return { ...s, fingerprint, kept: own };
  });
  const basis = linksBasis(current.map((c) => ({ teamId: c.team.id, weekStart: c.week.start, fingerprint: c.fingerprint })));
  const mine = kept.get(team.id);
  if (mine && current.every((c) => c.kept?.fingerprint === c.fingerprint) && mine.linksBasis === basis) return mine.links;

  // One team's events in memory at a time.
  const cohorts: CohortPairs[][] = [];
  for (const c of current) {
    if (c.kept?.fingerprint === c.fingerprint) {
      cohorts.push(c.kept.cohort);
      continue;
    }
    // As of the week's end, which is the start of the team's current week: its snapshot's instant, so the facts are the snapshot's (built here if no report or job has yet).
    cohorts.push(teamCohortPairs(c.team.input, await loadReportFacts(db, workspaceId, c.team, c.week.end), c.week.end));
  }
  const links = workspaceLinks(current.map((c, i) => ({ id: c.team.id, name: c.team.input.name, focus: c.team.input.focus, cohort: cohorts[i]! })));
  const rows: KeptLinks[] = current.map((c, i) => ({
    teamId: c.team.id,
    weekStart: c.week.start,
    dataVersion: version,
    fingerprint: c.fingerprint,
    cohort: cohorts[i]!,
    links: links.get(c.team.id) ?? [],
    linksBasis: basis,
  }));
  await keepLinks(db, rows);
  return links.get(team.id) ?? [];
}
