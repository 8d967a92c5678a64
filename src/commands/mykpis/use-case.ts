import type { SlackMessage } from '../../slack/answer-within.js';
import { renderMyKpis, renderMyKpisHelp } from '../../slack/blocks/mykpis.js';
import { renderManagerHint, renderNotAllowed, renderNotMapped } from '../../slack/blocks/notices.js';
import type { SlackDeps } from '../../slack/deps.js';
import type { CommandRequest } from '../parse.js';
import type { CommandContext } from '../run-command.js';

/** `identify` finds the person a manager asks about (`/mykpis @rep`). */
export interface MyKpisInput extends CommandContext {
  request: CommandRequest;
  appHomeUrl: string | null;
}

/**
 * /mykpis: the viewer's own report, or (for a manager) a rep of a team they manage. Anyone else
 * asking about another person gets the same polite refusal whoever that is, so nothing leaks.
 */
export async function myKpis(deps: SlackDeps, input: MyKpisInput): Promise<SlackMessage> {
  const { viewer, request } = input;
  if (request.kind === 'help') return renderMyKpisHelp({ unknown: request.unknown });
  if (!viewer.member) return renderNotMapped({ email: viewer.email, workspaceName: input.workspace.name ?? undefined });

  let subject = viewer.member;
  if (request.subjectSlackUserId && request.subjectSlackUserId !== viewer.slackUserId) {
    if (viewer.member.managedTeams.length === 0) return renderNotAllowed({ subject: 'other_rep' });
    const other = (await input.identify(request.subjectSlackUserId)).member;
    if (!other?.repTeam || !viewer.member.managedTeams.includes(other.repTeam)) return renderNotAllowed({ subject: 'other_rep' });
    subject = other;
  }
  if (!subject.repTeam) return renderManagerHint({ teams: subject.managedTeams });

  const report = await deps.reports.repReport(input.workspace.id, subject.email, deps.clock.now());
  return renderMyKpis({ report, period: request.period, appHomeUrl: input.appHomeUrl, viewerIsSubject: subject.id === viewer.member.id });
}
