import type { WebClient } from '@slack/web-api';
import { attachCharts, cadenceChart } from '../charts/attach.js';
import { teamCadenceChartInput } from '../charts/from-report.js';
import { alertFeedbackCounts, pausedAlertRules } from '../db/alert-feedback-repo.js';
import { alertIsOpen, alertStates } from '../db/alert-states.js';
import { claimDelivery, markFailed, recordSkipped, reviveSkipped, settledKeys, type Claim } from '../db/delivery-ledger.js';
import { recordTeamStaleness } from '../db/data-health-repo.js';
import { connectedWorkspaces } from '../db/workspace-repo.js';
import { loadRoster, type RosterTeam } from '../db/roster-repo.js';
import { teamReport } from '../reports/build-report.js';
import type { AlertJson, TeamReport } from '../reports/types.js';
import type { SlackMessage } from '../slack/answer-within.js';
import { renderManagerDigest } from '../slack/blocks/digest.js';
import { renderRepNudge } from '../slack/blocks/nudge.js';
import { renderTeamRecap } from '../slack/blocks/recap.js';
import { postClaimed } from '../slack/delivery/post.js';
import { scopeWatch } from '../slack/scope-watch.js';
import { recipientChannel } from '../slack/delivery/recipient.js';
import { appHomeUrlFor } from '../slack/workspace.js';
import { addSummaries, emptySummary, type JobContext, type JobSummary } from './context.js';
import { planWeekly, type PlannedMessage, type WeeklyKind } from './plan.js';

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
/** A claim covers computing the team's messages and waiting for its turn to post. */
const CLAIM_LEASE_MS = 10 * 60 * 1000;

/** A claimed, computed message: where it goes and its parts. */
export interface ReadyMessage {
  claim: Claim;
  to: PlannedMessage['to'];
  parts: SlackMessage[];
  /** The week of a weekly message the schedule had skipped, which this explicit run sends. */
  revivedWeek?: string;
}

/** The team's reports, computed at most once per run: as of now, and a week earlier for "who improved". */
function teamReports(ctx: JobContext, workspaceId: number, team: RosterTeam, now: Date) {
  let current: Promise<TeamReport> | undefined;
  let previous: Promise<TeamReport> | undefined;
  return {
    current: () => (current ??= teamReport(ctx.db, workspaceId, team.name, now)),
    previous: () => (previous ??= teamReport(ctx.db, workspaceId, team.name, new Date(now.getTime() - WEEK_MS), now)),
  };
}

/**
 * Whether this digest is the first of the team's stale spell (docs/metrics.md: managers are told once
 * per spell): the spell started after the digest a week earlier was due, so that one did not say it.
 */
async function firstDigestOfStaleSpell(ctx: JobContext, team: RosterTeam, report: TeamReport, planned: PlannedMessage, now: Date): Promise<boolean> {
  if (report.dataHealth.stale !== true) {
    if (report.dataHealth.stale === false && !ctx.dryRun) await recordTeamStaleness(ctx.db, team.id, false, now);
    return false;
  }
  // A dry run shows the note and leaves the spell for the real run to record.
  if (ctx.dryRun) return true;
  const { since } = await recordTeamStaleness(ctx.db, team.id, true, now);
  return since !== null && since.getTime() > planned.intent.dueAt.getTime() - WEEK_MS;
}

/**
 * The workspace's App Home link for the nudges' "Open dashboard" button, looked up at most once
 * per run; a failed lookup leaves the button out rather than holding the nudges back.
 */
function dashboardLink(ctx: JobContext, client: WebClient | null, slackTeamId: string): () => Promise<string | null> {
  let link: Promise<string | null> | undefined;
  return () =>
    (link ??= client
      ? appHomeUrlFor(client, slackTeamId).catch((err: unknown) => {
          ctx.logger.warn({ err, workspace: slackTeamId }, 'could not find the app id for the nudges’ dashboard link; sending them without it');
          return null;
        })
      : Promise.resolve(null));
}

/** `client` uploads the recap's chart; null (a dry run) leaves it out. */
async function buildMessage(ctx: JobContext, client: WebClient | null, workspace: { id: number; slackTeamId: string }, team: RosterTeam, planned: PlannedMessage, reports: ReturnType<typeof teamReports>, now: Date, dashboard: () => Promise<string | null>): Promise<SlackMessage[] | null> {
  const workspaceId = workspace.id;
  const feedbackSubject = `${planned.kind}:${planned.weekKey}`;
  switch (planned.kind) {
    case 'rep_nudge': {
      if (planned.to.kind !== 'member') return null;
      const memberEmail = planned.to.recipient.email;
      const report = (await reports.current()).members.find((m) => m.rep.email === memberEmail);
      return report ? [renderRepNudge({ report, feedbackSubject, appHomeUrl: await dashboard() })] : null;
    }
    case 'manager_digest': {
      const [report, previous] = await Promise.all([reports.current(), reports.previous()]);
      const states = await alertStates(ctx.db, workspaceId, team.reps.map((r) => r.memberId));
      const idOf = new Map(team.reps.map((r) => [r.email, r.memberId]));
      const openAlerts: Record<string, AlertJson[]> = {};
      for (const m of report.members) {
        openAlerts[m.rep.email] = m.alerts.filter((a) => alertIsOpen(states.get(`${idOf.get(m.rep.email)}|${a.key}`), now));
      }
      // Once a month: the first digest whose week starts in the first 7 days of a month.
      const includeLinks = Number(planned.weekKey.slice(8, 10)) <= 7;
      const firstOfStaleSpell = await firstDigestOfStaleSpell(ctx, team, report, planned, now);
      const [feedback, pauses] = await Promise.all([alertFeedbackCounts(ctx.db, workspaceId, now), pausedAlertRules(ctx.db, workspaceId, now)]);
      return [
        renderManagerDigest({
        report,
        previous,
        openAlerts,
        includeLinks,
        feedbackSubject,
        firstOfStaleSpell,
        alertFeedback: feedback.get(team.name) ?? [],
        pausedAlertRules: pauses.get(team.name) ?? [],
      }),
      ];
    }
    case 'team_recap': {
      const [report, previous] = await Promise.all([reports.current(), reports.previous()]);
      const [chart] = client
        ? await attachCharts(client, [cadenceChart(teamCadenceChartInput(report))], {
            logger: ctx.logger.child({ delivery: planned.intent.key }),
            filename: 'team-recap',
            upload: { scopes: scopeWatch(ctx.db, ctx.logger, workspace.slackTeamId) },
          })
        : [];
      return [renderTeamRecap({ report, previous, ...(chart ? { chart } : {}) })];
    }
  }
}

