import { Command } from 'commander';
import { registerApiKey } from './api-key.js';
import { registerConfig } from './config.js';
import { registerImport } from './import.js';
import { registerMigrate } from './migrate.js';
import { registerPurge } from './purge.js';
import { registerRunJob } from './run-job.js';
import { registerSandbox } from './sandbox.js';
import { registerStatus } from './status.js';
import { registerReport } from './report.js';
import { registerSeed } from './seed.js';
import { registerSecrets } from './secrets.js';
import { registerRollups } from './rollups.js';
import { registerSync } from './sync.js';
import { PACER_VERSION } from '../version.js';

const program = new Command('pacer')
  .description('Pacer command line: database, configuration, data import, CRM sync and reports')
  .version(PACER_VERSION, '-V, --version', 'print the version')
  .showHelpAfterError();

registerMigrate(program);
registerApiKey(program);
registerConfig(program);
registerImport(program);
registerReport(program);
registerSeed(program);
registerPurge(program);
registerRunJob(program);
registerSandbox(program);
registerStatus(program);
registerRollups(program);
registerSync(program);
registerSecrets(program);

await program.parseAsync(process.argv);
