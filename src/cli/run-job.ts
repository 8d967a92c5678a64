import type { Command } from 'commander';
import { EXPLICIT_JOBS, isJobName, runJobNow } from '../jobs/registry.js';
import type { DeliveryClients } from '../slack/delivery/clients.js';
import { action, CliExit, withDatabase } from './context.js';

const noClients: DeliveryClients = { clientFor: () => Promise.resolve(null) };
/** The jobs with an explicit run, from the registry; the others run on their schedule only (`pacer status` lists them). */
const jobNames = EXPLICIT_JOBS.map((job) => job.id).join(', ');

export function registerRunJob(program: Command): void {
  program
    .command('run-job')
    .description(`run a scheduled job now for the last complete week, whatever its grace window (a message the schedule skipped is sent once): ${jobNames}`)
    .argument('<job>', EXPLICIT_JOBS.map((job) => `${job.id} (${job.description})`).join('; '))
    .option('--as-of <iso>', 'run as of this instant (default: now, or PACER_NOW)')
    .option('--dry-run', 'print the messages as text instead of posting them (nothing is recorded)')
    .action(
      action(async (job: string, opts: { asOf?: string; dryRun?: boolean }) => {
        if (!isJobName(job)) throw new CliExit(`unknown job "${job}"; jobs: ${jobNames}`);
        const { parseInstant } = await import('../ingest/event-schema.js');
        const { describeRuns } = await import('../jobs/run-summary.js');
        const { jobContext } = await import('../jobs/setup.js');
        const { messageAsText } = await import('../slack/blocks/as-text.js');
        const { deliveryClients } = await import('../slack/delivery/clients.js');
        let asOf: Date | undefined;
        if (opts.asOf !== undefined) {
          const parsed = parseInstant(opts.asOf);
          if (!parsed.ok) throw new CliExit(`--as-of: ${parsed.reason}`);
          asOf = parsed.date;
        }
        await withDatabase(async ({ env, db, logger, clock }) => {
          if (!opts.dryRun && env.slack.kind === 'none') {
            throw new CliExit('posting needs Slack: set SLACK_BOT_TOKEN (with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN) or the OAuth variables, or add --dry-run to print the messages');
          }
          const printed: string[] = [];
          const ctx = jobContext({ db, logger, clock, clients: env.slack.kind === 'none' ? noClients : deliveryClients(env.slack, env.slackApiUrl, db, logger) });
          const summary = await runJobNow(opts.dryRun ? { ...ctx, dryRun: (to, message) => printed.push(`── to ${to}\n${messageAsText(message)}\n`) } : ctx, job, asOf ?? clock.now());
          for (const text of printed) process.stdout.write(`${text}\n`);
          process.stdout.write(
            opts.dryRun
              ? `${job}: ${summary.printed} message(s) printed, nothing posted\n`
              : `${job}: ${describeRuns([{ job, summary }])}\n` +
                  `(${summary.sent} sent, ${summary.failed} failed, ${summary.skipped} skipped, ${summary.held} held back, ${summary.lost} taken over by another process)\n`,
          );
          if (summary.failed > 0) process.exitCode = 1;
        });
      }),
    );
}
