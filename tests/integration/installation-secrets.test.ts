import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrator.js';
import { rotateInstallationSecrets, sealPlainInstallations, sealPlainInstallationsNow } from '../../src/db/installation-secrets.js';
import { databaseInstallationStore } from '../../src/db/slack-installations.js';
import { secureStoredSecrets } from '../../src/secrets/at-start.js';
import { deliveryClients } from '../../src/slack/delivery/clients.js';
import { SecretsError, type EncryptionKeys } from '../../src/secrets/keys.js';
import { createPostgresDatabase, createTestDatabase, DATABASE_KINDS } from '../helpers/db.js';
import { capturingLogger, credentialsOf, installationOf, newKeyText, query, rawRows, storePlain, testKeys } from '../helpers/secrets.js';

/** The keys of a process that has only the current key (no rotation under way). */
const ONLY = (keys: EncryptionKeys): EncryptionKeys => ({ current: keys.current, previous: undefined });

describe.each(DATABASE_KINDS)('Slack installation tokens at rest (%s)', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterEach(async () => {
    await db.query('DELETE FROM slack_installation');
  });
  afterAll(async () => {
    await db?.close();
  });

  it('a token stored through Bolt’s store is not in the row and cannot be read without its key', async () => {
    const keys = testKeys();
    const installation = installationOf('T0SEALED');
    await databaseInstallationStore(db, keys).storeInstallation(installation);

    const [row] = await rawRows(db);
    expect(row!.keyId).toBe(keys.current.id);
    for (const secret of credentialsOf(installation)) expect(row!.text).not.toContain(secret);
    // The rest of the installation stays readable: Pacer and Bolt look rows up by it.
    expect(row!.text).toContain('UPACER');

    expect(await databaseInstallationStore(db, keys).fetchInstallation(query('T0SEALED'))).toEqual(installation);

    const wrong = testKeys();
    expect(wrong.current.open(row!.secrets!, 'slack_installation::T0SEALED')).toBeNull();
    const refused = await databaseInstallationStore(db, wrong)
      .fetchInstallation(query('T0SEALED'))
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(SecretsError);
    expect((refused as Error).message).toBe(
      `The Slack installation of workspace T0SEALED is encrypted under key id ${keys.current.id}, which this process does not have (PACER_ENCRYPTION_KEY has id ${wrong.current.id}). ` +
        'Set PACER_ENCRYPTION_KEY, or PACER_ENCRYPTION_KEY_PREVIOUS while rotating, to the key it was encrypted with.',
    );
  });

  it('scheduled deliveries skip a workspace whose token this process cannot decrypt, logging the fix', async () => {
    const stranger = testKeys();
    await databaseInstallationStore(db, stranger).storeInstallation(installationOf('T0OTHERKEY'));
    const mine = testKeys();
    await databaseInstallationStore(db, mine).storeInstallation(installationOf('T0MINE'));
    const { logger, lines } = capturingLogger();
    const clients = deliveryClients({ kind: 'oauth', clientId: '1.2', clientSecret: 'c', stateSecret: 's', signingSecret: 'g', encryption: mine }, 'http://127.0.0.1:9/api/', db, logger);
    expect(await clients.clientFor('T0OTHERKEY')).toBeNull();
    expect(await clients.clientFor('T0MINE')).not.toBeNull();
    expect(await clients.clientFor('T0NEVER')).toBeNull();
    expect(lines()).toMatchObject([{ level: 50, workspace: 'T0OTHERKEY', code: 'secret_key_unknown', msg: expect.stringContaining(`is encrypted under key id ${stranger.current.id}`) as unknown }]);
  });

  it('a sealed value moved to another workspace’s row does not open there', async () => {
    const keys = testKeys();
    const store = databaseInstallationStore(db, keys);
    await store.storeInstallation(installationOf('T0ONE'));
    await store.storeInstallation(installationOf('T0TWO'));
    await db.query("UPDATE slack_installation SET secrets = (SELECT secrets FROM slack_installation WHERE slack_team_id = 'T0ONE') WHERE slack_team_id = 'T0TWO'");
    await expect(store.fetchInstallation(query('T0TWO'))).rejects.toThrow(/^The Slack installation of workspace T0TWO does not decrypt with PACER_ENCRYPTION_KEY/);
    expect(await store.fetchInstallation(query('T0ONE'))).toEqual(installationOf('T0ONE'));
  });

  it('at start, plain rows are encrypted once; a second start changes nothing', async () => {
    const teams = ['T0PLAIN1', 'T0PLAIN2', 'T0PLAIN3'];
    for (const team of teams) await storePlain(db, installationOf(team));
    const keys = testKeys();

    const first = capturingLogger();
    await secureStoredSecrets(db, keys, first.logger);
    expect(first.lines().map((l) => l.msg)).toEqual(['encrypted the tokens of 3 stored Slack installations under PACER_ENCRYPTION_KEY']);
    const sealed = await rawRows(db);
    expect(sealed.map((r) => r.keyId)).toEqual(teams.map(() => keys.current.id));
    for (const [i, team] of teams.entries()) {
      for (const secret of credentialsOf(installationOf(team))) expect(sealed[i]!.text).not.toContain(secret);
      expect(await databaseInstallationStore(db, ONLY(keys)).fetchInstallation(query(team))).toEqual(installationOf(team));
    }

    const second = capturingLogger();
    await secureStoredSecrets(db, keys, second.logger);
    expect(second.lines()).toEqual([]);
    // Sealing again would draw a new IV: the very same ciphertexts mean nothing was touched.
    expect(await rawRows(db)).toEqual(sealed);
  });

  it('without the key, plain rows stay as they are and one line says so', async () => {
    const empty = capturingLogger();
    await secureStoredSecrets(db, undefined, empty.logger);
    expect(empty.lines()).toMatchObject([
      {
        level: 30,
        msg:
          'PACER_ENCRYPTION_KEY is not set: Slack installation tokens would be stored unencrypted (this mode stores none; OAuth mode, which does, refuses to start without it). ' +
          'Set it to 32 random bytes in base64 (generate one with `openssl rand -base64 32`) to encrypt them.',
      },
    ]);

    await storePlain(db, installationOf('T0KEPT'));
    const before = await rawRows(db);
    const kept = capturingLogger();
    await secureStoredSecrets(db, undefined, kept.logger);
    expect(kept.lines()).toMatchObject([
      {
        level: 40,
        msg: 'PACER_ENCRYPTION_KEY is not set: 1 stored Slack installation keeps its tokens unencrypted. Set it to 32 random bytes in base64 (generate one with `openssl rand -base64 32`) and restart to encrypt them.',
      },
    ]);
    expect(await rawRows(db)).toEqual(before);
    expect(before[0]!.keyId).toBeNull();
  });

  it('rotation re-encrypts every row under the new key; rows under the old one need PREVIOUS until then', async () => {
    const oldKey = newKeyText();
    const old = testKeys(oldKey);
    await databaseInstallationStore(db, old).storeInstallation(installationOf('T0ROT1'));
    await databaseInstallationStore(db, old).storeInstallation(installationOf('T0ROT2'));
    await storePlain(db, installationOf('T0ROT3'));
    const rolling = testKeys(newKeyText(), oldKey);
    const start = capturingLogger();
    await secureStoredSecrets(db, rolling, start.logger);
    expect(start.lines().map((l) => l.msg)).toEqual([
      'encrypted the tokens of 1 stored Slack installation under PACER_ENCRYPTION_KEY',
      '2 Slack installation(s) are still encrypted under PACER_ENCRYPTION_KEY_PREVIOUS: run `npm run pacer -- secrets rotate` to move them to PACER_ENCRYPTION_KEY',
    ]);

    // While rolling out: the old rows read with PREVIOUS set, and not without it.
    expect(await databaseInstallationStore(db, rolling).fetchInstallation(query('T0ROT1'))).toEqual(installationOf('T0ROT1'));
    await expect(databaseInstallationStore(db, ONLY(rolling)).fetchInstallation(query('T0ROT1'))).rejects.toThrow(`is encrypted under key id ${old.current.id}`);

    expect(await rotateInstallationSecrets(db, rolling)).toEqual({ keyId: rolling.current.id, reencrypted: 2, sealed: 0, unchanged: 1 });
    const rotated = await rawRows(db);
    expect(rotated.map((r) => r.keyId)).toEqual([rolling.current.id, rolling.current.id, rolling.current.id]);
    for (const team of ['T0ROT1', 'T0ROT2', 'T0ROT3']) {
      expect(await databaseInstallationStore(db, ONLY(rolling)).fetchInstallation(query(team))).toEqual(installationOf(team));
      await expect(databaseInstallationStore(db, old).fetchInstallation(query(team))).rejects.toThrow(SecretsError);
    }
    const done = capturingLogger();
    await secureStoredSecrets(db, rolling, done.logger);
    expect(done.lines().map((l) => l.msg)).toEqual(['no stored Slack installation is encrypted under PACER_ENCRYPTION_KEY_PREVIOUS any more: it can be unset']);

    expect(await rotateInstallationSecrets(db, rolling)).toEqual({ keyId: rolling.current.id, reencrypted: 0, sealed: 0, unchanged: 3 });
    expect(await rawRows(db)).toEqual(rotated);
  });

  it('rotation stops at a row under a key it does not have, naming the workspace, and changes nothing', async () => {
    const oldKey = newKeyText();
    await databaseInstallationStore(db, testKeys(oldKey)).storeInstallation(installationOf('T0KNOWN'));
    await storePlain(db, installationOf('T0BARE'));
    const stranger = testKeys();
    await databaseInstallationStore(db, stranger).storeInstallation(installationOf('T0STRANGE'));
    const before = await rawRows(db);

    const rolling = testKeys(newKeyText(), oldKey);
    await expect(rotateInstallationSecrets(db, rolling)).rejects.toThrow(
      `The Slack installation of workspace T0STRANGE is encrypted under key id ${stranger.current.id}, which this process does not have ` +
        `(PACER_ENCRYPTION_KEY has id ${rolling.current.id}, PACER_ENCRYPTION_KEY_PREVIOUS has id ${rolling.previous!.id}).`,
    );
    expect(await rawRows(db)).toEqual(before);

    const start = capturingLogger();
    await secureStoredSecrets(db, { current: testKeys(oldKey).current, previous: undefined }, start.logger);
    expect(start.lines().at(-1)).toMatchObject({ level: 50, msg: expect.stringContaining(`1 stored Slack installation(s) (T0STRANGE) are encrypted under key id ${stranger.current.id}`) as unknown });
  });
});

