import { Command } from 'commander';
import { registerApiKey } from './api-key.js';
import { registerMigrate } from './migrate.js';

const program = new Command('pacer')
  .description('Pacer command line: database, configuration, data import and reports')
  .showHelpAfterError();

registerMigrate(program);
registerApiKey(program);

await program.parseAsync(process.argv);
