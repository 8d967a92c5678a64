import type { ModalView } from '@slack/types';
import { openAlertsByRep } from '../db/alert-states.js';
import { teamReport } from '../reports/build-report.js';
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
  // What the reps did with their alerts since (snoozed, dismissed, done) counts as of now.
  return renderAllRepsModal({ report, openAlerts: await openAlertsByRep(deps.db, input.workspaceId, report, now), page: input.page });
}
