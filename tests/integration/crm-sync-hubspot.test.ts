/**
 * Issue 13: HubSpot sync end to end against the local HubSpot (limits scaled down a hundredfold)
 * on real databases: what each record becomes, an incremental sync after edits and deletions,
 * the search cap, owners outside the config, a 429 storm, a revoked token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { listSources, readCheckpoints } from '../../src/db/sync-repo.js';
import type { LocalHubSpot } from '../../src/local-crm/hubspot/index.js';
import { repReport, teamReport } from '../../src/reports/build-report.js';
import type { SourceRunResult } from '../../src/sync/runner.js';
import { sourceStatusLines } from '../../src/sync/status.js';
import { startTestServer } from '../helpers/http.js';
import { createTestDatabase, DATABASE_KINDS } from '../helpers/db.js';
import { applyDocument, capturingLogger, eventVersions, HUBSPOT_TOKEN, startTestHubSpot, storedEvents, syncNamed, testSyncDeps, type StoredEvent } from '../helpers/hubspot.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const at = (s: string) => Date.parse(`2026-${s}Z`);
const iso = (s: string) => new Date(at(s)).toISOString();
const OWNERS_UPDATED = at('10-01T00:00:00');

function configDoc(apiUrl: string, extraMembers: object[] = []) {
  return {
    workspace: { id: 'T0HUBSPOT', currency: 'USD' },
    teams: [
      {
        name: 'Central',
        timezone: 'America/Chicago',
        pipelineStages: ['discovery', 'demo', 'proposal'],
        focus: ['cadence.call'],
        members: [{ email: 'boss@x.com', name: 'Boss', role: 'manager' }, { email: 'anna@x.com', name: 'Anna' }, { email: 'ben@x.com', name: 'Ben' }, ...extraMembers],
      },
    ],
    sources: [{ kind: 'hubspot', token: 'env:HUBSPOT_TOKEN', apiUrl, stages: { appointmentscheduled: 'discovery' }, meetings: { demoTypes: ['Demo'] } }],
  };
}

/** The CRM of the tests: two reps and an owner Pacer does not know, a pipeline mapped and one not. */
function buildCrm(hs: LocalHubSpot) {
  const s = hs.state;
  s.owners.push(
    { id: '701', email: 'anna@x.com', firstName: 'Anna', updatedAt: OWNERS_UPDATED },
    { id: '702', email: 'Ben@X.com', firstName: 'Ben', updatedAt: OWNERS_UPDATED },
    { id: '703', email: 'zed@x.com', firstName: 'Zed', updatedAt: OWNERS_UPDATED },
  );
  s.pipelines = [
    {
      id: 'default',
      label: 'Sales pipeline',
      stages: [
        { id: 'appointmentscheduled', label: 'Appointment scheduled' },
        { id: 'qualifiedtobuy', label: 'Qualified to buy' },
        { id: 'demo1', label: 'Demo' },
        { id: 'proposal1', label: 'Proposal' },
        { id: 'closedwon', label: 'Closed won', closed: 'won' },
        { id: 'closedlost', label: 'Closed lost', closed: 'lost' },
      ],
    },
    {
      id: 'renewals',
      label: 'Renewals',
      stages: [
        { id: 'r1', label: 'Renewal due' },
        { id: 'r9', label: 'Renewed', closed: 'won' },
      ],
    },
  ];
  const c1 = s.upsert(
    'contacts',
    null,
    {
      firstname: 'Jo',
      lastname: 'Park',
      company: 'Acme Logistics',
      hubspot_owner_id: '701',
      hubspot_owner_assigneddate: iso('11-02T16:00:00'),
      hs_analytics_source: 'ORGANIC_SEARCH',
      lifecyclestage: 'lead',
    },
    at('11-02T16:00:00'),
  );
  s.upsert('contacts', c1, { lifecyclestage: 'salesqualifiedlead' }, at('11-03T16:00:00'));
  s.upsert('contacts', c1, { lifecyclestage: 'opportunity' }, at('11-04T16:00:00'));
  const c2 = s.upsert(
    'contacts',
    null,
    { firstname: 'Sam', lastname: 'Novak', company: 'Harbor Foods', hubspot_owner_id: '702', hubspot_owner_assigneddate: iso('11-02T17:00:00'), hs_analytics_source: 'OFFLINE', hs_lead_status: 'NEW' },
    at('11-02T17:00:00'),
  );
  s.upsert('contacts', c2, { hs_lead_status: 'UNQUALIFIED' }, at('11-04T17:00:00'));
  const c3 = s.upsert(
    'contacts',
    null,
    { firstname: 'Mei', lastname: 'Rao', hubspot_owner_id: '703', hubspot_owner_assigneddate: iso('11-05T15:00:00'), hs_analytics_source: 'PAID_SEARCH' },
    at('11-05T15:00:00'),
  );
  s.upsert('contacts', null, { firstname: 'No', lastname: 'Owner' }, at('11-05T15:00:00'));

  const acme = s.upsert('companies', null, { name: 'Acme Logistics' }, at('11-01T10:00:00'));
  const d1 = s.upsert('deals', null, { dealname: 'Acme Logistics — 40 seats', amount: '10000', pipeline: 'default', dealstage: 'appointmentscheduled', hubspot_owner_id: '701' }, at('11-03T18:00:00'));
  s.associate('deals', d1, 'companies', acme);
  s.associate('deals', d1, 'contacts', c1);
  s.upsert('deals', d1, { dealstage: 'qualifiedtobuy' }, at('11-04T18:00:00'));
  s.upsert('deals', d1, { dealstage: 'demo1' }, at('11-05T18:00:00'));
  s.upsert('deals', d1, { dealstage: 'proposal1' }, at('11-09T18:00:00'));
  s.upsert('deals', d1, { dealstage: 'closedwon', amount: '12000' }, at('11-12T18:00:00'));
  const d2 = s.upsert('deals', null, { dealname: 'Harbor pilot', pipeline: 'default', dealstage: 'appointmentscheduled', hubspot_owner_id: '702' }, at('11-04T19:00:00'));
  s.upsert('deals', d2, { dealstage: 'closedlost' }, at('11-10T19:00:00'));
  const d3 = s.upsert('deals', null, { dealname: 'Renewal', amount: '500', pipeline: 'renewals', dealstage: 'r1', hubspot_owner_id: '701' }, at('11-06T19:00:00'));
  const d4 = s.upsert('deals', null, { dealname: 'Nobody’s', amount: '1', pipeline: 'default', dealstage: 'demo1' }, at('11-06T19:00:00'));

  const k1 = s.upsert('calls', null, { hs_timestamp: iso('11-03T15:30:00'), hubspot_owner_id: '701' }, at('11-03T15:31:00'));
  s.associate('calls', k1, 'contacts', c1);
  const k2 = s.upsert('calls', null, { hs_timestamp: iso('11-05T16:00:00'), hubspot_owner_id: '703' }, at('11-05T16:01:00'));
  const k3 = s.upsert('calls', null, { hs_timestamp: iso('11-06T16:00:00'), hubspot_owner_id: '701' }, at('11-06T16:01:00'));
  s.associate('calls', k3, 'deals', d1);
  s.associate('calls', k3, 'contacts', c1);
  const k4 = s.upsert('calls', null, { hubspot_owner_id: '701' }, at('11-06T17:00:00'));
  const e1 = s.upsert('emails', null, { hs_timestamp: iso('11-04T15:00:00'), hubspot_owner_id: '702', hs_email_direction: 'EMAIL' }, at('11-04T15:00:00'));
  s.associate('emails', e1, 'contacts', c2);
  const e2 = s.upsert('emails', null, { hs_timestamp: iso('11-04T16:00:00'), hubspot_owner_id: '702', hs_email_direction: 'INCOMING_EMAIL' }, at('11-04T16:00:00'));
  const m1 = s.upsert(
    'meetings',
    null,
    { hs_timestamp: iso('11-05T14:00:00'), hs_meeting_start_time: iso('11-05T15:00:00'), hubspot_owner_id: '701', hs_activity_type: 'Demo', hs_meeting_outcome: 'COMPLETED' },
    at('11-05T16:00:00'),
  );
  s.associate('meetings', m1, 'deals', d1);
  const m2 = s.upsert('meetings', null, { hs_timestamp: iso('11-06T15:00:00'), hubspot_owner_id: '702', hs_meeting_outcome: 'CANCELED' }, at('11-06T15:00:00'));
  const m3 = s.upsert('meetings', null, { hs_timestamp: iso('11-07T15:00:00'), hubspot_owner_id: '702', hs_activity_type: 'Sales meeting', hs_meeting_outcome: 'COMPLETED' }, at('11-07T15:00:00'));
  return { c1, c2, c3, d1, d2, d3, d4, k1, k2, k3, k4, e1, e2, m1, m2, m3 };
}

