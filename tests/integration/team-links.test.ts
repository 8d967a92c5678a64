import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyConfig } from '../../src/config/apply.js';
import { parseCoachingConfig } from '../../src/config/coaching.js';
import type { Database } from '../../src/db/client.js';
import { deleteEvents } from '../../src/db/events-repo.js';
import { rebuildWorkspaceRollups } from '../../src/db/rollups-write.js';
import { ingestEvents } from '../../src/ingest/ingest-events.js';
import type { IndicatorLink } from '../../src/metrics/correlation.js';
import { teamReport } from '../../src/reports/build-report.js';
import { createTestDatabase, DATABASE_KINDS } from '../helpers/db.js';

// Wednesday: the last complete week started Monday Nov 16 (UTC for East; 08:00Z for West).
const AS_OF = new Date('2026-11-25T15:00:00Z');
/** Wednesdays 18:00Z of the 4 baseline weeks: inside the same week for both teams. */
const WEDNESDAYS = ['2026-10-28', '2026-11-04', '2026-11-11', '2026-11-18'].map((d) => Date.parse(`${d}T18:00:00Z`));
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Two teams of 6 reps: rep i makes 2(i + 1) calls a week; results rank as calls do except one
 * adjacent swap, so D = 2 and ρ = 1 − 6·2/(6·35) = 0.9429 on each team, exact p = 6/720 (the
 * identity and the 5 adjacent swaps). Nobody emails: ρ is null on that focus indicator.
 */
const TEAMS = [
  { name: 'East', timezone: 'UTC', results: [1, 2, 3, 4, 6, 5] },
  { name: 'West', timezone: 'America/Los_Angeles', results: [2, 1, 3, 4, 5, 6] },
];
const email = (team: string, i: number) => `${team.toLowerCase()}${i}@example.com`;

/** `crm`: CRM owner ids of members, by email (linking the identities events by that owner id made). */
async function applyTeams(db: Database, slackTeamId: string, eastFocus = ['cadence.call', 'cadence.email'], crm: Record<string, string> = {}): Promise<number> {
  const parsed = parseCoachingConfig({
    workspace: { id: slackTeamId, currency: 'USD' },
    teams: TEAMS.map((t) => ({
      name: t.name,
      timezone: t.timezone,
      pipelineStages: ['discovery', 'demo'],
      focus: t.name === 'East' ? eastFocus : ['cadence.call', 'cadence.email'],
      thresholds: { cadenceWeeks: 4, baselineWeeks: 4 },
      members: [
        { email: `mgr.${t.name.toLowerCase()}@example.com`, name: `${t.name} Manager`, role: 'manager' },
        ...t.results.map((_, i) => ({ email: email(t.name, i), name: `${t.name} ${i}`, ...(crm[email(t.name, i)] ? { crmOwnerId: crm[email(t.name, i)] } : {}) })),
      ],
    })),
  });
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return (await applyConfig(db, parsed.config)).workspace.id;
}

async function loadTeams(db: Database, slackTeamId: string): Promise<number> {
  const ws = await applyTeams(db, slackTeamId);
  const events: Record<string, unknown>[] = [];
  for (const t of TEAMS) {
    t.results.forEach((rank, i) => {
      const repEmail = email(t.name, i);
      for (const [w, at] of WEDNESDAYS.entries()) for (let k = 0; k < 2 * (i + 1); k += 1) events.push({ id: `${repEmail}-call-${w}-${k}`, type: 'call', occurredAt: iso(at + k * 60_000), repEmail });
      events.push({ id: `${repEmail}-open`, type: 'opportunity_created', occurredAt: iso(WEDNESDAYS[1]!), repEmail, dealId: `${repEmail}-D`, amount: 1000 * rank });
      events.push({ id: `${repEmail}-won`, type: 'deal_won', occurredAt: iso(WEDNESDAYS[2]!), repEmail, dealId: `${repEmail}-D`, amount: 1000 * rank });
    });
  }
  const outcome = await ingestEvents(db, ws, events, { receivedAt: AS_OF });
  if (outcome.rejected.length > 0) throw new Error(JSON.stringify(outcome.rejected));
  return ws;
}

const kept = (db: Database, ws: number) =>
  db.query<{ team: string; week_start: Date | string; data_version: string; current: string }>(
    `SELECT t.name AS team, l.week_start, l.data_version::text AS data_version, w.data_version::text AS current
     FROM team_links l JOIN team t ON t.id = l.team_id JOIN workspace w ON w.id = t.workspace_id
     WHERE t.workspace_id = $1 ORDER BY t.name`,
    [ws],
  );

