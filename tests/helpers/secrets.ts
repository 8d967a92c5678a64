import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Installation } from '@slack/oauth';
import type { Database } from '../../src/db/client.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { EncryptionKey, KEY_VARIABLE, PREVIOUS_KEY_VARIABLE, type EncryptionKeys } from '../../src/secrets/keys.js';

/** A fresh random key, as PACER_ENCRYPTION_KEY would hold it (base64 of 32 bytes). */
export const newKeyText = () => randomBytes(32).toString('base64');

/** Keys as the environment would give them: a new current key, and the previous one when rotating. */
export function testKeys(current = newKeyText(), previous?: string): EncryptionKeys {
  return {
    current: new EncryptionKey(Buffer.from(current, 'base64'), KEY_VARIABLE),
    previous: previous === undefined ? undefined : new EncryptionKey(Buffer.from(previous, 'base64'), PREVIOUS_KEY_VARIABLE),
  };
}

/** Bolt's Installation with every credential it can carry (token rotation on, a webhook). */
export function installationOf(team: string): Installation {
  return {
    team: { id: team, name: `Team ${team}` },
    enterprise: undefined,
    user: { id: 'UADMIN', token: `xoxp-user-${team}-a1b2c3`, refreshToken: `xoxe-1-user-refresh-${team}-d4e5`, expiresAt: 1_900_000_000, scopes: ['identify'] },
    bot: { token: `xoxb-bot-${team}-f6a7b8c9`, refreshToken: `xoxe-1-bot-refresh-${team}-0d1e`, expiresAt: 1_900_000_000, scopes: ['chat:write', 'commands'], id: 'B0PACER', userId: 'UPACER' },
    incomingWebhook: { url: `https://hooks.slack.com/services/${team}/B0HOOK/webhook-secret-path`, channel: '#sales', channelId: 'C0SALES' },
    appId: 'A0PACER',
    tokenType: 'bot',
    authVersion: 'v2',
    isEnterpriseInstall: false,
  };
}

/** Every credential of an installation: none may appear in a sealed row. */
export function credentialsOf(installation: Installation): string[] {
  return [installation.user.token, installation.user.refreshToken, installation.bot?.token, installation.bot?.refreshToken, installation.incomingWebhook?.url].filter(
    (s): s is string => typeof s === 'string',
  );
}

export const query = (team: string) => ({ teamId: team, enterpriseId: undefined, isEnterpriseInstall: false });

/** Each row exactly as the database holds it, every column as text. */
export async function rawRows(db: Database): Promise<{ team: string; keyId: string | null; secrets: string | null; text: string }[]> {
  const rows = await db.query<{ slack_team_id: string; key_id: string | null; secrets: string | null; text: string }>(
    'SELECT slack_team_id, key_id, secrets, row_to_json(s)::text AS text FROM slack_installation s ORDER BY slack_team_id',
  );
  return rows.map((r) => ({ team: r.slack_team_id, keyId: r.key_id, secrets: r.secrets, text: r.text }));
}

/** A row as Pacer stored it before keys existed: Bolt's Installation, tokens and all, in the JSON column. */
export async function storePlain(db: Database, installation: Installation): Promise<void> {
  await db.query('INSERT INTO slack_installation (slack_team_id, bot_user_id, installation, updated_at) VALUES ($1, $2, $3::jsonb, now())', [
    installation.team!.id,
    installation.bot?.userId ?? null,
    JSON.stringify(installation),
  ]);
}

export function capturingLogger(): { logger: Logger; lines: () => ({ level: number; msg: string } & Record<string, unknown>)[] } {
  const chunks: string[] = [];
  const logger = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk.toString());
        cb();
      },
    }),
  });
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { level: number; msg: string } & Record<string, unknown>),
  };
}
