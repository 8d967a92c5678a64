/**
 * Issue 13: the reports after a Salesforce sync equal the reports of the same data sent as events
 * through the API. The demo generator's org is written into the local Salesforce as an org would
 * hold it; one workspace syncs it, another receives the generator's own events through POST
 * /api/v1/events (with Salesforce's ids and record pages, and without the proposals Salesforce has
 * no record for). Every team report must be the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/db/api-keys.js';
import type { Database } from '../../src/db/client.js';
import type { EventInput } from '../../src/ingest/event-schema.js';
import { SEED_DEMO_SUBJECT, seedSalesforce, type LocalSalesforce, type SalesforceSeedResult } from '../../src/local-crm/salesforce/index.js';
import { teamReport } from '../../src/reports/build-report.js';
import { orgEvents } from '../../src/seed/events.js';
import { buildOrg, seedConfigDocument } from '../../src/seed/org.js';
import type { SeedOrg } from '../../src/seed/types.js';
import { createTestDatabase } from '../helpers/db.js';
import { postJson, startTestServer, type TestServer } from '../helpers/http.js';
import { applyDocument, syncNamed } from '../helpers/hubspot.js';
import { salesforceSource, salesforceSyncDeps, startTestSalesforce, wallClock } from '../helpers/salesforce.js';

const END = new Date('2026-11-23T12:00:00Z');

/**
 * The generator's event as Salesforce would show it: its lead and opportunity by Salesforce id,
 * their Lightning pages, and a touch under its Task's or Event's id (`salesforce:task:00T…`:
 * alert keys carry it).
 */
function asInSalesforce(e: EventInput, seeded: SalesforceSeedResult, instanceUrl: string): EventInput | null {
  if (e.type === 'proposal_sent') return null;
  const { leadId, dealId, url, ...rest } = e;
  const activity = seeded.activities.get(e.id);
  if (activity !== undefined) rest.id = `salesforce:${activity}`;
  const lead = leadId === undefined ? undefined : seeded.leads.get(leadId);
  const deal = dealId === undefined ? undefined : seeded.opportunities.get(dealId);
  const page = (object: string, id: string) => `${instanceUrl}/lightning/r/${object}/${id}/view`;
  return {
    ...rest,
    ...(lead === undefined ? {} : { leadId: lead }),
    ...(deal === undefined ? {} : { dealId: deal }),
    ...(url === undefined ? {} : { url: deal !== undefined ? page('Opportunity', deal) : page('Lead', lead!) }),
  };
}

/**
 * A report with what only tells the two workspaces apart left out: alert keys name the member's
 * row id, and the synced workspace's data health lists its source (checked on its own).
 */
function comparable(report: unknown, memberIds: ReadonlyMap<number, string>): unknown {
  return JSON.parse(
    JSON.stringify(report, (key, value: unknown) => {
      if (key === 'sources') return [];
      if (key === 'key' && typeof value === 'string') return value.replace(/^([a-z_]+):(\d+):/, (_m, rule: string, id: string) => `${rule}:${memberIds.get(Number(id)) ?? id}:`);
      return value;
    }),
  ) as unknown;
}

describe('reports after a Salesforce sync', () => {
  let db: Database;
  let sf: LocalSalesforce;
  let server: TestServer;
  let org: SeedOrg;
  let seeded: SalesforceSeedResult;
  let synced: number;
  let sent: number;
  const wall = wallClock(END);

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    sf = await startTestSalesforce(wall);
    org = buildOrg({ reps: 6, weeks: 6, seed: 11, end: END, workspace: 'T0SYNCED' });
    seeded = seedSalesforce(sf.state, org);
    const config = seedConfigDocument(org);
    synced = await applyDocument(db, { ...config, sources: [salesforceSource(sf.url, { meetings: { demoSubjects: [SEED_DEMO_SUBJECT] } })], sync: { since: '2026-01-01' } });
    sent = await applyDocument(db, { ...config, workspace: { ...config.workspace, id: 'T0SENT' } });

    const result = await syncNamed(salesforceSyncDeps(db, { now: END, wall }), synced, 'salesforce');
    expect(result.status).toBe('ok');
    expect(result.objects.map((o) => [o.object, o.rejected, o.skipped])).toEqual([
      ['leads', 0, {}],
      ['opportunities', 0, {}],
      ['tasks', 0, {}],
      ['events', 0, {}],
    ]);

    server = await startTestServer(db, END);
    const key = (await createApiKey(db, sent, 'ingest')).key;
    const events = [...orgEvents(org)].flatMap(({ events: e }) => e.flatMap((x) => asInSalesforce(x, seeded, sf.url) ?? []));
    for (let i = 0; i < events.length; i += 5000) {
      const res = await postJson(`${server.url}/api/v1/events`, { events: events.slice(i, i + 5000) }, key);
      expect(res.body.rejected).toEqual([]);
    }
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    await sf?.close();
    await db?.close();
  });

  it('equal, team by team, the reports of the same data sent through the API', async () => {
    const members = new Map((await db.prisma.member.findMany({ select: { id: true, email: true } })).map((m) => [m.id, m.email]));
    expect(org.teams.length).toBeGreaterThan(0);
    expect(seeded.leftOut).toEqual({ proposal_sent: expect.any(Number) });
    for (const team of org.teams) {
      const fromSync = await teamReport(db, synced, team.name, END, END);
      const fromApi = await teamReport(db, sent, team.name, END, END);
      expect(fromSync.members.length).toBe(team.reps.length);
      expect(fromSync.members.flatMap((m) => m.alerts).length).toBeGreaterThan(0);
      expect(comparable(fromSync, members)).toEqual(comparable(fromApi, members));
      expect(fromSync.dataHealth.sources).toEqual([{ name: 'salesforce', lastSuccessAt: expect.any(String), error: null }]);
    }
  });
});
