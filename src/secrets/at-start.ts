import type { Database } from '../db/client.js';
import { installationKeyCensus, sealPlainInstallationsNow, type InstallationPlace } from '../db/installation-secrets.js';
import type { Logger } from '../logger.js';
import { KEY_VARIABLE, MAKE_KEY, PREVIOUS_KEY_VARIABLE, type EncryptionKeys } from './keys.js';

const workspaces = (places: readonly InstallationPlace[]) => places.map((p) => p.slackTeamId || p.enterpriseId).join(', ');

/**
 * The start-up step of every Pacer process that serves (server, sandbox): with the key, the
 * stored Slack installations still plain are sealed (once, whichever of several processes
 * starting together gets there first), and rows this process cannot read are named; without it
 * (OAuth mode cannot start so), the rows stay as they are and one line says so.
 */
export async function secureStoredSecrets(db: Database, keys: EncryptionKeys | undefined, logger: Logger): Promise<void> {
  if (!keys) {
    const { plain } = await installationKeyCensus(db);
    if (plain > 0) {
      logger.warn(
        { plain },
        `${KEY_VARIABLE} is not set: ${plain} stored Slack installation${plain === 1 ? ' keeps its' : 's keep their'} tokens unencrypted. Set it to 32 random bytes in base64 (${MAKE_KEY}) and restart to encrypt them.`,
      );
    } else {
      logger.info(
        `${KEY_VARIABLE} is not set: Slack installation tokens would be stored unencrypted (this mode stores none; OAuth mode, which does, refuses to start without it). Set it to 32 random bytes in base64 (${MAKE_KEY}) to encrypt them.`,
      );
    }
    return;
  }
  const sealed = await sealPlainInstallationsNow(db, keys.current);
  if (sealed > 0) logger.info({ sealed, keyId: keys.current.id }, `encrypted the tokens of ${sealed} stored Slack installation${sealed === 1 ? '' : 's'} under ${KEY_VARIABLE}`);
  const { byKey } = await installationKeyCensus(db);
  for (const [keyId, places] of byKey) {
    if (keyId === keys.current.id) continue;
    if (keyId === keys.previous?.id) {
      logger.info(
        { keyId, installations: places.length },
        `${places.length} Slack installation(s) are still encrypted under ${PREVIOUS_KEY_VARIABLE}: run \`npm run pacer -- secrets rotate\` to move them to ${KEY_VARIABLE}`,
      );
      continue;
    }
    logger.error(
      { keyId, workspaces: workspaces(places) },
      `${places.length} stored Slack installation(s) (${workspaces(places)}) are encrypted under key id ${keyId}, which is neither ${KEY_VARIABLE} (id ${keys.current.id}) nor ${PREVIOUS_KEY_VARIABLE}: Pacer cannot use their tokens. Set ${PREVIOUS_KEY_VARIABLE} to that key, or reinstall the app in those workspaces.`,
    );
  }
  if (keys.previous && !byKey.has(keys.previous.id)) {
    logger.info({ keyId: keys.previous.id }, `no stored Slack installation is encrypted under ${PREVIOUS_KEY_VARIABLE} any more: it can be unset`);
  }
}
