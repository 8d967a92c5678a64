import type { WebClient } from '@slack/web-api';
import { attachCharts, cadenceChart } from '../charts/attach.js';
import { teamCadenceChartInput } from '../charts/from-report.js';
import { alertFeedbackCounts, pausedAlertRules } from '../db/alert-feedback-repo.js';
import { alertIsOpen, alertStates } from '../db/alert-states.js';
import { claimDelivery, markFailed, recordSkipped, settledKeys } from '../db/delivery-ledger.js';
import { recordTeamStaleness } from '../db/data-health-repo.js';
import { connectedWorkspaces } from '../db/workspace-repo.js';
import { loadRoster, type RosterTeam } from '../db/roster-repo.js';
import { keepTeamPaces } from '../db/team-paces-repo.js';
import { teamLinks, teamReport } from '../reports/build-report.js';
import type { AlertJson, TeamReport } from '../reports/types.js';
import type { SlackMessage } from '../slack/answer-within.js';
import { renderManagerDigest } from '../slack/blocks/digest.js';
import { renderRepNudge } from '../slack/blocks/nudge.js';
import { renderTeamRecap } from '../slack/blocks/recap.js';
import { countSettled } from '../slack/delivery/post.js';
import type { PacesAWeekEarlier } from '../slack/blocks/team-view.js';
import { scopeWatch } from '../slack/scope-watch.js';
import { appHomeUrlFor } from '../slack/workspace.js';
import { addSummaries, emptySummary, type JobContext, type JobSummary } from './context.js';
import { lastWeekEnd } from './due.js';
import { pacesAWeekEarlier, pacesOf } from './paces.js';
import { planWeekly, type PlannedMessage, type WeeklyKind } from './plan.js';
import { postingQueue } from './posting-queue.js';

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * The team's report as of now, computed at most once per run, and each rep's paces a week earlier
 * for "who improved" (pacesAWeekEarlier: usually kept by last week's run, or by the
 * team-snapshots job when the week turned). A real run keeps what it computed; a dry run writes
 * nothing.
 */
