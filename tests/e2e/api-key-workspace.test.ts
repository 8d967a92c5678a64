import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findOrCreateWorkspace } from '../../src/db/api-keys.js';
import { openDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrator.js';
import { run } from '../helpers/process.js';

describe('api-key create --workspace', () => {
  it('takes a Slack team id or a workspace the database holds, and refuses anything else', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pacer-keys-'));
    // A workspace whose id predates the check (created by an earlier version).
    const db = await openDatabase({ dataDir: dir });
    await migrate(db);
    await findOrCreateWorkspace(db, 'legacy-ws');
    await db.close();
    const env = { PACER_DATA_DIR: dir };

    const refused = run(['src/cli/index.ts', 'api-key', 'create', '--workspace', 'acme corp'], env);
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toBe(
      '--workspace must be a Slack team id (T and capital letters or digits, e.g. T0123ABCD; E… for an Enterprise Grid org) ' + 'or a workspace the database holds; "acme corp" is neither\n',
    );

    const enterprise = run(['src/cli/index.ts', 'api-key', 'create', '--workspace', 'E0ORG42'], env);
    expect(await enterprise.exited).toBe(0);
    expect(enterprise.output()).toContain('created workspace E0ORG42\n');
    const legacy = run(['src/cli/index.ts', 'api-key', 'create', '--workspace', 'legacy-ws', '--scope', 'read'], env);
    expect(await legacy.exited).toBe(0);
    expect(legacy.output()).not.toContain('created workspace');

    const listed = run(['src/cli/index.ts', 'api-key', 'list'], env);
    expect(await listed.exited).toBe(0);
    const workspaces = listed
      .output()
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(/\s+/)[1]);
    expect(workspaces.sort()).toEqual(['E0ORG42', 'legacy-ws']);
  });
});
