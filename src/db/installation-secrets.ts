/**
 * The tokens of stored Slack installations, sealed under PACER_ENCRYPTION_KEY (src/secrets/keys.ts).
 * A sealed row keeps Bolt's Installation without its tokens in `installation`, the tokens in
 * `secrets` and the key's id in `key_id`; a plain row (no key id) still has them in `installation`.
 * Sealing the plain rows at start and rotating to a new key each run in one transaction under one
 * advisory lock, so processes starting together seal each row once.
 */
import { openSealed, type EncryptionKey, type EncryptionKeys, SecretsError } from '../secrets/keys.js';
import type { Database, SqlRunner } from './client.js';

type JsonRecord = Record<string, unknown>;

/** The credentials in Bolt's Installation, per part: what is sealed and removed from the JSON. */
const SECRET_FIELDS: Readonly<Record<string, readonly string[]>> = {
  bot: ['token', 'refreshToken'],
  user: ['token', 'refreshToken'],
  // An incoming webhook's URL posts to its channel without any other credential.
  incomingWebhook: ['url'],
};

/** Advisory lock of sealing and rotation (its own class; see src/db/rollups-write.ts for others). */
const SECRETS_LOCK_CLASS = 1_330_925_902;
const INSTALLATIONS_LOCK_KEY = 1;

const isRecord = (value: unknown): value is JsonRecord => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Where a row is, by Bolt's lookup key: what its sealed value is bound to. */
export interface InstallationPlace {
  enterpriseId: string;
  slackTeamId: string;
}

const contextOf = (place: InstallationPlace) => `slack_installation:${place.enterpriseId}:${place.slackTeamId}`;

/** The row in messages: its workspace (or enterprise), never a secret. */
export function describeInstallation(place: InstallationPlace): string {
  const who = [place.slackTeamId && `workspace ${place.slackTeamId}`, place.enterpriseId && `enterprise ${place.enterpriseId}`].filter(Boolean).join(' of ');
  return `The Slack installation of ${who || 'an unnamed workspace'}`;
}

/** The installation without its credentials, and the credentials by part. */
export function splitSecrets(installation: JsonRecord): { rest: JsonRecord; secrets: Record<string, JsonRecord> } {
  const rest: JsonRecord = { ...installation };
  const secrets: Record<string, JsonRecord> = {};
  for (const [part, fields] of Object.entries(SECRET_FIELDS)) {
    const value = installation[part];
    if (!isRecord(value)) continue;
    const kept: JsonRecord = { ...value };
    const taken: JsonRecord = {};
    for (const field of fields) {
      if (!(field in kept)) continue;
      taken[field] = kept[field];
      delete kept[field];
    }
    rest[part] = kept;
    if (Object.keys(taken).length > 0) secrets[part] = taken;
  }
  return { rest, secrets };
}

function joinSecrets(rest: JsonRecord, secrets: JsonRecord): JsonRecord {
  const joined: JsonRecord = { ...rest };
  for (const [part, taken] of Object.entries(secrets)) {
    if (isRecord(taken)) joined[part] = { ...(isRecord(rest[part]) ? rest[part] : {}), ...taken };
  }
  return joined;
}

/** What a sealed row holds: the installation without its tokens, the sealed tokens, the key's id. */
export interface SealedInstallation {
  installation: JsonRecord;
  secrets: string;
  keyId: string;
}

/** A serialised installation (tokens included) sealed under `key` for its row. */
export function sealInstallation(installation: JsonRecord, key: EncryptionKey, place: InstallationPlace): SealedInstallation {
  const { rest, secrets } = splitSecrets(installation);
  return { installation: rest, secrets: key.seal(JSON.stringify(secrets), contextOf(place)), keyId: key.id };
}

/** A stored row as Bolt's serialised Installation, tokens included (a plain row as it is). */
export function openInstallation(row: InstallationPlace & { installation: unknown; secrets: string | null; keyId: string | null }, keys: EncryptionKeys | undefined): unknown {
  if (row.keyId === null || row.secrets === null) return row.installation;
  const what = describeInstallation(row);
  const secrets: unknown = JSON.parse(openSealed(keys, row.secrets, row.keyId, contextOf(row), what));
  if (!isRecord(row.installation) || !isRecord(secrets)) throw new SecretsError('secret_unreadable', `${what} is not an installation Pacer stored; reinstall the app from /slack/install.`);
  return joinSecrets(row.installation, secrets);
}

