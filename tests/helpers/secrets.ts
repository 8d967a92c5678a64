import { randomBytes } from 'node:crypto';
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