function teamReports(ctx: JobContext, workspaceId: number, team: RosterTeam, now: Date, linksWarmed: Promise<unknown>) {
  const weekEnd = lastWeekEnd(now, team.week);
  const keep = async (end: Date, report: TeamReport) => {
    if (!ctx.dryRun) await keepTeamPaces(ctx.db, team.id, end, pacesOf(report));
    return report;
  };
  const aWeekEarlier = async (): Promise<PacesAWeekEarlier> => {
    const { paces } = await pacesAWeekEarlier(ctx.db, workspaceId, { id: team.id, name: team.name, week: team.week }, now, !ctx.dryRun);
    return { members: paces.reps.map((r) => ({ rep: { email: r.email }, leading: r.leading })) };
  };
  let current: Promise<TeamReport> | undefined;
  let withLinks: Promise<TeamReport> | undefined;
  let previous: Promise<PacesAWeekEarlier> | undefined;
  const currentReport = () => (current ??= teamReport(ctx.db, workspaceId, team.name, now, now, { links: false }).then((report) => keep(weekEnd, report)));
  return {
    /** Without links: a nudge shows none. */
    current: currentReport,
    withLinks: () =>
      (withLinks ??= linksWarmed.then(async () => {
        const [report, links] = await Promise.all([currentReport(), teamLinks(ctx.db, workspaceId, team.name, now)]);
        return { ...report, links };
      })),
    previous: () => (previous ??= aWeekEarlier()),
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

/**
 * The workspace's alert feedback and paused rules as of the run, read once for all its digests
 * (each shows its team's share) instead of twice per digest. A failed read is read again.
 */
function workspaceAlertFeedback(ctx: JobContext, workspaceId: number, now: Date) {
  let read: Promise<[Awaited<ReturnType<typeof alertFeedbackCounts>>, Awaited<ReturnType<typeof pausedAlertRules>>]> | undefined;
  return () =>
    (read ??= Promise.all([alertFeedbackCounts(ctx.db, workspaceId, now), pausedAlertRules(ctx.db, workspaceId, now)]).catch((err: unknown) => {
      read = undefined;
      throw err;
    }));
}

/** What every message of a workspace's run may read: the dashboard link, the alert feedback. */
interface WorkspaceReads {
  dashboard: () => Promise<string | null>;
  alertFeedback: ReturnType<typeof workspaceAlertFeedback>;
}

/**
 * A message's parts, or (`uploading`) their promise when its last step is I/O: the recap's
 * chart upload, started once the recap is claimed and awaited when its turn to post comes, so
 * that the next messages are computed meanwhile (with Slack's latency, three calls a chart).
 */
type BuiltMessage = SlackMessage[] | { uploading: Promise<SlackMessage[]> };

/** `client` uploads the recap's chart; null (a dry run) leaves it out. */
async function buildMessage(
  ctx: JobContext,
  client: WebClient | null,
  workspace: { id: number; slackTeamId: string },
  team: RosterTeam,
  planned: PlannedMessage,
  reports: ReturnType<typeof teamReports>,
  now: Date,
  { dashboard, alertFeedback }: WorkspaceReads,
): Promise<BuiltMessage | null> {
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
      const [report, previous] = await Promise.all([reports.withLinks(), reports.previous()]);
      const states = await alertStates(
        ctx.db,
        workspaceId,
        team.reps.map((r) => r.memberId),
      );
      const idOf = new Map(team.reps.map((r) => [r.email, r.memberId]));
      const openAlerts: Record<string, AlertJson[]> = {};
      for (const m of report.members) {
        openAlerts[m.rep.email] = m.alerts.filter((a) => alertIsOpen(states.get(`${idOf.get(m.rep.email)}|${a.key}`), now));
      }
      // Once a month: the first digest whose week starts in the first 7 days of a month.
      const includeLinks = Number(planned.weekKey.slice(8, 10)) <= 7;
      const firstOfStaleSpell = await firstDigestOfStaleSpell(ctx, team, report, planned, now);
      const [feedback, pauses] = await alertFeedback();
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
      const [report, previous] = await Promise.all([reports.withLinks(), reports.previous()]);
      if (!client) return [renderTeamRecap({ report, previous })];
      const uploading = attachCharts(client, [cadenceChart(teamCadenceChartInput(report))], {
        logger: ctx.logger.child({ delivery: planned.intent.key }),
        filename: 'team-recap',
        upload: { scopes: scopeWatch(ctx.db, ctx.logger, workspace.slackTeamId) },
      }).then(([chart]) => [renderTeamRecap({ report, previous, ...(chart ? { chart } : {}) })]);
      // Awaited by the posting queue later: handled here so that a failure meanwhile is not an unhandled rejection.
      uploading.catch(() => undefined);
      return { uploading };
    }
  }
}

/**
 * One pass of the weekly messages: for every connected workspace and team, what is due now is
 * claimed in the ledger (or recorded as skipped past the grace window), computed from one team
 * report per team, and posted while the next are computed (src/jobs/posting-queue.ts). Any number of processes may run it at once. `immediately` is an
 * explicit run (run-job, the sandbox): every message of the last complete week is due, whatever
 * the grace window, and one the schedule skipped is sent once after all.
 */