describe('processes starting together (PostgreSQL)', () => {
  let one: Database;
  let two: Database;
  beforeAll(async () => {
    const url = await createPostgresDatabase();
    one = await openDatabase({ databaseUrl: url, maxConnections: 2 });
    two = await openDatabase({ databaseUrl: url, maxConnections: 2 });
    await migrate(one);
  });
  afterEach(async () => {
    await one.query('DELETE FROM slack_installation');
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
  });

  it('a second start waits for the first one’s transaction and then finds nothing to encrypt', async () => {
    const teams = Array.from({ length: 5 }, (_, i) => `T0WAIT${i}`);
    for (const team of teams) await storePlain(one, installationOf(team));
    const keys = testKeys();

    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let sealedByFirst!: () => void;
    const firstSealed = new Promise<void>((resolve) => (sealedByFirst = resolve));
    const first = one.transactionScript(async (tx) => {
      const n = await sealPlainInstallations(tx, keys.current);
      sealedByFirst();
      await held;
      return n;
    });
    await firstSealed;
    let secondDone = false;
    const second = sealPlainInstallationsNow(two, keys.current).finally(() => (secondDone = true));
    await new Promise((r) => setTimeout(r, 400));
    expect(secondDone).toBe(false);
    release();
    expect(await first).toBe(5);
    expect(await second).toBe(0);
    for (const team of teams) expect(await databaseInstallationStore(one, ONLY(keys)).fetchInstallation(query(team))).toEqual(installationOf(team));
  });

  it('two starts at once encrypt each row once between them', async () => {
    const teams = Array.from({ length: 40 }, (_, i) => `T0BOTH${String(i).padStart(2, '0')}`);
    for (const team of teams) await storePlain(one, installationOf(team));
    const keys = testKeys();
    const counts = await Promise.all([sealPlainInstallationsNow(one, keys.current), sealPlainInstallationsNow(two, keys.current)]);
    expect(counts[0] + counts[1]).toBe(teams.length);
    for (const team of teams) expect(await databaseInstallationStore(two, ONLY(keys)).fetchInstallation(query(team))).toEqual(installationOf(team));
  });
});
