import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { resolveIdentities } from '../../src/db/events-repo.js';
import { createTestDatabase } from '../helpers/db.js';

// Two batches naming the same new person at the same moment (concurrent API clients, the seed's
// batch pool): each must get the one identity, whichever statement created it.
describe('resolveIdentities under concurrency (PostgreSQL)', () => {
  let db: Database;
  let workspaceId: number;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    workspaceId = (await db.prisma.workspace.create({ data: { slackTeamId: 'TRACE' } })).id;
  });
  afterAll(() => db.close());

  it('resolves every identity when concurrent batches create the same ones', async () => {
    for (let round = 0; round < 40; round++) {
      const refs = Array.from({ length: 20 }, (_, i) => ({ kind: 'email' as const, value: `p${round}-${i}@example.com` }));
      const results = await Promise.all([0, 1, 2, 3].map((k) => resolveIdentities(db, workspaceId, k % 2 ? [...refs].reverse() : refs)));
      for (const resolved of results) {
        expect(resolved.map((r) => r.value).sort()).toEqual(refs.map((r) => r.value).sort());
      }
      const ids = results.map((resolved) => new Map(resolved.map((r) => [r.value, r.id])));
      for (const other of ids.slice(1)) expect([...other.entries()].sort()).toEqual([...ids[0]!.entries()].sort());
    }
  });
});