export async function runWeekly(ctx: JobContext, kinds: ReadonlySet<WeeklyKind>, options: { now: Date; immediately?: boolean; claimLeaseMs: number }): Promise<JobSummary> {
  const { now } = options;
  let summary = emptySummary();
  const workspaces = await connectedWorkspaces(ctx.db);
  for (const workspace of workspaces) {
    const client = ctx.dryRun ? null : await ctx.clients.clientFor(workspace.slackTeamId);
    if (!ctx.dryRun && !client) continue;
    const log = ctx.logger.child({ workspace: workspace.slackTeamId, job: [...kinds].join(',') });
    const posting = client ? postingQueue(ctx, client, workspace.slackTeamId) : null;
    const reads: WorkspaceReads = { dashboard: dashboardLink(ctx, client, workspace.slackTeamId), alertFeedback: workspaceAlertFeedback(ctx, workspace.id, now) };
    const planned = await planTeams(ctx, workspace, kinds, options, log);
    // Skipped messages were due too: a run's summary counts them in both.
    const skipped = planned.reduce((n, t) => n + t.skipped, 0);
    summary.due += skipped;
    summary.skipped += skipped;
    const linksWarmed = warmLinks(ctx, workspace.id, planned, now, log);
    // Team by team, so that a team's reports are let go once its messages are computed (holding
    // every team's until the last kind was most of the run's memory); within a team, nudges first
    // (no links needed) while the links are computed beside them.
    for (const { team, plans, settled } of planned) {
      const reports = teamReports(ctx, workspace.id, team, now, linksWarmed);
      for (const kind of SEND_ORDER) {
        for (const planned of plans) {
          if (planned.kind !== kind || settled.has(planned.intent.key)) continue;
          summary.due++;
          if (ctx.dryRun) {
            const built = await buildMessage(ctx, null, workspace, team, planned, reports, now, reads);
            const parts = built === null ? [] : Array.isArray(built) ? built : await built.uploading;
            for (const part of parts) ctx.dryRun(planned.to.kind === 'member' ? planned.to.recipient.email : `#${planned.to.channel}`, part);
            summary.printed++;
            continue;
          }
          const claim = await claimDelivery(ctx.db, planned.intent, ctx.post.processId, now, options.claimLeaseMs, { revive: options.immediately === true });
          if (!claim) continue;
          if (claim.revived) log.info({ delivery: planned.intent.key }, 'weekly message skipped by the schedule: sent now on an explicit run');
          const computing = performance.now();
          const built = await buildMessage(ctx, client, workspace, team, planned, reports, now, reads);
          summary.computeMs += performance.now() - computing;
          if (built === null || (Array.isArray(built) && built.length === 0)) {
            await markFailed(ctx.db, claim, 'nothing to say: the recipient is not in the team report', now);
            countSettled(ctx.post, claim, 'failed');
            summary.failed++;
            continue;
          }
          await posting?.add({ claim, to: planned.to, parts: Array.isArray(built) ? built : built.uploading, ...(claim.revived ? { revivedWeek: planned.weekKey } : {}) });
        }
      }
    }
    if (posting) summary = addSummaries(summary, await posting.done());
  }
  return summary;
}

const SEND_ORDER: readonly WeeklyKind[] = ['rep_nudge', 'manager_digest', 'team_recap'];

/**
 * Each team's messages due now and those already settled. A scheduled run first records the ones
 * past their grace window as skipped (in `skipped`, and left out of `plans`), so no report is
 * computed for them; an explicit run keeps them, and its claims revive the skipped ones.
 */
async function planTeams(ctx: JobContext, workspace: { id: number; slackTeamId: string }, kinds: ReadonlySet<WeeklyKind>, options: { now: Date; immediately?: boolean }, log: JobContext['logger']) {
  const { now } = options;
  const immediately = options.immediately === true;
  const teams = [];
  for (const team of await loadRoster(ctx.db, workspace.id)) {
    let plans = planWeekly(team, workspace, now, kinds, { immediately });
    let skipped = 0;
    if (!ctx.dryRun && !immediately) {
      const late = (p: PlannedMessage) => now.getTime() - p.intent.dueAt.getTime() > team.schedule.graceHours * 3_600_000;
      for (const planned of plans.filter(late)) {
        if (await recordSkipped(ctx.db, planned.intent, `due ${planned.intent.dueAt.toISOString()}, more than ${team.schedule.graceHours} h before any process could send it`, now)) {
          log.info({ delivery: planned.intent.key }, 'weekly message skipped: past its grace window');
          ctx.post.telemetry?.deliveriesSettled(planned.intent.kind, 'skipped');
          skipped++;
        }
      }
      plans = plans.filter((p) => !late(p));
    }
    if (plans.length === 0 && skipped === 0) continue;
    const settled = ctx.dryRun
      ? new Set<string>()
      : await settledKeys(
          ctx.db,
          plans.map((p) => p.intent.key),
          now,
          { revive: immediately },
        );
    teams.push({ team, plans, settled, skipped });
  }
  return teams;
}

/**
 * Starts computing the links of the first team whose digest or recap is due, which computes and
 * keeps every team's cohort for the week (the costliest step of a week's first team report), while
 * the nudges are computed and posted. A failure is logged; each team's own links are asked again.
 */
function warmLinks(
  ctx: JobContext,
  workspaceId: number,
  teams: readonly { team: RosterTeam; plans: readonly PlannedMessage[]; settled: ReadonlySet<string> }[],
  now: Date,
  log: JobContext['logger'],
): Promise<unknown> {
  const first = teams.find((t) => t.plans.some((p) => p.kind !== 'rep_nudge' && !t.settled.has(p.intent.key)));
  if (!first) return Promise.resolve();
  return teamLinks(ctx.db, workspaceId, first.team.name, now).catch((err: unknown) =>
    log.warn({ err, team: first.team.name }, 'could not compute the links ahead of the digests; each digest computes its own'),
  );
}
