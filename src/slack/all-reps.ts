import type { ModalView } from '@slack/types';
import { alertIsOpen, alertStates } from '../db/alert-states.js';
import { teamReport } from '../reports/build-report.js';
import type { AlertJson } from '../reports/types.js';
import { renderAllRepsModal } from './blocks/all-reps.js';
import { renderMessageModal } from './blocks/loading.js';
import { renderNotAllowed } from './blocks/notices.js';
import type { SlackDeps } from './deps.js';
import type { SlackPerson } from './who.js';

/**
 * "See all reps": one page of every rep's diagnosis, prompt and open alerts, for a manager of the
 * team, from the report as of the message's moment. Anyone else gets a refusal that says nothing
 * about the team.
 */
export async function renderAllRepsFor(deps: SlackDeps, input: { workspaceId: number; viewer: SlackPerson; team: string; asOf: Date; page: number }): Promise<ModalView> {
  if (!input.viewer.member?.managedTeams.includes(input.team)) return renderMessageModal('All reps', renderNotAllowed({ subject: 'teamkpis_non_manager' }));
  const now = deps.clock.now();
  const report = await teamReport(deps.db, input.workspaceId, input.team, input.asOf, now);
  const members = await deps.db.prisma.member.findMany({ where: { workspaceId: input.workspaceId, email: { in: report.members.map((m) => m.rep.email) } }, select: { id: true, email: true } });
  const idOf = new Map(members.map((m) => [m.email, m.id]));
  const states = await alertStates(deps.db, input.workspaceId, members.map((m) => m.id));
  // What the reps did with their alerts since (snoozed, dismissed, done) counts as of now.
  const openAlerts: Record<string, AlertJson[]> = Object.fromEntries(
    report.members.map((m) => [m.rep.email, m.alerts.filter((a) => alertIsOpen(states.get(`${idOf.get(m.rep.email)}|${a.key}`), now))]),
  );
  return renderAllRepsModal({ report, openAlerts, page: input.page });
}
