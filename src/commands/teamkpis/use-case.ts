import { openAlertsByRep } from '../../db/alert-states.js';
import type { SlackMessage } from '../../slack/answer-within.js';
import { renderNotAllowed, renderNotMapped } from '../../slack/blocks/notices.js';
import { renderTeamKpis, renderTeamKpisHelp } from '../../slack/blocks/teamkpis.js';
import type { SlackDeps } from '../../slack/deps.js';
import type { CommandRequest } from '../parse.js';
import type { CommandContext } from '../run-command.js';

/** /teamkpis: the first team the viewer manages, with a button for each other one. */
export async function teamKpis(deps: SlackDeps, input: Omit<CommandContext, 'identify'> & { request: CommandRequest }): Promise<SlackMessage> {
  const { viewer, request } = input;
  if (request.kind === 'help') return renderTeamKpisHelp({ unknown: request.unknown });
  if (!viewer.member) return renderNotMapped({ email: viewer.email, workspaceName: input.workspace.name ?? undefined });
  const team = viewer.member.managedTeams[0];
  if (!team) return renderNotAllowed({ subject: 'teamkpis_non_manager' });
  const now = deps.clock.now();
  const report = await deps.reports.teamReport(input.workspace.id, team, now);
  return renderTeamKpis({ report, openAlerts: await openAlertsByRep(deps.db, input.workspace.id, report, now), otherTeams: viewer.member.managedTeams.slice(1) });
}
