import type { View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { readPreferences } from '../db/preferences-repo.js';
import { teamSchedule } from '../db/team-schedule.js';
import { SCHEDULE_DEFAULTS } from '../config/coaching-schema.js';
import { renderManagerHome, renderRepHome, renderUnlinkedHome } from './blocks/home.js';
import type { SlackDeps } from './deps.js';
import type { SlackPerson } from './who.js';
import type { SlackWorkspace } from './workspace.js';

/**
 * The App Home of a person: a manager's team overview (managers coach; their own numbers, if they
 * also sell, are one /mykpis away), a rep's dashboard, or how to get added.
 */
export async function homeView(deps: SlackDeps, workspace: SlackWorkspace, person: SlackPerson): Promise<View> {
  const member = person.member;
  if (!member) return renderUnlinkedHome({ reason: 'not_in_config', email: person.email });
  const now = deps.clock.now();
  const generatedAt = now.toISOString();
  const preferences = await readPreferences(deps.db, member.id);
  if (member.managedTeams.length > 0) {
    const teams = await Promise.all(member.managedTeams.map((team) => deps.reports.teamReport(workspace.id, team, now)));
    const schedule = (await teamSchedule(deps.db, workspace.id, member.managedTeams[0]!)) ?? SCHEDULE_DEFAULTS;
    return renderManagerHome({
      teams,
      settings: { digestEnabled: preferences.digestEnabled ?? true, sendTime: preferences.sendTime ?? schedule.digest },
      generatedAt,
    });
  }
  if (!member.repTeam) return renderUnlinkedHome({ reason: 'not_in_config', email: person.email });
  const [report, schedule] = await Promise.all([
    deps.reports.repReport(workspace.id, member.email, now),
    teamSchedule(deps.db, workspace.id, member.repTeam),
  ]);
  return renderRepHome({
    report,
    settings: { nudgesEnabled: preferences.nudgesEnabled ?? true, sendTime: preferences.sendTime ?? (schedule ?? SCHEDULE_DEFAULTS).nudge },
    generatedAt,
  });
}

export async function publishHome(deps: SlackDeps, client: WebClient, workspace: SlackWorkspace, person: SlackPerson): Promise<void> {
  const view = await homeView(deps, workspace, person);
  await client.views.publish({ user_id: person.slackUserId, view });
}
