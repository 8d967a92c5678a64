import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { ObjectSummary, SourceRunResult, SyncProgress } from '../sync/runner.js';
import { action, chooseWorkspace, CliExit, withDatabase } from './context.js';

const HELP = `
Reads the CRM sources of the workspace's coaching config (sources:, applied with config apply or
at start) and stores their records as events, as the events API would: an edited record
replaces its events, a record read again is a duplicate, a deleted one's events are removed.
Each source's objects start where the last sync stopped (a checkpoint per object); the first
sync starts at sync.since (default: 30 weeks back). Credentials are read from the environment
variables the config names (HubSpot's token: env:HUBSPOT_TOKEN; Salesforce's auth: clientId
with privateKey or refreshToken).

  --full     read everything from the start again and make the stored events match the CRM
  --dry-run  read and map only: print what would be stored; nothing is written

The exit code is 1 when a source failed (its error is printed and kept for pacer status).

Examples:
  HUBSPOT_TOKEN=pat-… npm run pacer -- sync
  npm run pacer -- sync hubspot --dry-run
  SF_CLIENT_ID=3MVG… SF_JWT_KEY="$(cat sf.key)" npm run pacer -- sync salesforce
`;

const count = (n: number) => n.toLocaleString('en-US');
const REJECTIONS_PRINTED = 20;

function objectLine(o: ObjectSummary, dryRun: boolean): string {
  const cells = dryRun
    ? [`read ${count(o.read)}`, `events ${count(o.events)}`, `rejected ${count(o.rejected)}`]
    : [
        `read ${count(o.read)}`,
        `accepted ${count(o.accepted)}${o.updated > 0 ? ` (${count(o.updated)} updated)` : ''}`,
        `duplicates ${count(o.duplicates)}`,
        `unmatched ${count(o.unmatched)}`,
        `rejected ${count(o.rejected)}`,
      ];
  const skipped = Object.values(o.skipped).reduce((a, b) => a + b, 0);
  if (skipped > 0) cells.push(`skipped ${count(skipped)}`);
  if (o.deletedRecords > 0 || o.removed > 0) cells.push(`deleted records ${count(o.deletedRecords)}`, `events removed ${count(o.removed)}`);
  return `  ${o.object.padEnd(13)} ${cells.join(', ')}`;
}

export function formatSyncResult(r: SourceRunResult): string {
  if (r.status === 'busy') return `${r.source} (workspace ${r.workspace}): another process is syncing it now; nothing done\n`;
  const head =
    r.status === 'failed'
      ? `${r.source} (workspace ${r.workspace}): FAILED after ${r.seconds.toFixed(1)} s — ${r.error}${r.stopping ? '\n  the source stays stopped until this is fixed; data health reports it' : ''}`
      : `${r.source} (workspace ${r.workspace}): ${r.status === 'dry-run' ? 'dry run, nothing stored' : r.full ? 'full sync done' : 'synced'} in ${r.seconds.toFixed(1)} s`;
  const lines = [`${head}, ${count(r.requests)} requests${r.rateLimited > 0 ? ` (${count(r.rateLimited)} rate limited)` : ''}`];
  for (const o of r.objects) {
    lines.push(objectLine(o, r.status === 'dry-run'));
    for (const [reason, n] of Object.entries(o.skipped)) lines.push(`      skipped ${count(n)}: ${reason}`);
    for (const rej of o.rejections.slice(0, REJECTIONS_PRINTED)) lines.push(`      rejected ${rej.id}: ${rej.reason}`);
    if (o.rejected > REJECTIONS_PRINTED) lines.push(`      … and ${count(o.rejected - REJECTIONS_PRINTED)} more rejected (each is in the log)`);
  }
  return `${lines.join('\n')}\n`;
}

/** A progress bar on stderr for a person at a terminal: objects done, and records read in the current one. */
function progressBar(): { update(p: SyncProgress): void; stop(): void } {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format: '{source} [{bar}] {value}/{total} objects | {object}: {read} records read', stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      const payload = { source: p.source, object: p.object, read: count(p.read) };
      if (!started) bar.start(p.objects, p.objectsDone, payload);
      else bar.update(p.objectsDone, payload);
      started = true;
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

export function registerSync(program: Command): void {
  program
    .command('sync')
    .description('read the CRM sources (HubSpot, Salesforce) into events now; a summary per object')
    .argument('[source]', 'the source to sync (its name in the config; default: every source)')
    .option('--full', 'read everything from the start again, not from the checkpoints')
    .option('--dry-run', 'read and map only; store nothing')
    .option('--workspace <id>', 'Slack team id of the workspace (when the database holds more than one)')
    .addHelpText('after', HELP)
    .action(
      action(async (name: string | undefined, opts: { full?: boolean; dryRun?: boolean; workspace?: string }) => {
        const { listSources } = await import('../db/sync-repo.js');
        const { jobContext, newProcessId } = await import('../jobs/setup.js');
        const { tellAdminsWhenFailing } = await import('../jobs/source-failing.js');
        const { deliveryClients } = await import('../slack/delivery/clients.js');
        const { syncSource } = await import('../sync/runner.js');
        const { sourceFactory } = await import('../sync/sources.js');
        await withDatabase(async ({ env, db, logger, clock }) => {
          const workspace = await chooseWorkspace(db, opts.workspace);
          const sources = await listSources(db, { workspaceId: workspace.id });
          if (sources.length === 0) {
            throw new CliExit(`workspace ${workspace.slackTeamId} has no CRM source: add sources: to its coaching config and apply it (npm run pacer -- config apply)`);
          }
          const chosen = name === undefined ? sources : sources.filter((s) => s.name === name);
          if (chosen.length === 0) throw new CliExit(`workspace ${workspace.slackTeamId} has no source "${name}"; its sources: ${sources.map((s) => s.name).join(', ')}`);
          // A source that stops here is told to the admins from here when Slack is configured, else by the scheduler's next attempt.
          const jobs = env.slack.kind === 'none' ? null : jobContext({ db, logger, clock, clients: deliveryClients(env.slack, env.slackApiUrl, db, logger) });
          const onFailing = tellAdminsWhenFailing({ db, logger, clock, env: process.env, slack: jobs && { clients: jobs.clients, post: jobs.post } });
          const deps = { db, logger, clock, env: process.env, processId: newProcessId(), createSource: sourceFactory(), onFailing };
          let failed = false;
          for (const row of chosen) {
            const bar = progressBar();
            let result: SourceRunResult;
            try {
              result = await syncSource(deps, row, { full: opts.full ?? false, dryRun: opts.dryRun ?? false, onProgress: (p) => bar.update(p) });
            } finally {
              bar.stop();
            }
            process.stdout.write(formatSyncResult(result));
            failed ||= result.status === 'failed';
          }
          if (failed) process.exitCode = 1;
        });
      }),
    );
}