/**
 * One pass of the weekly messages: for every connected workspace and team, what is due now is
 * claimed in the ledger (or recorded as skipped past the grace window), computed from one team
 * report per team, then posted. Any number of processes may run it at once. `immediately` is an
 * explicit run (run-job, the sandbox): every message of the last complete week is due, whatever
 * the grace window, and one the schedule skipped is sent once after all.
 */
export async function runWeekly(ctx: JobContext, kinds: ReadonlySet<WeeklyKind>, options: { now: Date; immediately?: boolean }): Promise<JobSummary> {
  const { now } = options;
  let summary = emptySummary();
  const workspaces = await connectedWorkspaces(ctx.db);
  for (const workspace of workspaces) {
    const client = ctx.dryRun ? null : await ctx.clients.clientFor(workspace.slackTeamId);
    if (!ctx.dryRun && !client) continue;
    const log = ctx.logger.child({ workspace: workspace.slackTeamId, job: [...kinds].join(',') });
    const ready: ReadyMessage[] = [];
    const dashboard = dashboardLink(ctx, client, workspace.slackTeamId);
    for (const team of await loadRoster(ctx.db, workspace.id)) {
      const plans = planWeekly(team, workspace, now, kinds, { immediately: options.immediately ?? false });
      if (plans.length === 0) continue;
      const revived = ctx.dryRun || !options.immediately ? new Set<string>() : await reviveSkipped(ctx.db, plans.map((p) => p.intent.key), now);
      for (const key of revived) log.info({ delivery: key }, 'weekly message skipped by the schedule: sent now on an explicit run');
      const settled = ctx.dryRun ? new Set<string>() : await settledKeys(ctx.db, plans.map((p) => p.intent.key), now);
      const reports = teamReports(ctx, workspace.id, team, now);
      for (const planned of plans) {
        if (settled.has(planned.intent.key)) continue;
        summary.due++;
        if (ctx.dryRun) {
          const parts = await buildMessage(ctx, null, workspace, team, planned, reports, now, dashboard);
          for (const part of parts ?? []) ctx.dryRun(planned.to.kind === 'member' ? planned.to.recipient.email : `#${planned.to.channel}`, part);
          summary.printed++;
          continue;
        }
        if (!options.immediately && now.getTime() - planned.intent.dueAt.getTime() > team.schedule.graceHours * 3_600_000) {
          if (await recordSkipped(ctx.db, planned.intent, `due ${planned.intent.dueAt.toISOString()}, more than ${team.schedule.graceHours} h before any process could send it`, now)) {
            log.info({ delivery: planned.intent.key }, 'weekly message skipped: past its grace window');
            summary.skipped++;
          }
          continue;
        }
        const claim = await claimDelivery(ctx.db, planned.intent, ctx.post.processId, now, CLAIM_LEASE_MS);
        if (!claim) continue;
        const parts = await buildMessage(ctx, client, workspace, team, planned, reports, now, dashboard);
        if (!parts || parts.length === 0) {
          await markFailed(ctx.db, claim, 'nothing to say: the recipient is not in the team report', now);
          summary.failed++;
          continue;
        }
        ready.push({ claim, to: planned.to, parts, ...(revived.has(planned.intent.key) ? { revivedWeek: planned.weekKey } : {}) });
      }
    }
    if (client) summary = addSummaries(summary, await deliver(ctx, client, workspace.slackTeamId, ready));
  }
  return summary;
}

/**
 * Posts computed messages; a member is messaged in their DM (their Slack id, or found by email).
 * Counts ledger rows: a message carrying several alerts counts each.
 */
export async function deliver(ctx: JobContext, client: WebClient, slackTeamId: string, ready: readonly ReadyMessage[]): Promise<JobSummary> {
  const summary = emptySummary();
  for (const item of ready) {
    const rows = 1 + (item.claim.riders?.length ?? 0);
    let channel: string;
    if (item.to.kind === 'channel') {
      channel = item.to.channel;
    } else {
      const found = await recipientChannel(ctx.post, client, item.to.recipient, item.claim);
      if (found.status === 'failed') {
        summary.failed += rows;
        continue;
      }
      channel = found.channel;
    }
    const outcome = await postClaimed(ctx.post, client, { workspace: slackTeamId, channel }, item.claim, item.parts);
    summary[outcome.status] += rows;
    if (outcome.status === 'sent' && item.revivedWeek !== undefined) {
      summary.revived++;
      if (!summary.revivedWeeks.includes(item.revivedWeek)) summary.revivedWeeks.push(item.revivedWeek);
    }
  }
  return summary;
}