type Ids = ReturnType<typeof buildCrm>;

const none = { leadId: null, dealId: null, amount: null, stage: null, leadSource: null, dealName: null, leadName: null, accountName: null, url: null };

/** What the first sync must store: the mapping, worked out from the CRM above. */
function expectedFirst(ids: Ids, portal: number): StoredEvent[] {
  const dealUrl = (id: string) => `https://app.hubspot.com/contacts/${portal}/record/0-3/${id}`;
  const contactUrl = (id: string) => `https://app.hubspot.com/contacts/${portal}/record/0-1/${id}`;
  const d1 = { dealId: ids.d1, dealName: 'Acme Logistics — 40 seats', accountName: 'Acme Logistics', url: dealUrl(ids.d1), rep: 'email:anna@x.com' };
  const d2 = { dealId: ids.d2, dealName: 'Harbor pilot', url: dealUrl(ids.d2), rep: 'email:ben@x.com' };
  const c1 = { leadId: ids.c1, leadName: 'Jo Park', accountName: 'Acme Logistics', url: contactUrl(ids.c1), rep: 'email:anna@x.com' };
  const c2 = { leadId: ids.c2, leadName: 'Sam Novak', accountName: 'Harbor Foods', url: contactUrl(ids.c2), rep: 'email:ben@x.com' };
  const c3 = { leadId: ids.c3, leadName: 'Mei Rao', url: contactUrl(ids.c3), rep: 'email:zed@x.com' };
  const events: StoredEvent[] = [
    { ...none, ...c1, id: `hubspot:contact:${ids.c1}:assigned`, type: 'lead_assigned', occurredAt: iso('11-02T16:00:00'), leadSource: 'inbound' },
    // Sales-qualified, then opportunity: qualified when it first reached a qualified stage.
    { ...none, ...c1, id: `hubspot:contact:${ids.c1}:qualified`, type: 'lead_qualified', occurredAt: iso('11-03T16:00:00') },
    { ...none, ...c2, id: `hubspot:contact:${ids.c2}:assigned`, type: 'lead_assigned', occurredAt: iso('11-02T17:00:00'), leadSource: 'outbound' },
    { ...none, ...c2, id: `hubspot:contact:${ids.c2}:disqualified`, type: 'lead_disqualified', occurredAt: iso('11-04T17:00:00') },
    { ...none, ...c3, id: `hubspot:contact:${ids.c3}:assigned`, type: 'lead_assigned', occurredAt: iso('11-05T15:00:00'), leadSource: 'inbound' },
    { ...none, ...d1, id: `hubspot:deal:${ids.d1}:created`, type: 'opportunity_created', occurredAt: iso('11-03T18:00:00'), amount: 10000, leadId: ids.c1 },
    { ...none, ...d1, id: `hubspot:deal:${ids.d1}:stage:discovery`, type: 'stage_changed', occurredAt: iso('11-03T18:00:00'), stage: 'discovery' },
    { ...none, ...d1, id: `hubspot:deal:${ids.d1}:stage:demo`, type: 'stage_changed', occurredAt: iso('11-05T18:00:00'), stage: 'demo' },
    { ...none, ...d1, id: `hubspot:deal:${ids.d1}:stage:proposal`, type: 'stage_changed', occurredAt: iso('11-09T18:00:00'), stage: 'proposal' },
    { ...none, ...d1, id: `hubspot:deal:${ids.d1}:won`, type: 'deal_won', occurredAt: iso('11-12T18:00:00'), amount: 12000 },
    { ...none, ...d2, id: `hubspot:deal:${ids.d2}:created`, type: 'opportunity_created', occurredAt: iso('11-04T19:00:00'), amount: 0 },
    { ...none, ...d2, id: `hubspot:deal:${ids.d2}:stage:discovery`, type: 'stage_changed', occurredAt: iso('11-04T19:00:00'), stage: 'discovery' },
    { ...none, ...d2, id: `hubspot:deal:${ids.d2}:lost`, type: 'deal_lost', occurredAt: iso('11-10T19:00:00') },
    { ...none, id: `hubspot:call:${ids.k1}`, type: 'call', occurredAt: iso('11-03T15:30:00'), rep: 'email:anna@x.com', leadId: ids.c1 },
    { ...none, id: `hubspot:call:${ids.k2}`, type: 'call', occurredAt: iso('11-05T16:00:00'), rep: 'email:zed@x.com' },
    { ...none, id: `hubspot:call:${ids.k3}`, type: 'call', occurredAt: iso('11-06T16:00:00'), rep: 'email:anna@x.com', leadId: ids.c1, dealId: ids.d1 },
    { ...none, id: `hubspot:email:${ids.e1}`, type: 'email', occurredAt: iso('11-04T15:00:00'), rep: 'email:ben@x.com', leadId: ids.c2 },
    { ...none, id: `hubspot:meeting:${ids.m1}`, type: 'demo', occurredAt: iso('11-05T15:00:00'), rep: 'email:anna@x.com', dealId: ids.d1 },
    { ...none, id: `hubspot:meeting:${ids.m3}`, type: 'meeting', occurredAt: iso('11-07T15:00:00'), rep: 'email:ben@x.com' },
  ];
  return events.sort((a, b) => (a.id < b.id ? -1 : 1));
}

