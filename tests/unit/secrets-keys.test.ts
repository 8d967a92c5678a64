import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { EnvError } from '../../src/errors.js';
import { EncryptionKey, keysFromEnv, openSealed, parseKey, SecretsError } from '../../src/secrets/keys.js';
import { newKeyText, testKeys } from '../helpers/secrets.js';

const OAUTH_ENV = { SLACK_CLIENT_ID: '1.2', SLACK_CLIENT_SECRET: 'client-secret', SLACK_STATE_SECRET: 'state-secret', SLACK_SIGNING_SECRET: 'signing-secret' };

describe('PACER_ENCRYPTION_KEY', () => {
  it('takes base64 of exactly 32 bytes; anything else is refused naming the variable, never the value', () => {
    const good = newKeyText();
    const key = parseKey(good, 'PACER_ENCRYPTION_KEY');
    expect(key).toBeInstanceOf(EncryptionKey);
    expect((key as EncryptionKey).id).toMatch(/^[0-9a-f]{8}$/);

    const short = randomBytes(16).toString('base64');
    expect(parseKey(short, 'PACER_ENCRYPTION_KEY')).toBe('PACER_ENCRYPTION_KEY decodes to 16 bytes; it must be exactly 32 (44 base64 characters); generate one with `openssl rand -base64 32`');
    // Hex is base64 too, of the wrong length.
    expect(parseKey(randomBytes(32).toString('hex'), 'PACER_ENCRYPTION_KEY')).toMatch(/^PACER_ENCRYPTION_KEY decodes to 48 bytes;/);
    const urlSafe = `${'-_'.repeat(21)}A=`;
    expect(Buffer.from(urlSafe, 'base64')).toHaveLength(32);
    expect(parseKey(urlSafe, 'PACER_ENCRYPTION_KEY')).toBe('PACER_ENCRYPTION_KEY is not base64: it must be 32 random bytes in base64 (44 characters); generate one with `openssl rand -base64 32`');
    expect(parseKey('not a key at all!', 'PACER_ENCRYPTION_KEY_PREVIOUS')).toMatch(/^PACER_ENCRYPTION_KEY_PREVIOUS is not base64/);
  });

  it('keeps its bytes out of logs and JSON: only its id and variable show', () => {
    const text = newKeyText();
    const key = parseKey(text, 'PACER_ENCRYPTION_KEY') as EncryptionKey;
    const hexBytes = Buffer.from(text, 'base64').toString('hex');
    for (const shown of [JSON.stringify({ key }), inspect(key, { showHidden: true, depth: 5 }), String(Object.values(key))]) {
      expect(shown).not.toContain(text);
      expect(shown).not.toContain(hexBytes);
    }
    expect(JSON.parse(JSON.stringify(key))).toEqual({ id: key.id, variable: 'PACER_ENCRYPTION_KEY' });
  });

  it('refuses a previous key alone, and the same key twice', () => {
    const key = newKeyText();
    expect(keysFromEnv(undefined, key).problems).toEqual([
      'PACER_ENCRYPTION_KEY_PREVIOUS is set without PACER_ENCRYPTION_KEY: set PACER_ENCRYPTION_KEY to the new key (the previous one is only read)',
    ]);
    expect(keysFromEnv(key, key).problems).toEqual(['PACER_ENCRYPTION_KEY_PREVIOUS is the same key as PACER_ENCRYPTION_KEY: set it to the key being replaced, or leave it unset']);
    const both = keysFromEnv(key, newKeyText());
    expect(both.problems).toEqual([]);
    expect(both.keys?.previous?.variable).toBe('PACER_ENCRYPTION_KEY_PREVIOUS');
  });
});

