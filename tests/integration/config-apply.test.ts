import { SCHEDULE_DEFAULTS } from '../../src/config/coaching-schema.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyConfig, readTeamSettings } from '../../src/config/apply.js';
import { parseCoachingConfig, type CoachingConfig } from '../../src/config/coaching.js';
import type { Database } from '../../src/db/client.js';
import { ingestEvents } from '../../src/ingest/ingest-events.js';
import { loadTeamInput, loadWorkspaceTeams } from '../../src/reports/build-report.js';
import { createTestDatabase, DATABASE_KINDS } from '../helpers/db.js';

let seq = 0;

/** External ids of the events that name an identity. */
async function eventIdsOf(db: Database, identityId: number): Promise<string[]> {
  const rows = await db.prisma.activityEvent.findMany({ where: { identityId }, select: { externalId: true } });
  return rows.map((r) => r.externalId);
}
/** A workspace id of its own per test, so tests sharing a database never see each other's rows. */
const workspaceId = () => `T0APPLY${++seq}`;

/** Two teams; a manager in both; a team target, a member target and a custom-period one. */
function doc(id: string): any {
  return {
    workspace: { id, currency: 'EUR', timezone: 'Europe/Berlin' },
    defaults: { thresholds: { cadenceWeeks: 6 } },
    teams: [
      {
        name: 'Central',
        timezone: 'America/Chicago',
        channel: 'C0CENTRAL',
        pipelineStages: ['discovery', 'demo', 'proposal'],
        focus: ['cadence.call', 'cadence.linkedin_dm', 'stage_conversion.demo'],
        touchTypes: ['linkedin_dm'],
        weekStartsOn: 'sunday',
        thresholds: { slaHours: 4 },
        members: [
          { email: 'Boss@X.com', name: 'Boss', role: 'manager', slackUserId: 'U0BOSS' },
          { email: 'lead@x.com', name: 'Lead', role: 'manager' },
          { email: 'anna@x.com', name: 'Anna', slackUserId: 'U0ANNA', crmOwnerId: 'crm-anna', startDate: '2024-02-01', manager: 'lead@x.com' },
          { email: 'ben@x.com', name: 'Ben' },
        ],
        targets: [
          { metric: 'booked_revenue', period: 'quarter', value: 250000 },
          { metric: 'deals_won', period: 'month', value: 4, member: 'anna@x.com' },
        ],
      },
      {
        name: 'London',
        timezone: 'Europe/London',
        pipelineStages: ['intro', 'closing'],
        focus: ['sla_hit_rate'],
        touchTypes: ['whatsapp'],
        members: [
          { email: 'boss@x.com', name: 'Boss', role: 'manager' },
          { email: 'cleo@x.com', name: 'Cleo', timezone: 'Europe/Dublin' },
        ],
        targets: [{ metric: 'pipeline_created', period: { start: '2026-10-01', end: '2026-12-31' }, value: 12.5 }],
      },
    ],
  };
}

function resolve(input: unknown): CoachingConfig {
  const r = parseCoachingConfig(input);
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return r.config;
}

async function wsId(db: Database, slackTeamId: string): Promise<number> {
  return (await db.prisma.workspace.findUniqueOrThrow({ where: { slackTeamId } })).id;
}

