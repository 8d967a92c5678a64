import type { View } from '@slack/types';
import { WebAPIPlatformError, type WebClient } from '@slack/web-api';
import { attachCharts, cadenceChart, forgetUploadedChart, resultsChart, type AttachedChart } from '../charts/attach.js';
import { repCadenceChartInput, resultsChartInput } from '../charts/from-report.js';
import { readPreferences } from '../db/preferences-repo.js';
import { teamSchedule } from '../db/team-schedule.js';
import { SCHEDULE_DEFAULTS } from '../config/coaching-schema.js';
import type { RepReport } from '../reports/types.js';
import { renderManagerHome, renderRepHome, renderUnlinkedHome } from './blocks/home.js';
import type { SlackDeps } from './deps.js';
import { scopeWatch } from './scope-watch.js';
import type { SlackPerson } from './who.js';
import type { SlackWorkspace } from './workspace.js';

/**
 * The App Home of a person: a manager's team overview (managers coach; their own numbers, if they
 * also sell, are one /mykpis away), a rep's dashboard, or how to get added.
 */
export async function homeView(deps: SlackDeps, workspace: SlackWorkspace, person: SlackPerson, options: { charts?: (report: RepReport) => Promise<AttachedChart[]> } = {}): Promise<View> {
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
  const [report, schedule] = await Promise.all([deps.reports.repReport(workspace.id, member.email, now), teamSchedule(deps.db, workspace.id, member.repTeam)]);
  const charts = options.charts ? await options.charts(report) : [];
  return renderRepHome({
    report,
    settings: { nudgesEnabled: preferences.nudgesEnabled ?? true, sendTime: preferences.sendTime ?? (schedule ?? SCHEDULE_DEFAULTS).nudge },
    generatedAt,
    ...(charts.length > 0 ? { charts } : {}),
  });
}

/**
 * Publishes the App Home; a rep's shows their cadence and results charts, uploaded with this
 * client (the same bytes reuse the file uploaded before). A chart never stops the view: one
 * that fails to render or upload is left out, and if Slack refuses the view over a chart's
 * file, it is published again without the charts.
 */
export async function publishHome(deps: SlackDeps, client: WebClient, workspace: SlackWorkspace, person: SlackPerson): Promise<void> {
  let attached: AttachedChart[] = [];
  const charts = async (report: RepReport) =>
    (attached = await attachCharts(client, [cadenceChart(repCadenceChartInput(report)), resultsChart(resultsChartInput(report))], {
      logger: deps.logger,
      filename: 'home',
      reuse: true,
      upload: { scopes: scopeWatch(deps.db, deps.logger, workspace.slackTeamId) },
    }));
  const view = await homeView(deps, workspace, person, { charts });
  try {
    await client.views.publish({ user_id: person.slackUserId, view });
  } catch (err) {
    // Slack answers a view's bad blocks with invalid_arguments (invalid_blocks is for messages).
    if (attached.length === 0 || !(err instanceof WebAPIPlatformError) || !['invalid_arguments', 'invalid_blocks'].includes(err.data.error)) throw err;
    const ids = new Set(attached.map((c) => c.fileId));
    ids.forEach(forgetUploadedChart);
    deps.logger.warn({ err, files: [...ids] }, 'Slack refused the App Home with its charts; published without them');
    const blocks = view.blocks.filter((b) => !(b.type === 'image' && 'slack_file' in b && 'id' in b.slack_file && ids.has(b.slack_file.id)));
    await client.views.publish({ user_id: person.slackUserId, view: { ...view, blocks } });
  }
}