describe.each(DATABASE_KINDS)('links kept per team and complete week (%s)', (kind) => {
  let db: Database;
  let ws: number;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    ws = await loadTeams(db, `T0LINKS${kind.toUpperCase()}`);
  });
  afterAll(() => db.close());

  it('computes every team’s links once, with the workspace-wide test, and keeps them for the week', async () => {
    const east = await teamReport(db, ws, 'East', AS_OF);
    expect(east.links).toEqual([
      {
        key: 'cadence.call',
        rho: expect.closeTo(0.9429, 4),
        n: 6,
        p: 6 / 720,
        label: 'tracks_results',
        workspace: { rho: expect.closeTo(0.9429, 4), n: 12, p: expect.any(Number), label: 'tracks_results' },
      },
      { key: 'cadence.email', rho: null, n: 6, p: null, label: 'weak_or_no_link', workspace: { rho: null, n: 0, p: null, label: 'too_few_reps' } },
    ]);
    // Both teams at D = 2: P(T' ≥ T) is about (6/720)² plus the orderings trading one team's loss for the other's gain.
    expect(east.links[0]!.workspace!.p).toBeLessThan(0.005);
    const rows = await kept(db, ws);
    expect(rows.map((r) => [r.team, new Date(r.week_start).toISOString(), r.data_version])).toEqual([
      ['East', '2026-11-16T00:00:00.000Z', rows[0]!.current],
      ['West', '2026-11-16T08:00:00.000Z', rows[0]!.current],
    ]);
    // The other team's report reads what the first computed.
    expect((await teamReport(db, ws, 'West', AS_OF)).links[0]).toEqual({ ...east.links[0], p: 6 / 720 });
  });

  it('reuses the kept links on a later report of the same week, and computes them again after a late event', async () => {
    await teamReport(db, ws, 'East', AS_OF);
    // Mark the kept row: a report that shows the mark read it instead of computing.
    await db.query(`UPDATE team_links SET links = jsonb_set(links, '{0,p}', '0.5') WHERE team_id = (SELECT id FROM team WHERE workspace_id = $1 AND name = 'East')`, [ws]);
    const reused = await teamReport(db, ws, 'East', new Date(AS_OF.getTime() + 3_600_000));
    expect(reused.links[0]!.p).toBe(0.5);
    expect(reused.links[0]!.label).toBe('tracks_results');

    // A late event: a call in the last complete week (no change of ranks).
    await ingestEvents(db, ws, [{ id: 'late-call', type: 'call', occurredAt: iso(WEDNESDAYS[3]! + 3_600_000), repEmail: email('East', 5) }], { receivedAt: AS_OF });
    const recomputed = await teamReport(db, ws, 'East', new Date(AS_OF.getTime() + 7_200_000));
    expect(recomputed.links[0]!.p).toBe(6 / 720);
    const rows = await kept(db, ws);
    for (const r of rows) expect(r.data_version).toBe(r.current);
  });

  it('keeps a new row when the week turns', async () => {
    const nextWeek = new Date(AS_OF.getTime() + 7 * 86_400_000);
    await teamReport(db, ws, 'East', nextWeek);
    const weeks = (await kept(db, ws)).filter((r) => r.team === 'East').map((r) => new Date(r.week_start).toISOString());
    expect(weeks).toEqual(expect.arrayContaining(['2026-11-16T00:00:00.000Z', '2026-11-23T00:00:00.000Z']));
  });
});

/** Each team's kept row for the week of AS_OF: when its pairs were computed, the pairs, the links. */
async function keptRows(db: Database, ws: number): Promise<Map<string, { computedAt: string; cohort: unknown; links: IndicatorLink[] }>> {
  const rows = await db.query<{ team: string; computed_at: Date | string; cohort: unknown; links: IndicatorLink[] }>(
    `SELECT t.name AS team, l.computed_at, l.cohort, l.links FROM team_links l JOIN team t ON t.id = l.team_id
     WHERE t.workspace_id = $1 AND l.week_start < $2 ORDER BY t.name`,
    [ws, new Date(AS_OF.getTime() - 86_400_000)],
  );
  return new Map(rows.map((r) => [r.team, { computedAt: new Date(r.computed_at).toISOString(), cohort: r.cohort, links: r.links }]));
}

