import { alertStates } from '../db/alert-states.js';
import { pausedRuleKeys } from '../db/alert-feedback-repo.js';
import { alertsSentSince, claimDeliveries, claimGroup, settledKeys } from '../db/delivery-ledger.js';
import { recordTeamStaleness } from '../db/data-health-repo.js';
import { connectedWorkspaces } from '../db/workspace-repo.js';
import { loadRoster, type RosterTeam } from '../db/roster-repo.js';
import { teamReport } from '../reports/build-report.js';
import type { AlertJson, DataHealthJson } from '../reports/types.js';
import { MAX_ALERTS_PER_MESSAGE, renderBehaviourAlerts } from '../slack/blocks/alert.js';
import { addSummaries, emptySummary, type JobContext, type JobSummary } from './context.js';
import { inWorkingHours, startOfLocalDay } from './due.js';
import { deliver, type ReadyMessage } from './deliver.js';

/**
 * While a team's data is stale no alert is raised or delivered (docs/metrics.md "Data health"): an
 * alert on data that stopped arriving blames the rep for the CRM. Said in the log once per spell.
 */
async function heldForStaleData(ctx: JobContext, team: RosterTeam, health: DataHealthJson, now: Date): Promise<boolean> {
  // A dry run prints what would go out and leaves the spell for the real run to record.
  if (health.stale === null || ctx.dryRun) return health.stale === true;
  const { change } = await recordTeamStaleness(ctx.db, team.id, health.stale, now);
  const log = ctx.logger.child({ team: team.name, job: 'alert-scan' });
  if (change === 'started') log.warn({ reason: health.reason, lastReceivedAt: health.lastReceivedAt }, 'team data is stale: alerts held until new data arrives');
  if (change === 'ended') log.info({ lastReceivedAt: health.lastReceivedAt }, 'team data is fresh again: alerts resume');
  return health.stale;
}

/**
 * The behaviour-alert scan (every 10 minutes): each rep's open alerts of docs/metrics.md, once each
 * (ledger key per rep and alert), in the rep's working hours and at most `alertsPerDay` alerts a
 * day — the rest wait for the next allowed moment, never subject to the grace window. The alerts
 * one scan finds for a rep go out as one message (at most MAX_ALERTS_PER_MESSAGE; more wait for
 * the next scan). An alert a rep snoozed comes back once when the snooze ends; dismissed and done
 * ones never do; a rule the rep paused with 👎 sends nothing until the pause ends. The summary
 * counts alerts (`printed` counts messages).
 */
export async function runAlertScan(ctx: JobContext, options: { now: Date; ignoreWorkingHours?: boolean; claimLeaseMs: number }): Promise<JobSummary> {
  const { now } = options;
  let summary = emptySummary();
  const workspaces = await connectedWorkspaces(ctx.db);
  for (const workspace of workspaces) {
    const client = ctx.dryRun ? null : await ctx.clients.clientFor(workspace.slackTeamId);
    if (!ctx.dryRun && !client) continue;
    const ready: ReadyMessage[] = [];
    for (const team of await loadRoster(ctx.db, workspace.id)) {
      if (team.reps.length === 0) continue;
      const report = await teamReport(ctx.db, workspace.id, team.name, now, now, { links: false });
      if (await heldForStaleData(ctx, team, report.dataHealth, now)) continue;
      const memberIds = team.reps.map((r) => r.memberId);
      const states = await alertStates(ctx.db, workspace.id, memberIds);
      const paused = await pausedRuleKeys(ctx.db, workspace.id, memberIds, now);
      for (const rep of team.reps) {
        const alerts = report.members.find((m) => m.rep.email === rep.email)?.alerts ?? [];
        const candidates = alerts.flatMap((alert) => {
          if (paused.has(`${rep.memberId}|${alert.rule}`)) return [];
          const state = states.get(`${rep.memberId}|${alert.key}`);
          if (state?.status === 'dismissed' || state?.status === 'done') return [];
          if (state?.status === 'snoozed') {
            if (!state.snoozedUntil || state.snoozedUntil.getTime() > now.getTime()) return [];
            return [{ alert, returning: true, key: `behaviour_alert:${workspace.slackTeamId}:${rep.memberId}:${alert.key}:returned` }];
          }
          return [{ alert, returning: false, key: `behaviour_alert:${workspace.slackTeamId}:${rep.memberId}:${alert.key}` }];
        });
        if (candidates.length === 0) continue;
        const settled = ctx.dryRun
          ? new Set<string>()
          : await settledKeys(
              ctx.db,
              candidates.map((c) => c.key),
              now,
            );
        // An alert back from a snooze was promised to return: it goes first under the daily cap.
        const pending = candidates.filter((c) => !settled.has(c.key)).sort((a, b) => Number(b.returning) - Number(a.returning));
        if (pending.length === 0) continue;
        if (!options.ignoreWorkingHours && !inWorkingHours(now, rep.timezone, team.schedule.workdayStart, team.schedule.workdayEnd)) {
          summary.held += pending.length;
          continue;
        }
        const sentToday = ctx.dryRun ? 0 : await alertsSentSince(ctx.db, workspace.id, rep.memberId, startOfLocalDay(now, rep.timezone));
        const room = Math.min(MAX_ALERTS_PER_MESSAGE, Math.max(0, team.schedule.alertsPerDay - sentToday));
        const chosen = pending.slice(0, room);
        summary.held += pending.length - chosen.length;
        if (chosen.length === 0) continue;
        summary.due += chosen.length;
        const render = (items: readonly { alert: AlertJson; returning: boolean }[]) => renderBehaviourAlerts({ items, currency: report.currency, timezone: rep.timezone });
        if (ctx.dryRun) {
          ctx.dryRun(rep.email, render(chosen));
          summary.printed++;
          continue;
        }
        // Each alert keeps its own ledger row; those this process claims go out in one message.
        const claims = await claimDeliveries(
          ctx.db,
          chosen.map((c) => ({ workspaceId: workspace.id, key: c.key, kind: 'behaviour_alert', recipient: String(rep.memberId), dueAt: now })),
          ctx.post.processId,
          now,
          options.claimLeaseMs,
        );
        const claimedKeys = new Set(claims.map((c) => c.key));
        const group = claimGroup(claims);
        if (group) ready.push({ claim: group, to: { kind: 'member', recipient: rep }, parts: [render(chosen.filter((c) => claimedKeys.has(c.key)))] });
      }
    }
    if (client) summary = addSummaries(summary, await deliver(ctx, client, workspace.slackTeamId, ready));
  }
  return summary;
}
