import path from 'node:path';
import type { Command } from 'commander';
import { lockDataDir } from '../db/lock.js';
import { action, CliExit } from './context.js';

export function registerSandbox(program: Command): void {
  program
    .command('sandbox')
    .description('the local sandbox (`npm start` with no Slack, database or config): --reset starts it over')
    .option('--reset', 'delete the sandbox data in PACER_DATA_DIR; the next `npm start` generates a fresh demo org')
    .action(
      action(async (opts: { reset?: boolean }) => {
        if (!opts.reset) throw new CliExit('nothing to do: `npm start` runs the sandbox; `npm run pacer -- sandbox --reset` starts it over');
        const { loadEnv } = await import('../config/env.js');
        const { resetSandbox } = await import('../sandbox/state.js');
        const env = loadEnv();
        if (env.databaseUrl) throw new CliExit('DATABASE_URL is set: the sandbox only ever uses the embedded database; unset it to reset the sandbox');
        // Holding the lock proves no running Pacer has the directory open.
        const release = await lockDataDir(path.resolve(env.dataDir));
        try {
          await resetSandbox(env.dataDir);
        } finally {
          await release();
        }
        process.stdout.write(`sandbox reset: ${env.dataDir} is empty; \`npm start\` generates a fresh demo org\n`);
      }),
    );
}