const byObject = (r: SourceRunResult, object: string) => r.objects.find((o) => o.object === object)!;

describe.each(DATABASE_KINDS)('HubSpot sync on %s', (kind) => {
  let db: Database;
  let hs: LocalHubSpot;
  let ids: Ids;
  let workspaceId: number;
  /** A call made after the incremental sync, seen only by the dry run. */
  let unsynced: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    hs = await startTestHubSpot();
    ids = buildCrm(hs);
    workspaceId = await applyDocument(db, configDoc(hs.url));
  });
  afterAll(async () => {
    await hs?.close();
    await db?.close();
  });

  it('a full sync stores each record as the mapping says, counts what it skipped and rejected, and moves the checkpoints', async () => {
    const deps = testSyncDeps(db, { now: NOW });
    const result = await syncNamed(deps, workspaceId);
    expect(result).toMatchObject({ status: 'ok', error: null });
    expect(await storedEvents(db, workspaceId)).toEqual(expectedFirst(ids, hs.portalId));
    expect(byObject(result, 'contacts')).toMatchObject({ read: 3, accepted: 5, unmatched: 1, rejected: 0 });
    expect(byObject(result, 'deals')).toMatchObject({
      read: 4,
      accepted: 8,
      rejected: 1,
      rejections: [{ id: `hubspot:deal:${ids.d4}`, reason: 'no owner (hubspot_owner_id is empty)' }],
      skipped: { 'pipeline "Renewals" has no stage mapped to a team\'s pipeline': 1 },
    });
    expect(byObject(result, 'calls')).toMatchObject({ read: 4, accepted: 3, unmatched: 1, rejected: 1, rejections: [{ id: `hubspot:call:${ids.k4}`, reason: 'bad date in hs_timestamp: null' }] });
    expect(byObject(result, 'emails')).toMatchObject({ read: 2, accepted: 1, skipped: { 'incoming email (not a rep’s touch)': 1 } });
    expect(byObject(result, 'meetings')).toMatchObject({ read: 3, accepted: 2, skipped: { 'meeting outcome CANCELED': 1 } });
    // The version is the latest modification behind the event: the deal's, its owner's, its company's.
    const versions = await eventVersions(db, workspaceId);
    expect(versions.get(`hubspot:deal:${ids.d1}:created`)).toBe(at('11-12T18:00:00'));
    expect(versions.get(`hubspot:call:${ids.k2}`)).toBe(at('11-05T16:01:00'));
    const checkpoints = await readCheckpoints(db, (await listSources(db, { workspaceId }))[0]!.id);
    expect(checkpoints.get('deals')).toBe(String(at('11-12T18:00:00')));
    expect(checkpoints.get('calls')).toBe(String(at('11-06T17:00:00')));
    const [row] = await listSources(db, { workspaceId });
    expect(row).toMatchObject({ lastSuccessAt: NOW, lastError: null, failingSince: null });
  });

  it('syncing again reads only the overlap before the checkpoints and stores nothing twice', async () => {
    const deps = testSyncDeps(db, { now: new Date(NOW.getTime() + 60_000) });
    const before = await storedEvents(db, workspaceId);
    const result = await syncNamed(deps, workspaceId);
    expect(result.status).toBe('ok');
    expect(await storedEvents(db, workspaceId)).toEqual(before);
    // Each object's checkpoint is its latest modification: only the records of the 5 minutes before it are read again.
    expect(result.objects.map((o) => [o.object, o.read, o.accepted])).toEqual([
      ['contacts', 1, 0],
      ['deals', 1, 0],
      ['calls', 1, 0],
      ['emails', 1, 0],
      ['meetings', 1, 0],
    ]);
    expect(byObject(result, 'deals').duplicates).toBe(5);
  });

  it('an incremental sync takes edits (a higher version replaces), undone stages and wins, and deletions', async () => {
    const s = hs.state;
    const edit = at('11-20T10:00:00');
    s.upsert('deals', ids.d1, { dealname: 'Acme Logistics — 60 seats' }, edit);
    // Reopened: no longer lost, now in the demo stage.
    s.upsert('deals', ids.d2, { dealstage: 'demo1' }, edit + 1);
    s.upsert('contacts', ids.c2, { hs_lead_status: 'OPEN' }, edit + 2);
    s.upsert('calls', ids.k3, { hs_timestamp: iso('11-07T16:00:00') }, edit + 3);
    s.archive('calls', ids.k1, edit + 4);
    s.archive('deals', ids.d3, edit + 5);
    const k5 = s.upsert('calls', null, { hs_timestamp: iso('11-19T16:00:00'), hubspot_owner_id: '702' }, edit + 6);

    const deps = testSyncDeps(db, { now: new Date('2026-11-20T12:00:00Z') });
    const result = await syncNamed(deps, workspaceId);
    expect(result.status).toBe('ok');
    const first = expectedFirst(ids, hs.portalId);
    const renamed = first
      .filter((e) => e.id !== `hubspot:deal:${ids.d2}:lost` && e.id !== `hubspot:contact:${ids.c2}:disqualified` && e.id !== `hubspot:call:${ids.k1}`)
      .map((e) => (e.dealId === ids.d1 && e.id.startsWith('hubspot:deal:') ? { ...e, dealName: 'Acme Logistics — 60 seats' } : e))
      .map((e) => (e.id === `hubspot:call:${ids.k3}` ? { ...e, occurredAt: iso('11-07T16:00:00') } : e));
    const expected = [
      ...renamed,
      {
        ...none,
        id: `hubspot:deal:${ids.d2}:stage:demo`,
        type: 'stage_changed',
        occurredAt: new Date(edit + 1).toISOString(),
        stage: 'demo',
        dealId: ids.d2,
        dealName: 'Harbor pilot',
        url: `https://app.hubspot.com/contacts/${hs.portalId}/record/0-3/${ids.d2}`,
        rep: 'email:ben@x.com',
      },
      { ...none, id: `hubspot:call:${k5}`, type: 'call', occurredAt: iso('11-19T16:00:00'), rep: 'email:ben@x.com' },
    ].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(await storedEvents(db, workspaceId)).toEqual(expected);
    expect(byObject(result, 'deals')).toMatchObject({ updated: 5, removed: 1, deletedRecords: 1 });
    expect(byObject(result, 'contacts')).toMatchObject({ removed: 1 });
    expect(byObject(result, 'calls')).toMatchObject({ updated: 1, removed: 1, deletedRecords: 1 });
    expect((await eventVersions(db, workspaceId)).get(`hubspot:deal:${ids.d1}:won`)).toBe(edit);
  });

  it('a dry run reads and maps but stores nothing and moves no checkpoint', async () => {
    const sourceId = (await listSources(db, { workspaceId }))[0]!.id;
    const before = { events: await storedEvents(db, workspaceId), checkpoints: await readCheckpoints(db, sourceId), row: (await listSources(db, { workspaceId }))[0] };
    unsynced = hs.state.upsert('calls', null, { hs_timestamp: iso('11-21T16:00:00'), hubspot_owner_id: '701' }, at('11-21T16:00:00'));
    const result = await syncNamed(testSyncDeps(db, { now: new Date('2026-11-22T12:00:00Z') }), workspaceId, 'hubspot', { dryRun: true });
    expect(result.status).toBe('dry-run');
    // The new call, and the two of the incremental sync within the overlap before the checkpoint.
    expect(byObject(result, 'calls')).toMatchObject({ read: 3, events: 3, accepted: 0 });
    expect(await storedEvents(db, workspaceId)).toEqual(before.events);
    expect(await readCheckpoints(db, sourceId)).toEqual(before.checkpoints);
    expect((await listSources(db, { workspaceId }))[0]).toEqual(before.row);
  });

  it('events of owners not in the config are unmatched, and credited once the person is added', async () => {
    const zed = () => db.prisma.identity.findFirst({ where: { workspaceId, kind: 'email', value: 'zed@x.com' } });
    expect((await zed())?.memberId).toBeNull();
    await applyDocument(db, configDoc(hs.url, [{ email: 'zed@x.com', name: 'Zed' }]));
    expect((await zed())?.memberId).not.toBeNull();
    const report = await repReport(db, workspaceId, 'zed@x.com', new Date('2026-11-23T12:00:00Z'));
    // Zed's one call and one lead, synced while Zed was unknown, now count as Zed's.
    const team = await teamReport(db, workspaceId, 'Central', new Date('2026-11-23T12:00:00Z'));
    expect(team.members.find((m) => m.rep.email === 'zed@x.com')).toBeDefined();
    expect(report.rep.email).toBe('zed@x.com');
    const counted = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM activity_event e JOIN identity i ON i.id = e.identity_id JOIN member m ON m.id = i.member_id
       WHERE e.workspace_id = $1 AND m.email = 'zed@x.com'`,
      [workspaceId],
    );
    expect(counted[0]!.n).toBe(2);
  });

  it('a full sync reads everything again and changes nothing when nothing changed', async () => {
    const before = await storedEvents(db, workspaceId);
    const result = await syncNamed(testSyncDeps(db, { now: new Date('2026-11-23T12:00:00Z') }), workspaceId, 'hubspot', { full: true });
    expect(result).toMatchObject({ status: 'ok', full: true });
    expect(byObject(result, 'calls').read).toBe(5);
    expect(result.objects.reduce((n, o) => n + o.accepted, 0)).toBe(1);
    const after = await storedEvents(db, workspaceId);
    expect(after.filter((e) => before.some((b) => b.id === e.id))).toEqual(before);
    expect(after.filter((e) => !before.some((b) => b.id === e.id)).map((e) => e.id)).toEqual([`hubspot:call:${unsynced}`]);
  });
});

describe('HubSpot sync: limits and failures', () => {
  let db: Database;
  let hs: LocalHubSpot;
  let workspaceId: number;

  beforeAll(async () => {
    db = await createTestDatabase('embedded');
    hs = await startTestHubSpot();
    buildCrm(hs);
    workspaceId = await applyDocument(db, configDoc(hs.url));
  });
  afterAll(async () => {
    await hs?.close();
    await db?.close();
  });

  it('rides out a 429 storm, waiting what Retry-After says, and stores everything once', async () => {
    // The burst limit twice (every request waits), then search's per-second limit on one search.
    hs.failNext({ status: 429, policyName: 'TEN_SECONDLY_ROLLING', retryAfterSeconds: 1 }, 2);
    hs.failNext({ status: 429, policyName: 'SECONDLY', retryAfterSeconds: 1, path: '/crm/v3/objects/calls/search' }, 1);
    hs.clearRequests();
    const started = performance.now();
    const result = await syncNamed(testSyncDeps(db, { now: NOW }), workspaceId);
    const seconds = (performance.now() - started) / 1000;
    expect(result).toMatchObject({ status: 'ok', rateLimited: 3 });
    expect(hs.requests.filter((r) => r.status === 429)).toHaveLength(3);
    expect(seconds).toBeGreaterThanOrEqual(2);
    expect((await storedEvents(db, workspaceId)).length).toBe(19);
  });

  it('stays under the limits by itself: no 429 from a server at the scaled limits', async () => {
    // Many engagements, so that the sync needs more requests than one window allows.
    for (let i = 0; i < 3000; i += 1)
      hs.state.upsert('calls', null, { hs_timestamp: new Date(at('11-15T15:00:00') + i * 1000).toISOString(), hubspot_owner_id: '701' }, at('11-15T15:00:00') + i * 1000);
    hs.clearRequests();
    const result = await syncNamed(testSyncDeps(db, { now: NOW }), workspaceId);
    expect(result).toMatchObject({ status: 'ok', rateLimited: 0 });
    expect(byObject(result, 'calls').accepted).toBe(3000);
    expect(hs.requests.every((r) => r.status === 200)).toBe(true);
  });

  it('the daily limit ends the run without calling the source failing; the next run carries on', async () => {
    hs.failNext({ status: 429, policyName: 'DAILY' });
    const result = await syncNamed(testSyncDeps(db, { now: NOW }), workspaceId);
    expect(result).toMatchObject({ status: 'failed', stopping: false });
    expect(result.error).toMatch(/daily request limit/);
    const [row] = await listSources(db, { workspaceId });
    expect(row).toMatchObject({ failingSince: null, lastError: result.error });
    expect((await teamReport(db, workspaceId, 'Central', NOW, NOW)).dataHealth.sources).toEqual([{ name: 'hubspot', lastSuccessAt: expect.any(String), error: null }]);
    expect((await syncNamed(testSyncDeps(db, { now: NOW }), workspaceId)).status).toBe('ok');
  });

  it('a revoked token stops the source and is reported through data health once per failing spell', async () => {
    const { logger, lines } = capturingLogger();
    expect((await syncNamed(testSyncDeps(db, { now: NOW }), workspaceId)).status).toBe('ok');
    hs.revokeToken();
    const failedAt = new Date(NOW.getTime() + 10 * 60_000);
    const first = await syncNamed(testSyncDeps(db, { now: failedAt, logger }), workspaceId);
    expect(first).toMatchObject({ status: 'failed', stopping: true });
    expect(first.error).toMatch(/^HubSpot refused the token \(INVALID_AUTHENTICATION\): Authentication credentials not found/);
    const second = await syncNamed(testSyncDeps(db, { now: new Date(failedAt.getTime() + 10 * 60_000), logger }), workspaceId);
    expect(second.status).toBe('failed');
    const reported = lines().filter((l) => l.msg === 'source failing: it stays stopped until this is fixed (reported through data health)');
    expect(reported).toHaveLength(1);
    expect(JSON.stringify(lines())).not.toContain(HUBSPOT_TOKEN);
    const [row] = await listSources(db, { workspaceId });
    expect(row!.failingSince).toEqual(failedAt);
    const health = (await teamReport(db, workspaceId, 'Central', failedAt, failedAt)).dataHealth;
    expect(health).toMatchObject({ stale: true, reason: 'source_error', sources: [{ name: 'hubspot', error: first.error }] });
    // /readyz says so in its body, its status unchanged; pacer status names the spell and the error.
    const server = await startTestServer(db, failedAt);
    try {
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as { dataHealth: unknown[] }).dataHealth).toEqual([
        expect.objectContaining({ workspace: 'T0HUBSPOT', stale: true, reason: 'source_error', sources: [{ name: 'hubspot', lastSuccessAt: expect.any(String), error: first.error }] }),
      ]);
    } finally {
      await server.close();
    }
    expect(sourceStatusLines(await listSources(db, { workspaceId }), new Date(failedAt.getTime() + 30 * 60_000))).toEqual([
      'CRM sources:',
      `  hubspot (hubspot, every 10 min): last success ${NOW.toISOString()} (40 min ago); FAILING since ${failedAt.toISOString()}: ${first.error}`,
    ]);

    hs.restoreToken();
    const back = await syncNamed(testSyncDeps(db, { now: new Date(failedAt.getTime() + 20 * 60_000), logger }), workspaceId);
    expect(back.status).toBe('ok');
    expect((await listSources(db, { workspaceId }))[0]).toMatchObject({ failingSince: null, lastError: null });
    expect(lines().filter((l) => l.msg === 'source recovered: syncing again')).toHaveLength(1);
  });

  it('a missing scope is a permission failure that stops the source; a missing variable too', async () => {
    hs.denyScopes(['deals']);
    const denied = await syncNamed(testSyncDeps(db, { now: NOW }), workspaceId);
    expect(denied).toMatchObject({ status: 'failed', stopping: true });
    expect(denied.error).toMatch(/^HubSpot refused the request for lack of permission \(MISSING_SCOPES\)/);
    hs.denyScopes([]);
    const unset = await syncNamed(testSyncDeps(db, { now: NOW, env: {} }), workspaceId);
    expect(unset).toMatchObject({ status: 'failed', stopping: true, error: 'environment variable HUBSPOT_TOKEN (the HubSpot private app token) is not set in this process', requests: 0 });
    expect((await syncNamed(testSyncDeps(db, { now: NOW }), workspaceId)).status).toBe('ok');
  });
});

describe('HubSpot sync: more changed records than one search query reaches', () => {
  let db: Database;
  let hs: LocalHubSpot;
  let workspaceId: number;
  // Pages of 20, a cap of 100 results per query and association reads of 50 stand for HubSpot's
  // 200, 10,000 and 1,000 (50 is not a multiple of 20: pages must still fit one association read).
  const pages = { search: 20, searchResults: 100, associations: 50 };

  beforeAll(async () => {
    db = await createTestDatabase('embedded');
    hs = await startTestHubSpot({ searchPage: pages.search, searchResults: pages.searchResults, associationsBatch: pages.associations });
    buildCrm(hs);
    workspaceId = await applyDocument(db, configDoc(hs.url));
  });
  afterAll(async () => {
    await hs?.close();
    await db?.close();
  });

  it('reads every record exactly once across time ranges, ties at a range boundary and an instant holding more than the cap', async () => {
    const base = at('11-16T15:00:00');
    const made: string[] = [];
    const call = (modified: number) => made.push(hs.state.upsert('calls', null, { hs_timestamp: new Date(modified).toISOString(), hubspot_owner_id: '702' }, modified));
    for (let i = 0; i < 90; i += 1) call(base + i * 1000);
    // 30 modified in one millisecond, straddling the end of the first query's reach (100 results).
    for (let i = 0; i < 30; i += 1) call(base + 95_000);
    for (let i = 0; i < 60; i += 1) call(base + 100_000 + i * 1000);
    // 150 in one millisecond: more than a query reaches; paged by id.
    for (let i = 0; i < 150; i += 1) call(base + 200_000);
    for (let i = 0; i < 10; i += 1) call(base + 300_000 + i * 1000);
    hs.clearRequests();
    const result = await syncNamed(testSyncDeps(db, { now: NOW, tuning: { pages } }), workspaceId);
    expect(result.status).toBe('ok');
    const calls = byObject(result, 'calls');
    // The four calls of the CRM above, then these; none read twice.
    expect(calls).toMatchObject({ read: 4 + made.length, duplicates: 0, accepted: 3 + made.length, rejected: 1 });
    const stored = new Set((await storedEvents(db, workspaceId)).map((e) => e.id));
    expect(made.filter((id) => !stored.has(`hubspot:call:${id}`))).toEqual([]);
    expect(hs.requests.filter((r) => r.status !== 200)).toEqual([]);
    const searches = hs.requests.filter((r) => r.path === '/crm/v3/objects/calls/search').length;
    // 344 records at 20 a page: 18 pages, plus a few the new ranges and the id paging repeat.
    expect(searches).toBeLessThanOrEqual(26);
  });
});

describe('HubSpot sync: a new time range leaves out the records it starts with that were read', () => {
  let db: Database;
  let hs: LocalHubSpot;
  let workspaceId: number;
  const pages = { search: 20, searchResults: 100, associations: 50 };

  beforeAll(async () => {
    db = await createTestDatabase('embedded');
    hs = await startTestHubSpot({ searchPage: pages.search, searchResults: pages.searchResults, associationsBatch: pages.associations });
    hs.state.owners.push({ id: '701', email: 'anna@x.com', updatedAt: OWNERS_UPDATED });
    workspaceId = await applyDocument(db, configDoc(hs.url));
  });
  afterAll(async () => {
    await hs?.close();
    await db?.close();
  });

  it('reads 240 calls modified at distinct instants in 12 searches of 20, none twice', async () => {
    const base = at('11-16T15:00:00');
    for (let i = 0; i < 240; i += 1) hs.state.upsert('calls', null, { hs_timestamp: new Date(base + i * 1000).toISOString(), hubspot_owner_id: '701' }, base + i * 1000);
    hs.clearRequests();
    const result = await syncNamed(testSyncDeps(db, { now: NOW, tuning: { pages } }), workspaceId);
    expect(result.status).toBe('ok');
    expect(byObject(result, 'calls')).toMatchObject({ read: 240, accepted: 240, duplicates: 0 });
    // Ranges of 100 results: 100 + 100 + 40 new records, 5 + 5 + 2 pages. Reading the range
    // boundary's call again would make the last range 41 results, 3 pages.
    expect(hs.requests.filter((r) => r.path === '/crm/v3/objects/calls/search')).toHaveLength(12);
  });
});

describe('HubSpot sync: a first sync lists deals with their history, and resumes the listing', () => {
  let db: Database;
  let hs: LocalHubSpot;
  let workspaceId: number;

  beforeAll(async () => {
    db = await createTestDatabase('embedded');
    hs = await startTestHubSpot({ associationsBatch: 50 });
    buildCrm(hs);
    // Ten companies, each with deals on every page of the listing.
    const companies = Array.from({ length: 10 }, (_, k) => hs.state.upsert('companies', null, { name: `Company ${k}` }, at('11-01T10:00:00')));
    for (let i = 0; i < 120; i += 1) {
      const t = at('11-10T15:00:00') + i * 60_000;
      const id = hs.state.upsert('deals', null, { dealname: `Bulk ${i}`, amount: '100', pipeline: 'default', dealstage: 'appointmentscheduled', hubspot_owner_id: '701' }, t);
      hs.state.upsert('deals', id, { dealstage: 'demo1' }, t + 1000);
      hs.state.associate('deals', id, 'companies', companies[i % 10]!);
    }
    workspaceId = await applyDocument(db, configDoc(hs.url));
  });
  afterAll(async () => {
    await hs?.close();
    await db?.close();
  });

  it('lists 50 deals a page with their history (no search, no history reads); a listing stopped midway resumes from its cursor', async () => {
    let listed = 0;
    hs.onRequest(({ path }) => {
      // The third page of the listing fails for good: the run stops after two stored pages.
      if (path === '/crm/v3/objects/deals' && ++listed === 3) hs.failNext({ status: 503, path }, 8);
    });
    const tuning = { pages: { associations: 50 } };
    const stopped = await syncNamed(testSyncDeps(db, { now: NOW, tuning }), workspaceId);
    expect(stopped).toMatchObject({ status: 'failed', stopping: false });
    expect(byObject(stopped, 'deals').read).toBe(100);
    const sourceId = (await listSources(db, { workspaceId }))[0]!.id;
    // The list's cursor after two pages, under the latest modification before the listing began (deal d1's).
    const t0 = at('11-12T18:00:00');
    expect((await readCheckpoints(db, sourceId)).get('deals')).toBe(`list:${t0}:100`);
    hs.onRequest(null);
    hs.clearRequests();
    const resumed = await syncNamed(testSyncDeps(db, { now: NOW, tuning }), workspaceId);
    expect(resumed.status).toBe('ok');
    // The 24 deals of the last page; the checkpoint is then where the search takes over.
    expect(byObject(resumed, 'deals').read).toBe(24);
    const stored = (await storedEvents(db, workspaceId)).filter((e) => e.type === 'opportunity_created');
    expect(stored).toHaveLength(2 + 120);
    expect(hs.requests.filter((r) => r.path === '/crm/v3/objects/deals/search' || r.path === '/crm/v3/objects/deals/batch/read')).toEqual([]);
    expect((await readCheckpoints(db, sourceId)).get('deals')).toBe(String(t0));
  });

  it('reads each company once per run, though its deals come on several pages', async () => {
    hs.clearRequests();
    const full = await syncNamed(testSyncDeps(db, { now: NOW, tuning: { pages: { associations: 50 } } }), workspaceId, 'hubspot', { full: true });
    expect(full.status).toBe('ok');
    expect(byObject(full, 'deals').read).toBe(124);
    // Three pages of deals name eleven companies (Acme and the ten): one batch read.
    expect(hs.requests.filter((r) => r.path === '/crm/v3/objects/companies/batch/read')).toHaveLength(1);
    const created = (await storedEvents(db, workspaceId)).filter((e) => e.type === 'opportunity_created' && e.dealName?.startsWith('Bulk '));
    expect(created).toHaveLength(120);
    for (const e of created) expect(e.accountName).toBe(`Company ${Number(e.dealName!.slice(5)) % 10}`);
  });
});
