import { randomInt } from 'node:crypto';
import type { Database } from '../db/client.js';
import { listWorkspaces } from '../db/workspace-repo.js';
import type { Logger } from '../logger.js';
import { loadWorkspaceTeams } from '../reports/build-report.js';
import { refreshTeamSnapshot } from '../reports/snapshot.js';

export interface TeamSnapshotsSummary {
  teams: number;
  built: number;
  failed: number;
}

/**
 * Keeps every active team's snapshot for its current week built (docs/rollups.md "Team
 * snapshots"): when a team's week turns, or a late event or config change makes its kept one
 * stale, the job builds it, so that reports read it instead of paying for the build. Teams are
 * taken from a random one on: processes running the job at the same second mostly build
 * different teams. A team that fails is logged and left to the next run (its reports build their
 * own meanwhile).
 */
export async function runTeamSnapshots(db: Database, logger: Logger, now: Date): Promise<TeamSnapshotsSummary> {
  const summary: TeamSnapshotsSummary = { teams: 0, built: 0, failed: 0 };
  for (const workspace of await listWorkspaces(db)) {
    const teams = await loadWorkspaceTeams(db, workspace.id);
    const first = teams.length > 0 ? randomInt(teams.length) : 0;
    for (const team of [...teams.slice(first), ...teams.slice(0, first)]) {
      summary.teams += 1;
      try {
        if (await refreshTeamSnapshot(db, workspace.id, team, now)) summary.built += 1;
      } catch (err) {
        summary.failed += 1;
        logger.error({ err, workspace: workspace.slackTeamId, team: team.input.name }, 'could not build the team snapshot; its reports build it, and the next run retries');
      }
    }
  }
  return summary;
}
