import type { Command } from 'commander';
import { action, withDatabase } from './context.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations and exit')
    .action(
      action(async () => {
        await withDatabase(async ({ db, applied }) => {
          for (const name of applied) process.stdout.write(`applied ${name}\n`);
          process.stdout.write(`${db.describe}: schema up to date (${applied.length} migration${applied.length === 1 ? '' : 's'} applied now)\n`);
        });
      }),
    );
}
