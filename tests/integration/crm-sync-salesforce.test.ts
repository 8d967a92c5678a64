/**
 * Issue 13: Salesforce sync end to end against the local Salesforce on real databases: what each
 * record becomes, an incremental sync after edits and deletions (Get Deleted, and queryAll's
 * deleted records once the checkpoint is older than Get Deleted reaches), owners outside the
 * config, a full re-sync. Limits and failures: crm-sync-salesforce-limits.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { listSources, readCheckpoints } from '../../src/db/sync-repo.js';
import type { LocalSalesforce } from '../../src/local-crm/salesforce/index.js';
import { repReport, teamReport } from '../../src/reports/build-report.js';
import type { SourceRunResult } from '../../src/sync/runner.js';
import { createTestDatabase, DATABASE_KINDS } from '../helpers/db.js';
import { applyDocument, eventVersions, storedEvents, syncNamed, type StoredEvent } from '../helpers/hubspot.js';
import { salesforceSyncDeps, startTestSalesforce, wallClock } from '../helpers/salesforce.js';
import { at, buildOrg, configDoc, iso, NOW, type Ids } from '../helpers/salesforce-org.js';

const none = { leadId: null, dealId: null, amount: null, stage: null, leadSource: null, dealName: null, leadName: null, accountName: null, url: null };
const byId = (a: StoredEvent, b: StoredEvent) => (a.id < b.id ? -1 : 1);

/** What the first sync must store: the mapping, worked out from the org of buildOrg. */
function expectedFirst(ids: Ids, url: string): StoredEvent[] {
  const page = (object: string, id: string) => `${url}/lightning/r/${object}/${id}/view`;
  const o1 = { dealId: ids.o1, dealName: 'Acme Logistics — 40 seats', accountName: 'Acme Logistics', url: page('Opportunity', ids.o1), rep: 'email:anna@x.com' };
  const o2 = { dealId: ids.o2, dealName: 'Harbor pilot', url: page('Opportunity', ids.o2), rep: 'email:ben@x.com' };
  const l1 = { leadId: ids.l1, leadName: 'Jo Park', accountName: 'Acme Logistics', url: page('Lead', ids.l1), rep: 'email:anna@x.com' };
  const l2 = { leadId: ids.l2, leadName: 'Sam Novak', accountName: 'Harbor Foods', url: page('Lead', ids.l2), rep: 'email:ben@x.com' };
  const l3 = { leadId: ids.l3, leadName: 'Mei Rao', url: page('Lead', ids.l3), rep: 'email:zed@x.com' };
  const touch = (kind: string, id: string, type: string, occurredAt: string, rep: string, extra: Partial<StoredEvent> = {}): StoredEvent => ({
    ...none,
    id: `salesforce:${kind}:${id}`,
    type,
    occurredAt,
    rep: `email:${rep}@x.com`,
    ...extra,
  });
  return [
    { ...none, ...l1, id: `salesforce:lead:${ids.l1}:assigned`, type: 'lead_assigned', occurredAt: iso('11-02T16:00:00'), leadSource: 'inbound' },
    // Qualified, then converted: qualified when it first reached a qualified status.
    { ...none, ...l1, id: `salesforce:lead:${ids.l1}:qualified`, type: 'lead_qualified', occurredAt: iso('11-03T16:00:00') },
    // Created in a queue, assigned to Ben an hour later: assigned then, by its Owner history.
    { ...none, ...l2, id: `salesforce:lead:${ids.l2}:assigned`, type: 'lead_assigned', occurredAt: iso('11-02T18:00:00'), leadSource: 'outbound' },
    { ...none, ...l2, id: `salesforce:lead:${ids.l2}:disqualified`, type: 'lead_disqualified', occurredAt: iso('11-04T17:00:00') },
    { ...none, ...l3, id: `salesforce:lead:${ids.l3}:assigned`, type: 'lead_assigned', occurredAt: iso('11-05T15:00:00'), leadSource: 'inbound' },
    { ...none, ...o1, id: `salesforce:opportunity:${ids.o1}:created`, type: 'opportunity_created', occurredAt: iso('11-03T18:00:00'), amount: 10000, leadId: ids.l1 },
    { ...none, ...o1, id: `salesforce:opportunity:${ids.o1}:stage:discovery`, type: 'stage_changed', occurredAt: iso('11-03T18:00:00'), stage: 'discovery' },
    { ...none, ...o1, id: `salesforce:opportunity:${ids.o1}:stage:demo`, type: 'stage_changed', occurredAt: iso('11-05T18:00:00'), stage: 'demo' },
    { ...none, ...o1, id: `salesforce:opportunity:${ids.o1}:stage:proposal`, type: 'stage_changed', occurredAt: iso('11-09T18:00:00'), stage: 'proposal' },
    { ...none, ...o1, id: `salesforce:opportunity:${ids.o1}:won`, type: 'deal_won', occurredAt: iso('11-12T18:00:00'), amount: 12500 },
    { ...none, ...o2, id: `salesforce:opportunity:${ids.o2}:created`, type: 'opportunity_created', occurredAt: iso('11-04T19:00:00'), amount: 0 },
    { ...none, ...o2, id: `salesforce:opportunity:${ids.o2}:stage:discovery`, type: 'stage_changed', occurredAt: iso('11-04T19:00:00'), stage: 'discovery' },
    { ...none, ...o2, id: `salesforce:opportunity:${ids.o2}:lost`, type: 'deal_lost', occurredAt: iso('11-10T19:00:00') },
    touch('task', ids.t1, 'call', iso('11-03T15:30:00'), 'anna', { leadId: ids.l1 }),
    touch('task', ids.t2, 'call', iso('11-05T16:00:00'), 'zed'),
    touch('task', ids.t3, 'call', iso('11-06T16:00:00'), 'anna', { leadId: ids.l1, dealId: ids.o1 }),
    // 2026-11-04 00:00 in Chicago (UTC−6 in November).
    touch('task', ids.t4, 'email', iso('11-04T06:00:00'), 'ben', { leadId: ids.l2 }),
    touch('task', ids.t5, 'call', iso('11-07T15:00:00'), 'ben'),
    touch('task', ids.t9, 'social_touch', iso('11-07T16:00:00'), 'ben'),
    touch('event', ids.e1, 'demo', iso('11-05T15:00:00'), 'anna', { dealId: ids.o1 }),
    touch('event', ids.e2, 'meeting', iso('11-07T15:00:00'), 'ben', { leadId: ids.l2 }),
    touch('event', ids.e4, 'demo', iso('11-10T06:00:00'), 'anna'),
  ].sort(byId);
}

