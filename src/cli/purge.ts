import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { purgeWorkspace } from '../db/purge.js';
import { action, CliExit, withDatabase } from './context.js';

async function confirmed(slackTeamId: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`Delete every event, person, team, key and Slack installation of workspace ${slackTeamId}? Type the workspace id to confirm: `);
    return answer.trim() === slackTeamId;
  } finally {
    rl.close();
  }
}

export function registerPurge(program: Command): void {
  program
    .command('purge')
    .description("delete all of a workspace's data (events, people, teams, keys, Slack installation)")
    .requiredOption('--workspace <id>', 'Slack team id of the workspace')
    .option('--yes', 'do not ask for confirmation (asked only on a terminal)')
    .action(
      action(async (opts: { workspace: string; yes?: boolean }) => {
        if (process.stdin.isTTY && !opts.yes && !(await confirmed(opts.workspace))) throw new CliExit('not confirmed; nothing was deleted');
        await withDatabase(async ({ db }) => {
          const result = await purgeWorkspace(db, opts.workspace);
          const counts = Object.entries(result.deleted)
            .map(([table, n]) => `${table} ${n}`)
            .join(', ');
          process.stdout.write(`purged workspace ${opts.workspace}: ${counts}\n`);
        });
      }),
    );
}
