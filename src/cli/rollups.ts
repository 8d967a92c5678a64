import type { Command } from 'commander';
import { action, chooseWorkspace, withDatabase } from './context.js';

export function registerRollups(program: Command): void {
  const rollups = program.command('rollups').description('the weekly rollups reports read instead of raw events');
  rollups
    .command('rebuild')
    .description("rebuild a workspace's rollups from its events (after restoring events by hand, or to check them)")
    .option('--workspace <id>', 'Slack team id of the workspace (needed when the database holds several)')
    .action(
      action(async (opts: { workspace?: string }) => {
        const { rebuildWorkspaceRollups } = await import('../db/rollups-write.js');
        await withDatabase(async ({ db }) => {
          const workspace = await chooseWorkspace(db, opts.workspace);
          const started = performance.now();
          // One transaction: reports keep reading the old rollups until the new ones commit.
          const { identities } = await db.transactionScript((tx) => rebuildWorkspaceRollups(tx, workspace.id), { longRunning: true });
          const seconds = ((performance.now() - started) / 1000).toFixed(1);
          process.stdout.write(`rebuilt the rollups of workspace ${workspace.slackTeamId}: ${identities} identities in ${seconds} s\n`);
        });
      }),
    );
}
