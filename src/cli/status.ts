import type { Command } from 'commander';
import type { PausedAlertRule, RuleFeedbackCount } from '../metrics/rules.js';
import { JOBS, type JobDefinition, type JobNeeds } from '../jobs/registry.js';
import { ALERT_RULE_WORDS } from '../reports/labels.js';
import { action, chooseWorkspace, withDatabase } from './context.js';

/** 👍/👎 per alert rule per team over the last 30 days, and the rules reps paused, for `pacer status`. */
export function alertFeedbackLines(feedback: ReadonlyMap<string, readonly RuleFeedbackCount[]>, pauses: ReadonlyMap<string, readonly PausedAlertRule[]>): string[] {
  const lines = [`alert feedback (last 30 days):${feedback.size === 0 ? ' none' : ''}`];
  for (const [team, counts] of feedback) lines.push(`  team ${team}: ${counts.map((c) => `${ALERT_RULE_WORDS[c.rule]} ${c.useful} 👍 ${c.notUseful} 👎`).join(' · ')}`);
  lines.push(`alert rules paused by reps:${pauses.size === 0 ? ' none' : ''}`);
  for (const [team, list] of pauses) for (const p of list) lines.push(`  team ${team}: ${p.name}, ${ALERT_RULE_WORDS[p.rule]} alerts until ${p.until.toISOString()}`);
  return lines;
}

const RUN_BY: Record<keyof JobNeeds, string> = {
  database: 'every process with PACER_SCHEDULER on',
  messaging: 'processes connected to Slack with PACER_SCHEDULER on',
  sync: 'server processes with PACER_SCHEDULER on',
};

/** The registry's jobs for `pacer status`: what each does, when, where it runs and how processes share it. */
export function jobLines(jobs: readonly JobDefinition[]): string[] {
  const lines = ['jobs:'];
  for (const job of jobs) {
    lines.push(`  ${job.id}: ${job.description}`);
    lines.push(`    ${job.schedule.says}; run by ${RUN_BY[job.needs]}; ${job.lease.says}`);
  }
  return lines;
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description(
      'deliveries by status, and the latest that failed, were skipped or are unknown, with why; CRM sources; whether data is still arriving; alert feedback and paused alert rules; the scheduled jobs',
    )
    .option('--workspace <id>', 'Slack team id of the workspace (when the database holds more than one)')
    .action(
      action(async (opts: { workspace?: string }) => {
        const { alertFeedbackCounts, pausedAlertRules } = await import('../db/alert-feedback-repo.js');
        const { ledgerSummary } = await import('../db/delivery-ledger.js');
        const { missingScopes } = await import('../db/slack-scopes-repo.js');
        const { listSources } = await import('../db/sync-repo.js');
        const { slackDisconnectedSince } = await import('../db/workspace-repo.js');
        const { dataHealthLine, dataHealthStatus } = await import('../reports/data-health.js');
        const { missingScopesLine } = await import('../slack/scopes.js');
        const { sourceStatusLines } = await import('../sync/status.js');
        await withDatabase(async ({ db, clock }) => {
          const workspace = await chooseWorkspace(db, opts.workspace);
          const disconnectedSince = await slackDisconnectedSince(db, workspace.id);
          const { counts, problems } = await ledgerSummary(db, workspace.id);
          process.stdout.write(`workspace ${workspace.slackTeamId}: ${disconnectedSince ? `Slack disconnected since ${disconnectedSince.toISOString()} (reinstall to resume)` : 'Slack connected'}\n`);
          const scopes = await missingScopes(db, workspace.id);
          if (scopes.length > 0) process.stdout.write(`${missingScopesLine(scopes)}\n`);
          const line = Object.entries(counts)
            .map(([status, n]) => `${status} ${n}`)
            .join(', ');
          process.stdout.write(`deliveries: ${line || 'none yet'}\n`);
          for (const p of problems) process.stdout.write(`  ${p.status.padEnd(7)} ${p.updated_at.toISOString()}  ${p.key}  ${p.error ?? ''}\n`);
          for (const line of sourceStatusLines(await listSources(db, { workspaceId: workspace.id }), clock.now())) process.stdout.write(`${line}\n`);
          const health = await dataHealthStatus(db, workspace.id, clock.now());
          if (health.workspace) process.stdout.write(`${dataHealthLine('data', health.workspace)}\n`);
          for (const t of health.teams) process.stdout.write(`${dataHealthLine(`  team ${t.team}`, t.dataHealth)}\n`);
          const [feedback, pauses] = await Promise.all([alertFeedbackCounts(db, workspace.id, clock.now()), pausedAlertRules(db, workspace.id, clock.now())]);
          for (const line of alertFeedbackLines(feedback, pauses)) process.stdout.write(`${line}\n`);
          for (const line of jobLines(JOBS)) process.stdout.write(`${line}\n`);
        });
      }),
    );
}