interface StoredRow {
  id: number;
  enterprise_id: string;
  slack_team_id: string;
  installation: unknown;
  secrets: string | null;
  key_id: string | null;
}

const placeOf = (row: StoredRow): InstallationPlace => ({ enterpriseId: row.enterprise_id, slackTeamId: row.slack_team_id });

async function lockInstallations(tx: SqlRunner): Promise<void> {
  await tx.query('SELECT 1 AS locked FROM pg_advisory_xact_lock($1, $2)', [SECRETS_LOCK_CLASS, INSTALLATIONS_LOCK_KEY]);
}

async function reseal(tx: SqlRunner, row: StoredRow, installation: unknown, key: EncryptionKey): Promise<void> {
  if (!isRecord(installation)) throw new SecretsError('secret_unreadable', `${describeInstallation(placeOf(row))} is not an installation Pacer stored; reinstall the app from /slack/install.`);
  const sealed = sealInstallation(installation, key, placeOf(row));
  await tx.kysely
    .updateTable('slack_installation')
    .set({ installation: JSON.stringify(sealed.installation), secrets: sealed.secrets, key_id: sealed.keyId })
    .where('id', '=', row.id)
    .execute();
}

/**
 * Seals every plain row under `key`, in the caller's transaction, and returns how many there
 * were. The lock makes a second process starting meanwhile wait and then find none.
 */
export async function sealPlainInstallations(tx: SqlRunner, key: EncryptionKey): Promise<number> {
  await lockInstallations(tx);
  const plain = await tx.kysely
    .selectFrom('slack_installation')
    .select(['id', 'enterprise_id', 'slack_team_id', 'installation', 'secrets', 'key_id'])
    .where('key_id', 'is', null)
    .orderBy('id')
    .forUpdate()
    .execute();
  for (const row of plain) await reseal(tx, row, row.installation, key);
  return plain.length;
}

/**
 * The start-up step: every plain row sealed under `key`, in one transaction. Without the request
 * timeouts: a process starting next to one sealing many rows waits for the lock as long as it takes.
 */
export function sealPlainInstallationsNow(db: Database, key: EncryptionKey): Promise<number> {
  return db.transactionScript((tx) => sealPlainInstallations(tx, key), { longRunning: true });
}

/** How many rows are plain, and the workspaces of rows under each key id. */
export interface InstallationKeyCensus {
  plain: number;
  byKey: Map<string, InstallationPlace[]>;
}

export async function installationKeyCensus(db: Database): Promise<InstallationKeyCensus> {
  const rows = await db.kysely.selectFrom('slack_installation').select(['enterprise_id', 'slack_team_id', 'key_id']).orderBy('id').execute();
  const byKey = new Map<string, InstallationPlace[]>();
  let plain = 0;
  for (const row of rows) {
    if (row.key_id === null) {
      plain += 1;
      continue;
    }
    byKey.set(row.key_id, [...(byKey.get(row.key_id) ?? []), { enterpriseId: row.enterprise_id, slackTeamId: row.slack_team_id }]);
  }
  return { plain, byKey };
}

export interface RotationResult {
  keyId: string;
  /** Rows moved from the previous key to the current one. */
  reencrypted: number;
  /** Plain rows sealed. */
  sealed: number;
  /** Rows already under the current key (a second run finds only these). */
  unchanged: number;
}

/**
 * Every row under `keys.current`, in one transaction: rows under the previous key are opened and
 * sealed again, plain rows sealed, rows under the current key left alone. A row under any other
 * key stops it before anything changes, naming the row.
 */
export function rotateInstallationSecrets(db: Database, keys: EncryptionKeys): Promise<RotationResult> {
  return db.transactionScript(
    async (tx) => {
      await lockInstallations(tx);
      const rows = await tx.kysely.selectFrom('slack_installation').select(['id', 'enterprise_id', 'slack_team_id', 'installation', 'secrets', 'key_id']).orderBy('id').forUpdate().execute();
      const result: RotationResult = { keyId: keys.current.id, reencrypted: 0, sealed: 0, unchanged: 0 };
      for (const row of rows) {
        if (row.key_id === keys.current.id) {
          result.unchanged += 1;
          continue;
        }
        const installation = openInstallation({ ...placeOf(row), installation: row.installation, secrets: row.secrets, keyId: row.key_id }, keys);
        await reseal(tx, row, installation, keys.current);
        if (row.key_id === null) result.sealed += 1;
        else result.reencrypted += 1;
      }
      return result;
    },
    { longRunning: true },
  );
}
