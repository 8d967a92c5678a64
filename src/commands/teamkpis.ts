import { openAlertsByRep } from '../db/alert-states.js';
import { teamReport } from '../reports/build-report.js';
import type { SlackMessage } from '../slack/answer-within.js';
import { renderNotAllowed, renderNotMapped } from '../slack/blocks/notices.js';
import { renderTeamKpis, renderTeamKpisHelp } from '../slack/blocks/teamkpis.js';
import type { SlackDeps } from '../slack/deps.js';
import type { SlackPerson } from '../slack/who.js';
import type { SlackWorkspace } from '../slack/workspace.js';
import type { CommandRequest } from './parse.js';

/** /teamkpis: the first team the viewer manages, with a button for each other one. */
export async function teamKpis(
  deps: SlackDeps,
  input: { workspace: SlackWorkspace; viewer: SlackPerson; request: CommandRequest },
): Promise<SlackMessage> {
  const { viewer, request } = input;
  if (request.kind === 'help') return renderTeamKpisHelp({ unknown: request.unknown });
  if (!viewer.member) return renderNotMapped({ email: viewer.email, workspaceName: input.workspace.name ?? undefined });
  const team = viewer.member.managedTeams[0];
  if (!team) return renderNotAllowed({ subject: 'teamkpis_non_manager' });
  const now = deps.clock.now();
  const report = await deps.reports.teamReport(input.workspace.id, team, now);
  return renderTeamKpis({ report, openAlerts: await openAlertsByRep(deps.db, input.workspace.id, report, now), otherTeams: viewer.member.managedTeams.slice(1) });
}

/** Another team's /teamkpis, as of the same moment, from the message's "Show team" buttons. */
export async function teamKpisPage(
  deps: SlackDeps,
  input: { workspaceId: number; team: string; asOf: Date; otherTeams?: string[] },
): Promise<SlackMessage> {
  const now = deps.clock.now();
  const report = await teamReport(deps.db, input.workspaceId, input.team, input.asOf, now);
  return renderTeamKpis({ report, openAlerts: await openAlertsByRep(deps.db, input.workspaceId, report, now), otherTeams: input.otherTeams ?? [] });
}
