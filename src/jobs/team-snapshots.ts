import { randomInt } from 'node:crypto';
import type { Database } from '../db/client.js';
import { listWorkspaces } from '../db/workspace-repo.js';
import type { Logger } from '../logger.js';
import { loadWorkspaceTeams } from '../reports/build-report.js';
import { keptTeamLinks } from '../reports/links.js';
import { refreshTeamSnapshot } from '../reports/snapshot.js';

export interface TeamSnapshotsSummary {
  teams: number;
  /** Snapshots built (the rest were current). */
  built: number;
  /** Teams whose snapshot, and workspaces whose links, could not be built. */
  failed: number;
}

/**
 * Keeps every active team's snapshot for its current week built (docs/rollups.md "Team
 * snapshots"), and the week's links computed: when a team's week turns, or a late event or
 * config change makes its kept one stale, the job builds it, so that reports (and the weekly
 * messages) read them instead of paying for the build. Teams are
 * taken from a random one on: processes running the job at the same second mostly build
 * different teams. A team that fails is logged and left to the next run (its reports build their
 * own meanwhile).
 */
export async function runTeamSnapshots(db: Database, logger: Logger, now: Date): Promise<TeamSnapshotsSummary> {
  const summary: TeamSnapshotsSummary = { teams: 0, built: 0, failed: 0 };
  for (const workspace of await listWorkspaces(db)) {
    const teams = await loadWorkspaceTeams(db, workspace.id);
    const from = teams.length > 0 ? randomInt(teams.length) : 0;
    for (const team of [...teams.slice(from), ...teams.slice(0, from)]) {
      summary.teams += 1;
      try {
        if (await refreshTeamSnapshot(db, workspace.id, team, now)) summary.built += 1;
      } catch (err) {
        summary.failed += 1;
        logger.error({ err, workspace: workspace.slackTeamId, team: team.input.name }, 'could not build the team snapshot; its reports build it, and the next run retries');
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