/** Every row the apply may touch, in a comparable form. */
async function snapshot(db: Database, slackTeamId: string) {
  const ws = await db.prisma.workspace.findUnique({ where: { slackTeamId } });
  if (!ws) return null;
  const workspaceId = ws.id;
  const [teams, members, memberships, targets, identities, events] = await Promise.all([
    db.prisma.team.findMany({ where: { workspaceId }, orderBy: { id: 'asc' } }),
    db.prisma.member.findMany({ where: { workspaceId }, orderBy: { id: 'asc' } }),
    db.prisma.teamMembership.findMany({ where: { team: { workspaceId } }, orderBy: { id: 'asc' } }),
    db.prisma.target.findMany({ where: { workspaceId }, orderBy: { id: 'asc' } }),
    db.prisma.identity.findMany({ where: { workspaceId }, orderBy: { id: 'asc' } }),
    db.prisma.activityEvent.findMany({ where: { workspaceId }, orderBy: { id: 'asc' } }),
  ]);
  return JSON.parse(JSON.stringify({ ws, teams, members, memberships, targets, identities, events }, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
}

/** Memberships as `team: email role (manager email)`, sorted. */
async function membershipsOf(db: Database, slackTeamId: string): Promise<string[]> {
  const rows = await db.prisma.teamMembership.findMany({
    where: { team: { workspace: { slackTeamId } } },
    include: { team: true, member: true, manager: true },
  });
  return rows.map((r) => `${r.team.name}: ${r.member.email} ${r.role}${r.manager ? ` (${r.manager.email})` : ''}`).sort();
}

const call = (id: string, rep: { repEmail?: string; slackUserId?: string }) => ({ id, type: 'call', occurredAt: '2026-11-02T15:00:00Z', ...rep });

describe.each(DATABASE_KINDS)('applyConfig on %s', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('creates the workspace, teams, members, memberships and targets', async () => {
    const id = workspaceId();
    const config = resolve(doc(id));
    const summary = await applyConfig(db, config);
    expect(summary).toEqual({
      workspace: { id: expect.any(Number), slackTeamId: id, created: true, updated: false },
      teams: { added: 2, updated: 0, deactivated: 0, unchanged: 0 },
      members: { added: 5, updated: 0, deactivated: 0, unchanged: 0 },
      memberships: { added: 6, updated: 0, removed: 0 },
      targets: { total: 3, added: 3, removed: 0 },
      identities: { linked: 0, unlinked: 0 },
      sources: { added: 0, updated: 0, deactivated: 0, reset: [] },
      admins: { total: 0, changed: false },
    });

    const ws = await db.prisma.workspace.findUniqueOrThrow({ where: { slackTeamId: id } });
    expect(ws).toMatchObject({ currency: 'EUR', timezone: 'Europe/Berlin', touchTypes: ['linkedin_dm', 'whatsapp'] });

    const teams = await db.prisma.team.findMany({ where: { workspaceId: ws.id }, orderBy: { name: 'asc' } });
    expect(teams.map((t) => [t.name, t.timezone, t.channel, t.pipelineStages, t.focus, t.touchTypes, t.performanceMetric, t.weekStartsOn, t.active])).toEqual([
      ['Central', 'America/Chicago', 'C0CENTRAL', ['discovery', 'demo', 'proposal'], ['cadence.call', 'cadence.linkedin_dm', 'stage_conversion.demo'], ['linkedin_dm'], 'booked_revenue', 7, true],
      ['London', 'Europe/London', null, ['intro', 'closing'], ['sla_hit_rate'], ['whatsapp'], 'booked_revenue', 1, true],
    ]);
    const central = readTeamSettings(teams[0]!.settings);
    expect(central).toEqual({ thresholds: config.teams[0]!.thresholds, alertLookbackDays: 7, schedule: SCHEDULE_DEFAULTS });
    expect(central.thresholds).toMatchObject({ cadenceWeeks: 6, slaHours: 4, baselineWeeks: 13 });
    expect(readTeamSettings(teams[1]!.settings).thresholds).toMatchObject({ cadenceWeeks: 6, slaHours: 24 });

    const members = await db.prisma.member.findMany({ where: { workspaceId: ws.id }, orderBy: { email: 'asc' } });
    expect(members.map((m) => [m.email, m.name, m.slackUserId, m.crmOwnerId, m.startDate?.toISOString().slice(0, 10) ?? null, m.timezone, m.active])).toEqual([
      ['anna@x.com', 'Anna', 'U0ANNA', 'crm-anna', '2024-02-01', null, true],
      ['ben@x.com', 'Ben', null, null, null, null, true],
      ['boss@x.com', 'Boss', 'U0BOSS', null, null, null, true],
      ['cleo@x.com', 'Cleo', null, null, null, 'Europe/Dublin', true],
      ['lead@x.com', 'Lead', null, null, null, null, true],
    ]);
    expect(await membershipsOf(db, id)).toEqual([
      'Central: anna@x.com rep (lead@x.com)',
      'Central: ben@x.com rep',
      'Central: boss@x.com manager',
      'Central: lead@x.com manager',
      'London: boss@x.com manager',
      'London: cleo@x.com rep',
    ]);

    const targets = await db.prisma.target.findMany({ where: { workspaceId: ws.id }, include: { team: true, member: true }, orderBy: { id: 'asc' } });
    expect(
      targets.map((t) => [
        t.team.name,
        t.member?.email ?? null,
        t.metric,
        t.periodKind,
        t.periodStart?.toISOString().slice(0, 10) ?? null,
        t.periodEnd?.toISOString().slice(0, 10) ?? null,
        t.value.toNumber(),
      ]),
    ).toEqual([
      ['Central', null, 'booked_revenue', 'quarter', null, null, 250000],
      ['Central', 'anna@x.com', 'deals_won', 'month', null, null, 4],
      ['London', null, 'pipeline_created', 'custom', '2026-10-01', '2026-12-31', 12.5],
    ]);
  });

  it('stores the revision-2 settings the reports read: thresholds, a ramped target, the workspace staleness', async () => {
    const id = workspaceId();
    const d = doc(id);
    d.workspace.staleAfterHours = 48;
    d.teams[0].thresholds = { ...d.teams[0].thresholds, rateWeeks: 8, minRateN: 5, stageTimeoutDays: 60, stepShare: 0.25, rampWeeks: 12, rampCurve: [0.25, 0.5, 0.75], staleAfterHours: 24 };
    d.teams[0].targets[1].ramped = true;
    await applyConfig(db, resolve(d));
    const ws = await db.prisma.workspace.findUniqueOrThrow({ where: { slackTeamId: id }, include: { teams: { orderBy: { name: 'asc' } }, targets: { orderBy: { id: 'asc' } } } });
    expect(ws.staleAfterHours).toBe(48);
    expect(readTeamSettings(ws.teams[0]!.settings).thresholds).toMatchObject({ rateWeeks: 8, minRateN: 5, stageTimeoutDays: 60, stepShare: 0.25, rampCurve: [0.25, 0.5, 0.75], staleAfterHours: 24 });
    expect(readTeamSettings(ws.teams[1]!.settings).thresholds).toMatchObject({ rateWeeks: 13, minRateN: 8, stageTimeoutDays: 90, stepShare: 0.5, rampCurve: null, staleAfterHours: 36 });
    expect(ws.targets.map((t) => t.ramped)).toEqual([false, true, false]);
    // Marking a target ramped is a change like any other.
    d.teams[0].targets[1].ramped = false;
    expect((await applyConfig(db, resolve(d))).targets).toEqual({ total: 3, added: 1, removed: 1 });
  });

  it('is read back as the reports’ team input: active reps by email, targets with their periods, amounts and ramp', async () => {
    const id = workspaceId();
    const d = doc(id);
    d.teams[0].targets[1].ramped = true;
    d.teams[0].members.push({ email: 'aaron@x.com', name: 'Aaron', startDate: '2026-09-14' });
    await applyConfig(db, resolve(d));
    const ws = await wsId(db, id);
    const idOf = async (email: string) => (await db.prisma.member.findFirstOrThrow({ where: { workspaceId: ws, email } })).id;
    const central = await loadTeamInput(db, ws, 'Central');
    expect(central.input).toMatchObject({
      name: 'Central',
      timezone: 'America/Chicago',
      weekStartsOn: 0,
      pipelineStages: ['discovery', 'demo', 'proposal'],
      currency: 'EUR',
      performanceMetric: 'booked_revenue',
    });
    expect([...central.input.touchTypes]).toContain('linkedin_dm');
    expect(central.input.settings.thresholds.slaHours).toBe(4);
    expect(central.input.reps).toEqual([
      { id: await idOf('aaron@x.com'), email: 'aaron@x.com', name: 'Aaron', startDate: '2026-09-14' },
      { id: await idOf('anna@x.com'), email: 'anna@x.com', name: 'Anna', startDate: '2024-02-01' },
      { id: await idOf('ben@x.com'), email: 'ben@x.com', name: 'Ben', startDate: null },
    ]);
    expect(central.input.targets).toEqual([
      { memberId: null, metric: 'booked_revenue', period: { kind: 'quarter' }, value: 250000, ramped: false },
      { memberId: await idOf('anna@x.com'), metric: 'deals_won', period: { kind: 'month' }, value: 4, ramped: true },
    ]);
    const london = await loadTeamInput(db, ws, 'London');
    expect(london.input.targets).toEqual([{ memberId: null, metric: 'pipeline_created', period: { kind: 'custom', start: '2026-10-01', end: '2026-12-31' }, value: 12.5, ramped: false }]);
    // A rep who leaves is no longer read; every active team at once reads as each alone.
    d.teams[0].members = d.teams[0].members.filter((m: { email: string }) => m.email !== 'ben@x.com');
    await applyConfig(db, resolve(d));
    const again = await loadTeamInput(db, ws, 'Central');
    expect(again.input.reps.map((r) => r.email)).toEqual(['aaron@x.com', 'anna@x.com']);
    expect(await loadWorkspaceTeams(db, ws)).toEqual([again, await loadTeamInput(db, ws, 'London')]);
  });

  it('re-applying the same config changes nothing', async () => {
    const id = workspaceId();
    await applyConfig(db, resolve(doc(id)));
    const before = await snapshot(db, id);
    const again = await applyConfig(db, resolve(doc(id)));
    expect(again).toEqual({
      workspace: { id: before.ws.id, slackTeamId: id, created: false, updated: false },
      teams: { added: 0, updated: 0, deactivated: 0, unchanged: 2 },
      members: { added: 0, updated: 0, deactivated: 0, unchanged: 5 },
      memberships: { added: 0, updated: 0, removed: 0 },
      targets: { total: 3, added: 0, removed: 0 },
      identities: { linked: 0, unlinked: 0 },
      sources: { added: 0, updated: 0, deactivated: 0, reset: [] },
      admins: { total: 0, changed: false },
    });
    // Same ids, same updatedAt: nothing was rewritten.
    expect(await snapshot(db, id)).toEqual(before);
  });

  it('a removed member is deactivated; their events and identity stay theirs', async () => {
    const id = workspaceId();
    await applyConfig(db, resolve(doc(id)));
    const ws = await wsId(db, id);
    const outcome = await ingestEvents(db, ws, [call('ben-1', { repEmail: 'ben@x.com' }), call('ben-2', { repEmail: 'BEN@x.com' })], { receivedAt: new Date() });
    expect(outcome).toMatchObject({ accepted: 2, unmatched: 0 });
    const ben = await db.prisma.member.findUniqueOrThrow({ where: { workspaceId_email: { workspaceId: ws, email: 'ben@x.com' } } });

    const d = doc(id);
    d.teams[0].members = d.teams[0].members.filter((m: { email: string }) => m.email !== 'ben@x.com');
    const summary = await applyConfig(db, resolve(d));
    expect(summary.members).toEqual({ added: 0, updated: 0, deactivated: 1, unchanged: 4 });
    expect(summary.memberships).toEqual({ added: 0, updated: 0, removed: 1 });
    expect(summary.identities).toEqual({ linked: 0, unlinked: 0 });

    expect(await db.prisma.member.findUniqueOrThrow({ where: { id: ben.id } })).toMatchObject({ active: false, email: 'ben@x.com' });
    const identity = await db.prisma.identity.findFirstOrThrow({ where: { workspaceId: ws, kind: 'email', value: 'ben@x.com' } });
    expect(identity.memberId).toBe(ben.id);
    expect((await eventIdsOf(db, identity.id)).sort()).toEqual(['ben-1', 'ben-2']);
    expect(await membershipsOf(db, id)).not.toContain('Central: ben@x.com rep');

    // Listed again, the same member comes back active with the same id.
    const back = await applyConfig(db, resolve(doc(id)));
    expect(back.members).toEqual({ added: 0, updated: 1, deactivated: 0, unchanged: 4 });
    expect(await db.prisma.member.findUniqueOrThrow({ where: { id: ben.id } })).toMatchObject({ active: true });
  });

  it('links identities recorded before their member was configured', async () => {
    const id = workspaceId();
    await applyConfig(db, resolve(doc(id)));
    const ws = await wsId(db, id);
    const outcome = await ingestEvents(db, ws, [call('new-1', { repEmail: 'newbie@x.com' }), call('new-2', { slackUserId: 'U0NEWBIE' })], { receivedAt: new Date() });
    expect(outcome).toMatchObject({ accepted: 2, unmatched: 2 });
    expect((await db.prisma.identity.findMany({ where: { workspaceId: ws, value: { in: ['newbie@x.com', 'U0NEWBIE'] } } })).map((i) => i.memberId)).toEqual([null, null]);

    const d = doc(id);
    d.teams[1].members.push({ email: 'NewBie@x.com', name: 'Newbie', slackUserId: 'U0NEWBIE' });
    const summary = await applyConfig(db, resolve(d));
    expect(summary.members.added).toBe(1);
    expect(summary.identities).toEqual({ linked: 2, unlinked: 0 });
    const newbie = await db.prisma.member.findUniqueOrThrow({ where: { workspaceId_email: { workspaceId: ws, email: 'newbie@x.com' } } });
    const identities = await db.prisma.identity.findMany({ where: { workspaceId: ws, value: { in: ['newbie@x.com', 'U0NEWBIE'] } } });
    const withEvents = await Promise.all(identities.map(async (i) => [i.kind, i.memberId, await eventIdsOf(db, i.id)]));
    expect(withEvents.sort()).toEqual([
      ['email', newbie.id, ['new-1']],
      ['slack', newbie.id, ['new-2']],
    ]);

    // The Slack id moves to someone else: the identity follows it, the email one stays.
    const moved = doc(id);
    moved.teams[1].members.push({ email: 'newbie@x.com', name: 'Newbie' });
    moved.teams[0].members.find((m: { email: string }) => m.email === 'ben@x.com').slackUserId = 'U0NEWBIE';
    const after = await applyConfig(db, resolve(moved));
    expect(after.identities).toEqual({ linked: 1, unlinked: 0 });
    const ben = await db.prisma.member.findUniqueOrThrow({ where: { workspaceId_email: { workspaceId: ws, email: 'ben@x.com' } } });
    expect((await db.prisma.identity.findFirstOrThrow({ where: { workspaceId: ws, kind: 'slack', value: 'U0NEWBIE' } })).memberId).toBe(ben.id);
  });

  it('moving a rep to another team moves the membership', async () => {
    const id = workspaceId();
    await applyConfig(db, resolve(doc(id)));
    const anna = await db.prisma.member.findFirstOrThrow({ where: { workspace: { slackTeamId: id }, email: 'anna@x.com' } });
    const d = doc(id);
    const moving = d.teams[0].members.find((m: { email: string }) => m.email === 'anna@x.com');
    d.teams[0].members = d.teams[0].members.filter((m: { email: string }) => m.email !== 'anna@x.com');
    d.teams[0].targets = d.teams[0].targets.filter((t: { member?: string }) => t.member === undefined);
    delete moving.manager;
    d.teams[1].members.push(moving);
    const summary = await applyConfig(db, resolve(d));
    expect(summary.memberships).toEqual({ added: 1, updated: 0, removed: 1 });
    expect(summary.members).toEqual({ added: 0, updated: 0, deactivated: 0, unchanged: 5 });
    expect(summary.targets).toEqual({ total: 2, added: 0, removed: 1 });
    const memberships = await membershipsOf(db, id);
    expect(memberships).toContain('London: anna@x.com rep');
    expect(memberships.filter((m) => m.includes('anna@x.com'))).toEqual(['London: anna@x.com rep']);
    expect((await db.prisma.member.findUniqueOrThrow({ where: { id: anna.id } })).active).toBe(true);
  });

  it('changes settings in place and deactivates a team left out', async () => {
    const id = workspaceId();
    await applyConfig(db, resolve(doc(id)));
    const d = doc(id);
    d.teams[0].thresholds = { slaHours: 2 };
    d.teams[0].members.find((m: { email: string }) => m.email === 'anna@x.com').manager = 'boss@x.com';
    d.teams[0].targets[0].value = 300000;
    d.teams[0].members.push(...d.teams[1].members.filter((m: { role?: string }) => m.role !== 'manager'));
    d.teams.pop();
    const summary = await applyConfig(db, resolve(d));
    expect(summary.workspace.updated).toBe(true);
    expect(summary.teams).toEqual({ added: 0, updated: 1, deactivated: 1, unchanged: 0 });
    expect(summary.memberships).toEqual({ added: 1, updated: 1, removed: 2 });
    expect(summary.targets).toEqual({ total: 2, added: 1, removed: 2 });
    const teams = await db.prisma.team.findMany({ where: { workspace: { slackTeamId: id } }, orderBy: { name: 'asc' } });
    expect(teams.map((t) => [t.name, t.active])).toEqual([
      ['Central', true],
      ['London', false],
    ]);
    expect(readTeamSettings(teams[0]!.settings).thresholds.slaHours).toBe(2);
    expect((await db.prisma.workspace.findUniqueOrThrow({ where: { slackTeamId: id } })).touchTypes).toEqual(['linkedin_dm']);
    expect(await membershipsOf(db, id)).toContain('Central: anna@x.com rep (boss@x.com)');
  });
});

describe.each(DATABASE_KINDS)('applyConfig on %s, failing half-way', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('leaves nothing half-applied', async () => {
    const id = workspaceId();
    await applyConfig(db, resolve(doc(id)));
    await ingestEvents(db, await wsId(db, id), [call('late-1', { repEmail: 'late@x.com' })], { receivedAt: new Date() });
    const before = await snapshot(db, id);
    // A constraint this database alone has: targets are written after the workspace, teams,
    // members and memberships, so the failure comes once those have been changed.
    await db.prisma.$executeRawUnsafe('ALTER TABLE target ADD CONSTRAINT target_value_cap CHECK (value < 1000000)');

    const d = doc(id);
    d.workspace.currency = 'GBP';
    d.teams[0].members = d.teams[0].members.filter((m: { email: string }) => m.email !== 'ben@x.com');
    d.teams[1].members.push({ email: 'late@x.com', name: 'Late' });
    d.teams.push({ name: 'Paris', timezone: 'Europe/Paris', pipelineStages: ['one'], focus: ['cadence.call'], members: [{ email: 'pia@x.com', name: 'Pia' }] });
    d.teams[0].targets[0].value = 5_000_000;
    await expect(applyConfig(db, resolve(d))).rejects.toThrow(/target_value_cap/);
    expect(await snapshot(db, id)).toEqual(before);

    // A config for a workspace not yet stored leaves no workspace behind either.
    const fresh = workspaceId();
    const f = doc(fresh);
    f.teams[1].targets[0].value = 2_000_000;
    await expect(applyConfig(db, resolve(f))).rejects.toThrow(/target_value_cap/);
    expect(await snapshot(db, fresh)).toBeNull();
  });
});
