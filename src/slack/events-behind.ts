import type { ModalView } from '@slack/types';
import { eventsBehind } from '../db/events-behind.js';
import { findMemberTeams } from '../db/member-teams-repo.js';
import { loadTeamInput } from '../reports/build-report.js';
import { instantIn } from '../reports/compute.js';
import { indicatorLabel } from '../reports/labels.js';
import { completeWeeks } from '../metrics/windows.js';
import { renderEventsBehind } from './blocks/events-behind.js';
import { renderMessageModal } from './blocks/loading.js';
import { renderNoData } from './blocks/notices.js';
import type { SlackDeps } from './deps.js';

const SHOWN = 40;

/** "Show the events behind this figure": the latest events that make up an indicator over the cadence window. */
export async function renderEventsBehindFor(deps: SlackDeps, input: { workspaceId: number; email: string; key: string }): Promise<ModalView> {
  const member = await findMemberTeams(deps.db, input.workspaceId, { email: input.email.toLowerCase() });
  const teamName = member?.memberships.find((m) => m.role === 'rep' && m.teamActive)?.team;
  if (!member || !teamName) return renderMessageModal('Events behind', renderNoData({ reason: `${input.email} is not a rep of an active team.` }));
  const { input: team } = await loadTeamInput(deps.db, input.workspaceId, teamName);
  const window = completeWeeks(deps.clock.now(), team.settings.thresholds.cadenceWeeks, { timezone: team.timezone, weekStartsOn: team.weekStartsOn });
  const found = await eventsBehind(deps.db, {
    workspaceId: input.workspaceId,
    memberId: member.id,
    key: input.key,
    touchTypes: [...team.touchTypes],
    from: window.start,
    to: window.end,
    limit: SHOWN,
    asOf: deps.clock.now(),
  });
  if (!found) return renderMessageModal('Events behind', renderNoData({ reason: `Pacer has no indicator "${input.key}".` }));
  return renderEventsBehind({
    label: indicatorLabel(input.key),
    repName: member.name,
    window: { start: instantIn(team.timezone, window.start), end: instantIn(team.timezone, window.end) },
    value: null,
    events: found.events.map((e) => ({ ...e, occurredAt: instantIn(team.timezone, e.occurredAt) })),
    total: found.total,
  });
}