const byObject = (r: SourceRunResult, object: string) => r.objects.find((o) => o.object === object)!;

describe.each(DATABASE_KINDS)('Salesforce sync on %s', (kind) => {
  let db: Database;
  let sf: LocalSalesforce;
  let ids: Ids;
  let workspaceId: number;
  const wall = wallClock(NOW);
  const deps = (now: Date) => salesforceSyncDeps(db, { now, wall });

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    sf = await startTestSalesforce(wall);
    ids = buildOrg(sf);
    workspaceId = await applyDocument(db, configDoc(sf.url));
  });
  afterAll(async () => {
    await sf?.close();
    await db?.close();
  });

  it('a full sync stores each record as the mapping says, counts what it skipped and rejected, and moves the checkpoints', async () => {
    const result = await syncNamed(deps(NOW), workspaceId, 'salesforce');
    expect(result).toMatchObject({ status: 'ok', error: null });
    expect(await storedEvents(db, workspaceId)).toEqual(expectedFirst(ids, sf.url));
    expect(byObject(result, 'leads')).toMatchObject({ read: 4, accepted: 5, unmatched: 1, rejected: 0, skipped: { 'owned by a queue (not assigned to a rep yet)': 1 } });
    expect(byObject(result, 'opportunities')).toMatchObject({
      read: 4,
      accepted: 8,
      rejected: 1,
      rejections: [{ id: `salesforce:opportunity:${ids.o4}`, reason: 'no owner (OwnerId is empty)' }],
      skipped: { 'record type "Renewal" is not in recordTypes': 1 },
    });
    expect(byObject(result, 'tasks')).toMatchObject({
      read: 9,
      accepted: 6,
      unmatched: 1,
      rejected: 0,
      skipped: { 'open task (not done yet)': 1, 'task of subtype Task and type Other is not a touch': 1, 'list email (a mass email, not a touch)': 1 },
    });
    expect(byObject(result, 'events')).toMatchObject({ read: 4, accepted: 3, skipped: { "an invitee's copy of a group event": 1 } });
    // The version is the latest modification behind the event: the opportunity's (its amount fixed after the win), its owner's, its account's, its lead's.
    const versions = await eventVersions(db, workspaceId);
    expect(versions.get(`salesforce:opportunity:${ids.o1}:created`)).toBe(at('11-13T10:00:00'));
    expect(versions.get(`salesforce:task:${ids.t2}`)).toBe(at('11-05T16:00:00'));
    const checkpoints = await readCheckpoints(db, (await listSources(db, { workspaceId }))[0]!.id);
    expect(checkpoints.get('opportunities')).toBe(String(at('11-13T10:00:00')));
    expect(checkpoints.get('tasks')).toBe(String(at('11-07T16:00:00')));
    // No deletion log reaches back to the start (22 days): the recycle bin was read, up to now.
    expect(checkpoints.get('tasks:deleted')).toBe(String(NOW.getTime()));
    expect(sf.requests.filter((r) => /\/deleted\/?$/.test(r.path))).toEqual([]);
    expect(sf.requests.filter((r) => r.path.endsWith('/queryAll'))).toHaveLength(4);
    expect((await listSources(db, { workspaceId }))[0]).toMatchObject({ lastSuccessAt: NOW, lastError: null, failingSince: null });
  });

  it('syncing again reads only the overlap before the checkpoints and stores nothing twice', async () => {
    const before = await storedEvents(db, workspaceId);
    const result = await syncNamed(deps(new Date(NOW.getTime() + 60_000)), workspaceId, 'salesforce');
    expect(result.status).toBe('ok');
    expect(await storedEvents(db, workspaceId)).toEqual(before);
    // Each object's checkpoint is its latest SystemModstamp: only the records of the 5 minutes before it are read again.
    expect(result.objects.map((o) => [o.object, o.read, o.accepted])).toEqual([
      ['leads', 1, 0],
      ['opportunities', 1, 0],
      ['tasks', 1, 0],
      ['events', 1, 0],
    ]);
    expect(byObject(result, 'opportunities').duplicates).toBe(5);
  });

  it('an incremental sync takes edits (a higher version replaces), undone stages and losses, and deletions from Get Deleted', async () => {
    const s = sf.state;
    const edit = at('11-24T10:00:00');
    s.update('Opportunity', ids.o1, { Name: 'Acme Logistics — 60 seats' }, edit);
    // Reopened: no longer lost, now in the demo stage.
    s.update('Opportunity', ids.o2, { StageName: 'Demo' }, edit + 1000);
    s.update('Lead', ids.l2, { Status: 'Working - Contacted' }, edit + 2000);
    s.update('Task', ids.t3, { ActivityDate: '2026-11-07' }, edit + 3000);
    s.remove('Task', ids.t1, edit + 4000);
    s.remove('Opportunity', ids.o3, edit + 5000);
    const t10 = s.insert('Task', { TaskSubtype: 'Call', Type: 'Call', IsClosed: true, Status: 'Completed', ActivityDate: '2026-11-24', OwnerId: ids.ben, WhoId: null, WhatId: null }, edit + 6000);
    wall.set(new Date('2026-11-24T12:00:00Z'));
    sf.clearRequests();

    const result = await syncNamed(deps(new Date('2026-11-24T12:00:00Z')), workspaceId, 'salesforce');
    expect(result.status).toBe('ok');
    const page = (object: string, id: string) => `${sf.url}/lightning/r/${object}/${id}/view`;
    const kept = expectedFirst(ids, sf.url)
      .filter((e) => ![`salesforce:opportunity:${ids.o2}:lost`, `salesforce:lead:${ids.l2}:disqualified`, `salesforce:task:${ids.t1}`].includes(e.id))
      .map((e) => (e.id.startsWith(`salesforce:opportunity:${ids.o1}:`) ? { ...e, dealName: 'Acme Logistics — 60 seats' } : e))
      .map((e) => (e.id === `salesforce:task:${ids.t3}` ? { ...e, occurredAt: iso('11-07T06:00:00') } : e));
    const expected = [
      ...kept,
      {
        ...none,
        id: `salesforce:opportunity:${ids.o2}:stage:demo`,
        type: 'stage_changed',
        occurredAt: new Date(edit + 1000).toISOString(),
        stage: 'demo',
        dealId: ids.o2,
        dealName: 'Harbor pilot',
        url: page('Opportunity', ids.o2),
        rep: 'email:ben@x.com',
      },
      { ...none, id: `salesforce:task:${t10}`, type: 'call', occurredAt: new Date(edit + 6000).toISOString(), rep: 'email:ben@x.com' },
    ].sort(byId);
    expect(await storedEvents(db, workspaceId)).toEqual(expected);
    // o1's five events renamed (o2's opening and discovery entry read again unchanged: duplicates).
    expect(byObject(result, 'opportunities')).toMatchObject({ updated: 5, duplicates: 2, removed: 1, deletedRecords: 1 });
    expect(byObject(result, 'leads')).toMatchObject({ removed: 1 });
    expect(byObject(result, 'tasks')).toMatchObject({ updated: 1, removed: 1, deletedRecords: 1 });
    expect((await eventVersions(db, workspaceId)).get(`salesforce:opportunity:${ids.o1}:won`)).toBe(edit);
    // Within Get Deleted's window now: each object's deletions from the last run's end.
    const deleted = sf.requests.filter((r) => /\/deleted\/?$/.test(r.path));
    expect(deleted.map((r) => /sobjects\/(\w+)\/deleted/.exec(r.path)?.[1]).sort()).toEqual(['Event', 'Lead', 'Opportunity', 'Task']);
    expect(sf.requests.filter((r) => r.path.endsWith('/queryAll'))).toEqual([]);
  });

  it('a checkpoint older than Get Deleted reaches falls back to the recycle bin (queryAll, IsDeleted)', async () => {
    // Three weeks without a sync; a task deleted yesterday.
    wall.set(new Date('2026-12-15T12:00:00Z'));
    sf.state.remove('Task', ids.t5, at('12-14T12:00:00'));
    sf.clearRequests();
    const result = await syncNamed(deps(new Date('2026-12-15T12:00:00Z')), workspaceId, 'salesforce');
    expect(result.status).toBe('ok');
    expect(byObject(result, 'tasks')).toMatchObject({ deletedRecords: 1, removed: 1 });
    expect((await storedEvents(db, workspaceId)).some((e) => e.id === `salesforce:task:${ids.t5}`)).toBe(false);
    expect(sf.requests.filter((r) => /\/deleted\/?$/.test(r.path))).toEqual([]);
    expect(sf.requests.filter((r) => r.path.endsWith('/queryAll')).map((r) => r.soql)).toContain(
      'SELECT Id, SystemModstamp FROM Task WHERE IsDeleted = true AND SystemModstamp > 2026-11-24T11:55:00Z ORDER BY SystemModstamp, Id',
    );
    const checkpoints = await readCheckpoints(db, (await listSources(db, { workspaceId }))[0]!.id);
    expect(checkpoints.get('tasks:deleted')).toBe(String(at('12-15T12:00:00')));
  });

  it('events of owners not in the config are unmatched, and credited once the person is added', async () => {
    const zed = () => db.prisma.identity.findFirst({ where: { workspaceId, kind: 'email', value: 'zed@x.com' } });
    expect((await zed())?.memberId).toBeNull();
    await applyDocument(db, configDoc(sf.url, [{ email: 'zed@x.com', name: 'Zed' }]));
    expect((await zed())?.memberId).not.toBeNull();
    const asOf = new Date('2026-11-23T12:00:00Z');
    expect((await repReport(db, workspaceId, 'zed@x.com', asOf)).rep.email).toBe('zed@x.com');
    expect((await teamReport(db, workspaceId, 'Central', asOf)).members.find((m) => m.rep.email === 'zed@x.com')).toBeDefined();
    // Zed's call and lead, synced while Zed was unknown, now count as Zed's.
    const counted = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM activity_event e JOIN identity i ON i.id = e.identity_id JOIN member m ON m.id = i.member_id
       WHERE e.workspace_id = $1 AND m.email = 'zed@x.com'`,
      [workspaceId],
    );
    expect(counted[0]!.n).toBe(2);
  });

  it('a full sync reads everything again and changes nothing when nothing changed', async () => {
    const before = await storedEvents(db, workspaceId);
    const result = await syncNamed(deps(new Date('2026-12-15T13:00:00Z')), workspaceId, 'salesforce', { full: true });
    expect(result).toMatchObject({ status: 'ok', full: true });
    expect(byObject(result, 'tasks').read).toBe(8);
    expect(result.objects.reduce((n, o) => n + o.accepted, 0)).toBe(0);
    expect(await storedEvents(db, workspaceId)).toEqual(before);
  });
});