describe('sealing with AES-256-GCM', () => {
  const token = 'xoxb-1111-2222-sealed-token';

  it('opens with the key and place it was sealed for, and not otherwise', () => {
    const keys = testKeys();
    const sealed = keys.current.seal(token, 'row:T1');
    expect(sealed).not.toContain(token);
    expect(Buffer.from(sealed, 'base64').toString('latin1')).not.toContain(token);
    expect(keys.current.seal(token, 'row:T1')).not.toBe(sealed);
    expect(openSealed(keys, sealed, keys.current.id, 'row:T1', 'The row')).toBe(token);

    // Another place (a value copied to another row), an altered byte.
    expect(() => openSealed(keys, sealed, keys.current.id, 'row:T2', 'The row')).toThrow(SecretsError);
    const raw = Buffer.from(sealed, 'base64');
    raw[raw.length - 20]! ^= 1;
    expect(() => openSealed(keys, raw.toString('base64'), keys.current.id, 'row:T1', 'The row')).toThrow(
      'The row does not decrypt with PACER_ENCRYPTION_KEY (key id ' + keys.current.id + '): its ciphertext was altered or copied from another row. Reinstall the app to store a new token.',
    );
  });

  it('a wrong key cannot open it, and the error says which key it needs', () => {
    const right = testKeys();
    const wrong = testKeys();
    const sealed = right.current.seal(token, 'row:T1');
    expect(wrong.current.open(sealed, 'row:T1')).toBeNull();
    expect(() => openSealed(wrong, sealed, right.current.id, 'row:T1', 'The Slack installation of workspace T1')).toThrow(
      `The Slack installation of workspace T1 is encrypted under key id ${right.current.id}, which this process does not have (PACER_ENCRYPTION_KEY has id ${wrong.current.id}). ` +
        'Set PACER_ENCRYPTION_KEY, or PACER_ENCRYPTION_KEY_PREVIOUS while rotating, to the key it was encrypted with.',
    );
    expect(() => openSealed(undefined, sealed, right.current.id, 'row:T1', 'The row')).toThrow(/PACER_ENCRYPTION_KEY is not set/);
  });

  it('opens a value under the previous key while it is set', () => {
    const old = newKeyText();
    const sealed = testKeys(old).current.seal(token, 'row:T1');
    const rolling = testKeys(newKeyText(), old);
    expect(openSealed(rolling, sealed, rolling.previous!.id, 'row:T1', 'The row')).toBe(token);
    expect(() => openSealed({ current: rolling.current, previous: undefined }, sealed, rolling.previous!.id, 'row:T1', 'The row')).toThrow(SecretsError);
  });
});

describe('the environment', () => {
  it('OAuth mode refuses to start without PACER_ENCRYPTION_KEY, saying how to make one', () => {
    let error: unknown;
    try {
      loadEnv(OAUTH_ENV);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect((error as EnvError).problems).toEqual([
      "multi-workspace OAuth mode needs PACER_ENCRYPTION_KEY: it encrypts the Slack tokens each workspace's install stores in the database; generate one with `openssl rand -base64 32`, keep it in your secret store and set it on every Pacer process",
    ]);
    const key = newKeyText();
    const env = loadEnv({ ...OAUTH_ENV, PACER_ENCRYPTION_KEY: key });
    expect(env.slack.kind === 'oauth' && env.slack.encryption.current.id).toBe(testKeys(key).current.id);
  });

  it('a malformed key stops every mode, its value never repeated', () => {
    const bad = randomBytes(31).toString('base64');
    for (const extra of [{}, OAUTH_ENV, { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }]) {
      let error: unknown;
      try {
        loadEnv({ ...extra, PACER_ENCRYPTION_KEY: bad });
      } catch (err) {
        error = err;
      }
      expect((error as EnvError).problems).toEqual(['PACER_ENCRYPTION_KEY decodes to 31 bytes; it must be exactly 32 (44 base64 characters); generate one with `openssl rand -base64 32`']);
      expect((error as Error).message).not.toContain(bad);
    }
  });

  it('the single-workspace modes and no Slack start without the key', () => {
    expect(loadEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }).encryption).toBeUndefined();
    expect(loadEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).slack.kind).toBe('socket');
    expect(loadEnv({}).slack.kind).toBe('none');
  });
});
