import { teamReport } from '../reports/build-report.js';
import type { SlackMessage } from '../slack/answer-within.js';
import { renderNotAllowed, renderNotMapped } from '../slack/blocks/notices.js';
import { renderTeamKpis, renderTeamKpisHelp } from '../slack/blocks/teamkpis.js';
import type { SlackDeps } from '../slack/deps.js';
import type { SlackPerson } from '../slack/who.js';
import type { SlackWorkspace } from '../slack/workspace.js';
import type { CommandRequest } from './parse.js';

/** /teamkpis: the table of each team the viewer manages (one message per team, first page). */
export async function teamKpis(
  deps: SlackDeps,
  input: { workspace: SlackWorkspace; viewer: SlackPerson; request: CommandRequest },
): Promise<SlackMessage> {
  const { viewer, request } = input;
  if (request.kind === 'help') return renderTeamKpisHelp({ unknown: request.unknown });
  if (!viewer.member) return renderNotMapped({ email: viewer.email, workspaceName: input.workspace.name ?? undefined });
  const team = viewer.member.managedTeams[0];
  if (!team) return renderNotAllowed({ subject: 'teamkpis_non_manager' });
  const report = await deps.reports.teamReport(input.workspace.id, team, deps.clock.now());
  return renderTeamKpis({ report, page: 0, otherTeams: viewer.member.managedTeams.slice(1) });
}

/** One page of a team's table; pages after the first come from the message's own buttons. */
export async function teamKpisPage(
  deps: SlackDeps,
  input: { workspaceId: number; team: string; page: number; asOf: Date; otherTeams?: string[] },
): Promise<SlackMessage> {
  const report = await teamReport(deps.db, input.workspaceId, input.team, input.asOf, deps.clock.now());
  return renderTeamKpis({ report, page: input.page, otherTeams: input.otherTeams ?? [] });
}
