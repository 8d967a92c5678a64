import type { Command } from 'commander';
import { KEY_VARIABLE, MAKE_KEY, PREVIOUS_KEY_VARIABLE } from '../secrets/keys.js';
import { action, CliExit, withDatabase } from './context.js';

const HELP = `
The Slack tokens Pacer stores (OAuth mode: each workspace's installation) are encrypted with
AES-256-GCM under PACER_ENCRYPTION_KEY, 32 random bytes in base64 (openssl rand -base64 32).
Each row names the key it is under, so rows under PACER_ENCRYPTION_KEY_PREVIOUS are read too.

To rotate the key:
  1. On every Pacer process set PACER_ENCRYPTION_KEY to the new key and
     PACER_ENCRYPTION_KEY_PREVIOUS to the old one, and restart them: they read rows under
     either key and write under the new one.
  2. Run this command with the same two variables: every row is re-encrypted under the new key
     in one transaction (rows stored unencrypted are encrypted too); running it again changes
     nothing. A row under neither key stops it before anything changes, naming the workspace.
  3. Unset PACER_ENCRYPTION_KEY_PREVIOUS and restart the processes: rows still under the old
     key cannot be read without it.

Example:
  PACER_ENCRYPTION_KEY="$(cat new.key)" PACER_ENCRYPTION_KEY_PREVIOUS="$(cat old.key)" \\
    npm run pacer -- secrets rotate
`;

const installations = (n: number) => `${n} Slack installation${n === 1 ? '' : 's'}`;

export function registerSecrets(program: Command): void {
  const secrets = program.command('secrets').description('the Slack tokens Pacer stores, encrypted under PACER_ENCRYPTION_KEY');
  secrets
    .command('rotate')
    .description(`re-encrypt every stored Slack token under ${KEY_VARIABLE}, reading the old ones with ${PREVIOUS_KEY_VARIABLE}`)
    .addHelpText('after', HELP)
    .action(
      action(async () => {
        await withDatabase(async ({ env, db }) => {
          if (!env.encryption) throw new CliExit(`${KEY_VARIABLE} is not set: set it to the new key (${MAKE_KEY}) and ${PREVIOUS_KEY_VARIABLE} to the key being replaced`);
          const { rotateInstallationSecrets } = await import('../db/installation-secrets.js');
          const result = await rotateInstallationSecrets(db, env.encryption);
          const under = `${KEY_VARIABLE} (key id ${result.keyId})`;
          const changed = result.reencrypted + result.sealed;
          process.stdout.write(
            `${changed === 0 ? 'nothing to re-encrypt' : `encrypted ${installations(changed)} under ${under}: ${result.reencrypted} from ${PREVIOUS_KEY_VARIABLE}, ${result.sealed} stored unencrypted`}; ` +
              `${installations(result.unchanged)} already under ${changed === 0 ? under : 'it'}\n`,
          );
        });
      }),
    );
}
