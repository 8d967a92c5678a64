import { teamReport } from '../reports/build-report.js';
import type { SlackMessage } from './answer-within.js';
import { renderTeamKpis } from './blocks/teamkpis.js';
import type { SlackDeps } from './deps.js';

/** One page of a team's /teamkpis table; pages after the first come from the message's own buttons. */
export async function teamKpisPage(
  deps: SlackDeps,
  input: { workspaceId: number; team: string; page: number; asOf: Date; otherTeams?: string[] },
): Promise<SlackMessage> {
  const report = await teamReport(deps.db, input.workspaceId, input.team, input.asOf, deps.clock.now());
  return renderTeamKpis({ report, page: input.page, otherTeams: input.otherTeams ?? [] });
}