describe.each(DATABASE_KINDS)('kept links invalidated per team (%s)', (kind) => {
  let db: Database;
  let ws: number;
  let step = 0;
  /** A report of East a little later each time, in the same week. */
  const eastReport = () => teamReport(db, ws, 'East', new Date(AS_OF.getTime() + 60_000 * ++step));
  /** Calls that make East's rep 0 (the lowest results) its busiest caller, in East's last complete week. */
  const lateCalls = Array.from({ length: 60 }, (_, k) => ({ id: `late-${k}`, type: 'call', occurredAt: iso(WEDNESDAYS[3]! + 3_600_000 + k * 1000), repEmail: email('East', 0) }));
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    ws = await loadTeams(db, `T0INVAL${kind.toUpperCase()}`);
    await eastReport();
  });
  afterAll(() => db.close());

  it('keeps every team’s pairs and links through an event of the current week', async () => {
    // Mark East's kept links: a report that shows the mark did not compute them again.
    await db.query(`UPDATE team_links SET links = jsonb_set(links, '{0,p}', '0.5') WHERE team_id = (SELECT id FROM team WHERE workspace_id = $1 AND name = 'East')`, [ws]);
    const before = await keptRows(db, ws);
    // After the last complete week's end of both teams (Nov 23 00:00Z and 08:00Z).
    await ingestEvents(db, ws, [{ id: 'this-week-call', type: 'call', occurredAt: '2026-11-24T12:00:00Z', repEmail: email('West', 2) }], { receivedAt: AS_OF });
    expect((await eastReport()).links[0]!.p).toBe(0.5);
    expect(await keptRows(db, ws)).toEqual(before);
  });

  it('keeps them through events of the current week on a team’s leads and deals, by its reps or another team’s', async () => {
    await db.query(`UPDATE team_links SET links = jsonb_set(links, '{0,p}', '0.5') WHERE team_id = (SELECT id FROM team WHERE workspace_id = $1 AND name = 'East')`, [ws]);
    const before = await keptRows(db, ws);
    // Each rewrites a rollup row of East's (a deal of East's rep 0, a lead assigned to East's rep 1), from the current week on.
    const thisWeek = [
      { id: 'this-week-deal-call', type: 'call', occurredAt: '2026-11-24T09:00:00Z', repEmail: email('West', 3), dealId: `${email('East', 0)}-D` },
      { id: 'this-week-lead', type: 'lead_assigned', occurredAt: '2026-11-24T10:00:00Z', repEmail: email('East', 1), leadId: 'L-this-week', leadSource: 'inbound' },
      { id: 'this-week-lead-call', type: 'call', occurredAt: '2026-11-24T11:00:00Z', repEmail: email('West', 3), leadId: 'L-this-week' },
    ];
    const outcome = await ingestEvents(db, ws, thisWeek, { receivedAt: AS_OF });
    expect(outcome.accepted).toBe(thisWeek.length);
    expect((await eastReport()).links[0]!.p).toBe(0.5);
    expect(await keptRows(db, ws)).toEqual(before);
  });

  it('recomputes only the pairs of the team a late event belongs to, and both teams’ workspace-wide links', async () => {
    const before = await keptRows(db, ws);
    await ingestEvents(db, ws, lateCalls, { receivedAt: AS_OF });
    const east = await eastReport();
    const after = await keptRows(db, ws);
    expect(after.get('East')!.computedAt).not.toBe(before.get('East')!.computedAt);
    expect(after.get('West')!.computedAt).toBe(before.get('West')!.computedAt);
    expect(after.get('West')!.cohort).toEqual(before.get('West')!.cohort);
    // East's calls no longer rank as its results do; West's own test is unchanged, the workspace-wide one is not.
    expect(east.links[0]!.rho).toBeLessThan(0.5);
    expect(east.links[0]!.workspace!.rho).toBeLessThan(before.get('East')!.links[0]!.workspace!.rho!);
    const west = after.get('West')!.links[0]!;
    expect(west.rho).toBeCloseTo(0.9429, 4);
    expect(west.workspace).toEqual(east.links[0]!.workspace);
    expect((await teamReport(db, ws, 'West', new Date(AS_OF.getTime() + 60_000 * ++step))).links[0]).toEqual(west);
  });

  it('does not check or recompute another team on a report: a late event of West waits for West’s own report', async () => {
    const before = await keptRows(db, ws);
    await ingestEvents(db, ws, [{ id: 'west-late-call', type: 'call', occurredAt: iso(WEDNESDAYS[3]! + 7_200_000), repEmail: email('West', 1) }], { receivedAt: AS_OF });
    await eastReport();
    expect((await keptRows(db, ws)).get('West')!.computedAt).toBe(before.get('West')!.computedAt);
    await teamReport(db, ws, 'West', new Date(AS_OF.getTime() + 60_000 * ++step));
    expect((await keptRows(db, ws)).get('West')!.computedAt).not.toBe(before.get('West')!.computedAt);
    expect(await deleteEvents(db, ws, ['west-late-call'])).toBe(1);
    await teamReport(db, ws, 'West', new Date(AS_OF.getTime() + 60_000 * ++step));
  });

  it('recomputes a team’s pairs after one of its late events is deleted', async () => {
    const before = await keptRows(db, ws);
    expect(
      await deleteEvents(
        db,
        ws,
        lateCalls.map((c) => c.id),
      ),
    ).toBe(lateCalls.length);
    const east = await eastReport();
    const after = await keptRows(db, ws);
    expect(after.get('East')!.computedAt).not.toBe(before.get('East')!.computedAt);
    expect(after.get('West')!.computedAt).toBe(before.get('West')!.computedAt);
    expect(east.links[0]!.rho).toBeCloseTo(0.9429, 4);
    expect(east.links[0]!.workspace!.n).toBe(12);
  });

  it('recomputes a team’s pairs after a late close of one of its deals by someone in no team', async () => {
    const before = await keptRows(db, ws);
    // East's rep 0 owns its deal (it opened it) and has the lowest results: a bigger close makes them the highest.
    const close = { id: 'late-close', type: 'deal_won', occurredAt: iso(WEDNESDAYS[3]!), crmOwnerId: 'OWN-NOBODY', dealId: `${email('East', 0)}-D`, amount: 50_000 };
    expect((await ingestEvents(db, ws, [close], { receivedAt: AS_OF })).unmatched).toBe(1);
    const east = await eastReport();
    const after = await keptRows(db, ws);
    expect(after.get('East')!.computedAt).not.toBe(before.get('East')!.computedAt);
    expect(after.get('West')!.computedAt).toBe(before.get('West')!.computedAt);
    expect(east.links[0]!.rho).toBeLessThan(0.5);
    expect(await deleteEvents(db, ws, ['late-close'])).toBe(1);
    expect((await eastReport()).links[0]!.rho).toBeCloseTo(0.9429, 4);
  });

  it('recomputes a team’s pairs when an identity with events in its complete week is linked to one of its reps, or to another', async () => {
    // Calls by a CRM owner no member has: nobody's, so East's pairs stay as they are.
    const calls = lateCalls.map((c) => ({ id: `crm-${c.id}`, type: c.type, occurredAt: c.occurredAt, crmOwnerId: 'OWN-EAST' }));
    expect((await ingestEvents(db, ws, calls, { receivedAt: AS_OF })).unmatched).toBe(calls.length);
    const before = await keptRows(db, ws);
    expect((await eastReport()).links[0]!.rho).toBeCloseTo(0.9429, 4);
    expect(await keptRows(db, ws)).toEqual(before);
    const relink = async (to: string) => {
      const computedAt = (await keptRows(db, ws)).get('East')!.computedAt;
      // Only which member the owner id names changes: East's own input (its reps, their emails) does not.
      await applyTeams(db, `T0INVAL${kind.toUpperCase()}`, undefined, { [to]: 'OWN-EAST' });
      const east = await eastReport();
      expect((await keptRows(db, ws)).get('East')!.computedAt).not.toBe(computedAt);
      return east.links[0]!.rho;
    };
    // East's rep 0 (the lowest results) becomes its busiest caller.
    expect(await relink(email('East', 0))).toBeLessThan(0.5);
    // Moved to rep 5, its busiest caller already, in the same team and week: no rollup changes, the calls are rep 5's.
    expect(await relink(email('East', 5))).toBeCloseTo(0.9429, 4);
    await applyTeams(db, `T0INVAL${kind.toUpperCase()}`);
    expect((await eastReport()).links[0]!.rho).toBeCloseTo(0.9429, 4);
  });

  it('recomputes a team’s pairs after a rebuild of its rollups (what repairs wrong ones)', async () => {
    // Wrong rollups: 60 more calls of East's rep 0 in its last complete week than its events hold, and pairs (and the snapshot they read) computed from them.
    await db.query(
      `UPDATE rollup_week SET n = n + 60 WHERE type = 'call' AND week_start = '2026-11-16T00:00:00Z'
         AND identity_id IN (SELECT i.id FROM identity i JOIN member m ON m.id = i.member_id WHERE m.workspace_id = $1 AND m.email = $2)`,
      [ws, email('East', 0)],
    );
    await db.query(`DELETE FROM team_links WHERE team_id = (SELECT id FROM team WHERE workspace_id = $1 AND name = 'East')`, [ws]);
    await db.query(`DELETE FROM team_snapshot WHERE team_id = (SELECT id FROM team WHERE workspace_id = $1 AND name = 'East')`, [ws]);
    expect((await eastReport()).links[0]!.rho).toBeLessThan(0.5);
    await db.transactionScript((tx) => rebuildWorkspaceRollups(tx, ws));
    expect((await eastReport()).links[0]!.rho).toBeCloseTo(0.9429, 4);
  });

  it('recomputes a team’s pairs after a change of its focus, and only its own', async () => {
    const before = await keptRows(db, ws);
    await applyTeams(db, `T0INVAL${kind.toUpperCase()}`, ['cadence.email']);
    const east = await eastReport();
    const after = await keptRows(db, ws);
    expect(east.links.map((l) => l.key)).toEqual(['cadence.email']);
    expect(after.get('East')!.computedAt).not.toBe(before.get('East')!.computedAt);
    expect(after.get('West')!.computedAt).toBe(before.get('West')!.computedAt);
  });
});
