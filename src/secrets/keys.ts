/**
 * Secrets at rest: AES-256-GCM (node:crypto) under PACER_ENCRYPTION_KEY, 32 random bytes given in
 * base64. A sealed value is base64 of a random 12-byte IV, the ciphertext and the 16-byte tag; it
 * is stored with its key's id (the first 8 hex digits of sha256 of the key), so a row sealed under
 * the previous key is still opened while PACER_ENCRYPTION_KEY_PREVIOUS holds it. Each value is
 * bound to where it is stored (additional authenticated data), so a sealed value copied to
 * another row does not open there.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { PacerError } from '../errors.js';

export const KEY_VARIABLE = 'PACER_ENCRYPTION_KEY';
export const PREVIOUS_KEY_VARIABLE = 'PACER_ENCRYPTION_KEY_PREVIOUS';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ALGORITHM = 'aes-256-gcm';

/** How to make a key, for messages. */
export const MAKE_KEY = 'generate one with `openssl rand -base64 32`';

/** A stored secret cannot be opened with the keys this process has. */
export class SecretsError extends PacerError {}

/**
 * One key. Its bytes stay inside (a private field): logging or serialising it shows its id only.
 */
export class EncryptionKey {
  readonly #bytes: Buffer;
  readonly id: string;

  constructor(
    bytes: Buffer,
    /** The variable it came from, for messages. */
    readonly variable: string,
  ) {
    if (bytes.length !== KEY_BYTES) throw new Error(`an encryption key has ${KEY_BYTES} bytes, not ${bytes.length}`);
    this.#bytes = Buffer.from(bytes);
    this.id = createHash('sha256').update(bytes).digest('hex').slice(0, 8);
  }

  /** `plaintext` sealed for the place `context` names. */
  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.#bytes, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64');
  }

  /** The plaintext, or null when `sealed` was not sealed under this key for `context` (or was altered). */
  open(sealed: string, context: string): string | null {
    const raw = Buffer.from(sealed, 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) return null;
    const decipher = createDecipheriv(ALGORITHM, this.#bytes, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }

  toJSON(): { id: string; variable: string } {
    return { id: this.id, variable: this.variable };
  }

  [inspect.custom](): string {
    return `EncryptionKey(${this.variable}, id ${this.id})`;
  }
}

/** The key new values are sealed under, and the one a rotation moves away from. */
export interface EncryptionKeys {
  current: EncryptionKey;
  previous: EncryptionKey | undefined;
}

/**
 * A key from its variable's value: base64 of exactly 32 bytes. The problem, naming the variable
 * (never the value), when it is not.
 */
export function parseKey(value: string, variable: string): EncryptionKey | string {
  const text = value.trim();
  const bytes = Buffer.from(text, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || bytes.toString('base64') !== text) {
    return `${variable} is not base64: it must be 32 random bytes in base64 (44 characters); ${MAKE_KEY}`;
  }
  if (bytes.length !== KEY_BYTES) return `${variable} decodes to ${bytes.length} bytes; it must be exactly ${KEY_BYTES} (44 base64 characters); ${MAKE_KEY}`;
  return new EncryptionKey(bytes, variable);
}

/**
 * The keys the two variables hold, or the problems with them (none set: undefined). The previous
 * key alone, or the same key twice, is a mistake worth stopping for.
 */
export function keysFromEnv(current: string | undefined, previous: string | undefined): { keys: EncryptionKeys | undefined; problems: string[] } {
  const problems: string[] = [];
  const now = current === undefined ? undefined : parseKey(current, KEY_VARIABLE);
  const before = previous === undefined ? undefined : parseKey(previous, PREVIOUS_KEY_VARIABLE);
  for (const parsed of [now, before]) if (typeof parsed === 'string') problems.push(parsed);
  if (now === undefined && before !== undefined) problems.push(`${PREVIOUS_KEY_VARIABLE} is set without ${KEY_VARIABLE}: set ${KEY_VARIABLE} to the new key (the previous one is only read)`);
  if (now instanceof EncryptionKey && before instanceof EncryptionKey && now.id === before.id) {
    problems.push(`${PREVIOUS_KEY_VARIABLE} is the same key as ${KEY_VARIABLE}: set it to the key being replaced, or leave it unset`);
  }
  if (problems.length > 0 || !(now instanceof EncryptionKey)) return { keys: undefined, problems };
  return { keys: { current: now, previous: before instanceof EncryptionKey ? before : undefined }, problems };
}

/**
 * Opens a value sealed under the key `keyId` names, for `context`. `what` names the row in
 * messages (a workspace, never a secret).
 */
export function openSealed(keys: EncryptionKeys | undefined, sealed: string, keyId: string, context: string, what: string): string {
  const key = [keys?.current, keys?.previous].find((k) => k?.id === keyId);
  if (!key) {
    const have = keys
      ? [keys.current, keys.previous]
          .filter((k) => k !== undefined)
          .map((k) => `${k.variable} has id ${k.id}`)
          .join(', ')
      : `${KEY_VARIABLE} is not set`;
    throw new SecretsError(
      'secret_key_unknown',
      `${what} is encrypted under key id ${keyId}, which this process does not have (${have}). Set ${KEY_VARIABLE}, or ${PREVIOUS_KEY_VARIABLE} while rotating, to the key it was encrypted with.`,
    );
  }
  const plaintext = key.open(sealed, context);
  if (plaintext === null) {
    throw new SecretsError(
      'secret_unreadable',
      `${what} does not decrypt with ${key.variable} (key id ${keyId}): its ciphertext was altered or copied from another row. Reinstall the app to store a new token.`,
    );
  }
  return plaintext;
}
