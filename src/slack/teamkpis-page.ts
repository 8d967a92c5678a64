import { openAlertsByRep } from '../db/alert-states.js';
import { teamReport } from '../reports/build-report.js';
import type { SlackMessage } from './answer-within.js';
import { renderTeamKpis } from './blocks/teamkpis.js';
import type { SlackDeps } from './deps.js';

/** Another team's /teamkpis, as of the same moment, from the message's "Show team" buttons. */
export async function teamKpisPage(deps: SlackDeps, input: { workspaceId: number; team: string; asOf: Date; otherTeams?: string[] }): Promise<SlackMessage> {
  const now = deps.clock.now();
  const report = await teamReport(deps.db, input.workspaceId, input.team, input.asOf, now);
  return renderTeamKpis({ report, openAlerts: await openAlertsByRep(deps.db, input.workspaceId, report, now), otherTeams: input.otherTeams ?? [] });
}
