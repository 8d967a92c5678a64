import { randomInt } from 'node:crypto';
import type { Database } from '../db/client.js';
import { listWorkspaces } from '../db/workspace-repo.js';
import type { Logger } from '../logger.js';
import { loadWorkspaceTeams } from '../reports/build-report.js';
import { keptTeamLinks } from '../reports/links.js';
import { refreshTeamSnapshot } from '../reports/snapshot.js';
import { pacesAWeekEarlier } from './paces.js';

export interface TeamSnapshotsSummary {
  teams: number;
  /** Snapshots built (the rest were current). */
  built: number;
  /** Teams whose paces of a week earlier were computed and kept (none were: a first week, a new team). */
  pacesKept: number;
  /** Teams whose snapshot or paces, and workspaces whose links, could not be built. */
  failed: number;
}

/**
 * Keeps every active team's snapshot for its current week built (docs/rollups.md "Team
 * snapshots"), the paces of a week earlier kept where none were (a built snapshot is the sign
 * that a team's week turned), and the week's links computed: when a team's week turns, or a late event or
 * config change makes its kept one stale, the job builds it, so that reports (and the weekly
 * messages) read them instead of paying for the build. Teams are
 * taken from a random one on: processes running the job at the same second mostly build
 * different teams. A team that fails is logged and left to the next run (its reports build their
 * own meanwhile).
 */
export async function runTeamSnapshots(db: Database, logger: Logger, now: Date): Promise<TeamSnapshotsSummary> {
  const summary: TeamSnapshotsSummary = { teams: 0, built: 0, pacesKept: 0, failed: 0 };
  for (const workspace of await listWorkspaces(db)) {
    const teams = await loadWorkspaceTeams(db, workspace.id);
    const from = teams.length > 0 ? randomInt(teams.length) : 0;
    for (const team of [...teams.slice(from), ...teams.slice(0, from)]) {
      summary.teams += 1;
      try {
        if (!(await refreshTeamSnapshot(db, workspace.id, team, now))) continue;
        summary.built += 1;
      } catch (err) {
        summary.failed += 1;
        logger.error({ err, workspace: workspace.slackTeamId, team: team.input.name }, 'could not build the team snapshot; its reports build it, and the next run retries');
        continue;
      }
      // A week that turns with no paces kept a week earlier (the team's first, or a new team):
      // computed now, so that the weekly messages' "who improved" reads them instead.
      try {
        const week = { timezone: team.input.timezone, weekStartsOn: team.input.weekStartsOn };
        if ((await pacesAWeekEarlier(db, workspace.id, { id: team.id, name: team.input.name, week }, now, true)).computed) summary.pacesKept += 1;
      } catch (err) {
        summary.failed += 1;
        logger.error({ err, workspace: workspace.slackTeamId, team: team.input.name }, 'could not keep the paces of a week earlier; the weekly run computes them');
      }
    }
    // Then the week's links: when the week has turned, asking for one team's computes and keeps
    // every team's cohort from the snapshots just built (else it reads the kept ones).
    const [first] = teams;
    if (first) {
      try {
        await keptTeamLinks(db, workspace.id, first, now, () => Promise.resolve(teams));
      } catch (err) {
        summary.failed += 1;
        logger.error({ err, workspace: workspace.slackTeamId }, 'could not compute the week’s links; the first report that shows them does, and the next run retries');
      }
    }
  }
  return summary;
}
