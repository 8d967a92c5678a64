import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv, type Env } from '../../src/config/env.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrator.js';
import { databaseInstallationStore } from '../../src/db/slack-installations.js';
import { startRuntime } from '../../src/server-runtime.js';
import { createPostgresDatabase } from '../helpers/db.js';
import { freePort } from '../helpers/postgres-server.js';
import { run, STACK_LINE } from '../helpers/process.js';
import { capturingLogger, credentialsOf, installationOf, newKeyText, query, rawRows, storePlain, testKeys } from '../helpers/secrets.js';

const OAUTH_ENV = { SLACK_CLIENT_ID: '1.2', SLACK_CLIENT_SECRET: 'client-secret-e2e', SLACK_STATE_SECRET: 'state-secret-e2e', SLACK_SIGNING_SECRET: 'signing-secret-e2e' };

describe('secrets at rest, in running processes', () => {
  let url: string;
  let db: Database;
  beforeAll(async () => {
    url = await createPostgresDatabase();
    db = await openDatabase({ databaseUrl: url, maxConnections: 2 });
    await migrate(db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('OAuth mode refuses to start without PACER_ENCRYPTION_KEY: one message, exit 1', async () => {
    const server = run(['src/main.ts'], { ...OAUTH_ENV, DATABASE_URL: url, PORT: String(await freePort()), PACER_CONFIG: '' });
    expect(await server.exited).toBe(1);
    expect(server.output()).toBe(
      'Pacer cannot start:\n' +
        "  - multi-workspace OAuth mode needs PACER_ENCRYPTION_KEY: it encrypts the Slack tokens each workspace's install stores in the database; " +
        'generate one with `openssl rand -base64 32`, keep it in your secret store and set it on every Pacer process\n',
    );
    expect(server.output()).not.toMatch(STACK_LINE);
  });

  it('two servers starting together on one PostgreSQL encrypt the plain rows once between them', async () => {
    const teams = Array.from({ length: 30 }, (_, i) => `T0START${String(i).padStart(2, '0')}`);
    for (const team of teams) await storePlain(db, installationOf(team));
    const key = newKeyText();
    const dir = await mkdtemp(path.join(tmpdir(), 'pacer-secrets-'));
    const env: Env = {
      ...loadEnv({ DATABASE_URL: url, PORT: '0', HOST: '127.0.0.1', PACER_SCHEDULER: 'off', PACER_ENCRYPTION_KEY: key }),
      configPath: path.join(dir, 'none.yaml'),
    };
    const logs = [capturingLogger(), capturingLogger()];
    const runtimes = await Promise.all(logs.map((l) => startRuntime(env, l.logger)));
    await Promise.all(runtimes.map((r) => r.stop()));

    const encrypted = logs.flatMap((l) => l.lines()).filter((l) => l.msg.startsWith('encrypted the tokens of'));
    expect(encrypted.map((l) => l.msg)).toEqual(['encrypted the tokens of 30 stored Slack installations under PACER_ENCRYPTION_KEY']);
    const rows = await rawRows(db);
    expect(rows.map((r) => r.keyId)).toEqual(teams.map(() => testKeys(key).current.id));
    for (const [i, team] of teams.entries()) {
      for (const secret of credentialsOf(installationOf(team))) expect(rows[i]!.text).not.toContain(secret);
      expect(await databaseInstallationStore(db, testKeys(key)).fetchInstallation(query(team))).toEqual(installationOf(team));
    }
    await db.query('DELETE FROM slack_installation');
  });

  it('`secrets rotate` moves every row to the new key, once; a row under an unknown key stops it', async () => {
    const oldKey = newKeyText();
    const newKey = newKeyText();
    await databaseInstallationStore(db, testKeys(oldKey)).storeInstallation(installationOf('T0CLI1'));
    await databaseInstallationStore(db, testKeys(oldKey)).storeInstallation(installationOf('T0CLI2'));
    await storePlain(db, installationOf('T0CLI3'));
    const newId = testKeys(newKey).current.id;
    const env = { DATABASE_URL: url, PACER_ENCRYPTION_KEY: newKey, PACER_ENCRYPTION_KEY_PREVIOUS: oldKey };

    const rotate = run(['src/cli/index.ts', 'secrets', 'rotate'], env);
    expect(await rotate.exited).toBe(0);
    expect(rotate.output()).toBe(
      `encrypted 3 Slack installations under PACER_ENCRYPTION_KEY (key id ${newId}): 2 from PACER_ENCRYPTION_KEY_PREVIOUS, 1 stored unencrypted; 0 Slack installations already under it\n`,
    );
    expect((await rawRows(db)).map((r) => r.keyId)).toEqual([newId, newId, newId]);
    for (const team of ['T0CLI1', 'T0CLI2', 'T0CLI3']) {
      expect(await databaseInstallationStore(db, testKeys(newKey)).fetchInstallation(query(team))).toEqual(installationOf(team));
    }

    const again = run(['src/cli/index.ts', 'secrets', 'rotate'], env);
    expect(await again.exited).toBe(0);
    expect(again.output()).toBe(`nothing to re-encrypt; 3 Slack installations already under PACER_ENCRYPTION_KEY (key id ${newId})\n`);

    // Rotating on to a third key without naming the second as previous: nothing changes.
    const before = await rawRows(db);
    const lost = run(['src/cli/index.ts', 'secrets', 'rotate'], { DATABASE_URL: url, PACER_ENCRYPTION_KEY: newKeyText() });
    expect(await lost.exited).toBe(1);
    expect(lost.output()).toMatch(/^The Slack installation of workspace T0CLI1 is encrypted under key id [0-9a-f]{8}, which this process does not have \(PACER_ENCRYPTION_KEY has id [0-9a-f]{8}\)\./);
    expect(lost.output()).not.toMatch(STACK_LINE);
    expect(await rawRows(db)).toEqual(before);

    const keyless = run(['src/cli/index.ts', 'secrets', 'rotate'], { DATABASE_URL: url });
    expect(await keyless.exited).toBe(1);
    expect(keyless.output()).toBe('PACER_ENCRYPTION_KEY is not set: set it to the new key (generate one with `openssl rand -base64 32`) and PACER_ENCRYPTION_KEY_PREVIOUS to the key being replaced\n');
    await db.query('DELETE FROM slack_installation');
  });
});
