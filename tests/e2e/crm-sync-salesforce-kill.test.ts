/**
 * Issue 13: `pacer sync` of a Salesforce source killed (SIGKILL) in the middle of a page and run
 * again loses and doubles nothing: the checkpoint only ever covers stored records, and records read
 * again are duplicates. A real process on PostgreSQL, against the local Salesforce in 1,000-record
 * query batches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrator.js';
import { listSources, readCheckpoints } from '../../src/db/sync-repo.js';
import type { LocalSalesforce } from '../../src/local-crm/salesforce/index.js';
import { createPostgresDatabase } from '../helpers/db.js';
import { applyDocument, storedEvents } from '../helpers/hubspot.js';
import { run } from '../helpers/process.js';
import { SF_CLIENT_ID, SF_CLIENT_SECRET, SF_REFRESH_TOKEN, salesforceSource, startTestSalesforce } from '../helpers/salesforce.js';

const NOW = '2026-11-23T12:00:00Z';
const OPPORTUNITIES = 2500;
const FIRST = Date.parse('2026-11-16T15:00:00Z');

describe('pacer sync of Salesforce killed mid-page', () => {
  let databaseUrl: string;
  let db: Database;
  let sf: LocalSalesforce;
  let workspaceId: number;

  beforeAll(async () => {
    databaseUrl = await createPostgresDatabase();
    db = await openDatabase({ databaseUrl, maxConnections: 2 });
    await migrate(db);
    // The process under test runs on the system clock: so does this server.
    sf = await startTestSalesforce({ now: () => Date.now() }, { queryBatch: 1000 });
    const anna = sf.state.addUser({ email: 'anna@x.com', name: 'Anna', timeZone: 'UTC' }, Date.parse('2026-10-01T00:00:00Z'));
    sf.state.setStages(
      [
        { apiName: 'Discovery', label: 'Discovery' },
        { apiName: 'Closed Won', label: 'Closed Won', closed: 'won' },
      ],
      Date.parse('2026-10-01T00:00:00Z'),
    );
    // An opportunity a second, so the 5-minute overlap before a checkpoint holds 300 of them.
    for (let i = 0; i < OPPORTUNITIES; i += 1) {
      sf.state.insert('Opportunity', { Name: `Deal ${i}`, OwnerId: anna, Amount: 1000, StageName: 'Discovery', CloseDate: '2026-12-31' }, FIRST + i * 1000);
    }
    workspaceId = await applyDocument(db, {
      workspace: { id: 'T0KILLSF', currency: 'USD' },
      teams: [{ name: 'Central', timezone: 'UTC', pipelineStages: ['discovery'], focus: ['cadence.call'], members: [{ email: 'anna@x.com', name: 'Anna' }] }],
      sources: [salesforceSource(sf.url)],
      sync: { since: '2026-11-01' },
    });
  });
  afterAll(async () => {
    await sf?.close();
    await db?.close();
  });

  const env = () => ({ DATABASE_URL: databaseUrl, SF_CLIENT_ID, SF_CLIENT_SECRET, SF_REFRESH_TOKEN, PACER_NOW: NOW, LOG_LEVEL: 'warn' });
  const storedOpportunities = async () => (await storedEvents(db, workspaceId)).filter((e) => e.type === 'opportunity_created').map((e) => e.id);

  it('restarts from the last stored page and ends with every opportunity once', { timeout: 180_000 }, async () => {
    // Each page of 1,000 reads its stage history in five queries of 200 ids. The second page's
    // second history query comes after its opportunities were read and before they are stored.
    let historyQueries = 0;
    const killed = new Promise<void>((resolve) => {
      sf.onRequest(({ soql }) => {
        if (!soql?.includes('FROM OpportunityHistory')) return;
        historyQueries += 1;
        if (historyQueries === 7) {
          first.child.kill('SIGKILL');
          resolve();
        }
      });
    });
    const first = run(['src/cli/index.ts', 'sync'], env());
    await killed;
    expect(await first.exited).toBeNull();
    sf.onRequest(null);

    const sourceId = (await listSources(db, { workspaceId }))[0]!.id;
    expect(await storedOpportunities()).toHaveLength(1000);
    expect(Number((await readCheckpoints(db, sourceId)).get('opportunities'))).toBe(FIRST + 999 * 1000);

    const second = run(['src/cli/index.ts', 'sync'], env());
    expect(await second.exited, second.output()).toBe(0);
    const opportunities = await storedOpportunities();
    expect(opportunities).toHaveLength(OPPORTUNITIES);
    expect(new Set(opportunities).size).toBe(OPPORTUNITIES);
    // The restart read from the checkpoint (less its overlap), not from the start: the 1,500
    // opportunities not stored yet were accepted (with their stage entry), the 300 of the overlap
    // were duplicates.
    expect(second.output()).toMatch(/opportunities\s+read 1,800, accepted 3,000, duplicates 600, unmatched 0, rejected 0/);
  });
});
