import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { eventsBehind } from '../../src/db/events-behind.js';
import { ingestEvents } from '../../src/ingest/ingest-events.js';
import { CORE_TOUCH_TYPES } from '../../src/ingest/event-types.js';
import { teamReport } from '../../src/reports/build-report.js';
import { renderBehaviourAlerts } from '../../src/slack/blocks/alert.js';
import { createTestDatabase, DATABASE_KINDS } from '../helpers/db.js';
import { loadScenario, SCENARIO_AS_OF } from '../helpers/scenario.js';

// Record names and links from ingestion to the report (docs/metrics.md "Events", rev 2): alerts and
// "events behind" carry the deal's or lead's name, account and link as of the report's t.

const DEAL_URL = 'https://crm.example.com/deals/S1';
const LEAD_URL = 'https://crm.example.com/leads/L9';

/** Cara's deal S1 goes quiet after Nov 4 (stalled as of the scenario's t); Ben's lead L9 is never touched. */
const namedEvents = [
  {
    id: 's1-open',
    type: 'opportunity_created',
    occurredAt: '2026-11-03T15:00:00Z',
    repEmail: 'cara@example.com',
    dealId: 'S1',
    amount: 9000,
    dealName: 'Acme — 40 seats',
    accountName: 'Acme',
    url: DEAL_URL,
  },
  // Renamed a day later, at the same instant by two events: the higher id's name wins.
  { id: 's1-stage-a', type: 'stage_changed', occurredAt: '2026-11-04T15:00:00Z', repEmail: 'cara@example.com', dealId: 'S1', stage: 'demo', dealName: 'Acme — 50 seats' },
  { id: 's1-stage-b', type: 'call', occurredAt: '2026-11-04T15:00:00Z', repEmail: 'cara@example.com', dealId: 'S1', dealName: 'Acme — 60 seats' },
  // After t: does not count as of t.
  { id: 's1-later', type: 'call', occurredAt: '2026-11-24T15:00:00Z', repEmail: 'cara@example.com', dealId: 'S1', dealName: 'Acme — renamed later', url: 'https://crm.example.com/later' },
  {
    id: 'l9-assigned',
    type: 'lead_assigned',
    occurredAt: '2026-11-20T15:00:00Z',
    repEmail: 'ben@example.com',
    leadId: 'L9',
    leadSource: 'inbound',
    leadName: 'Jo Park',
    accountName: 'Park & Sons',
    url: LEAD_URL,
  },
];

describe.each(DATABASE_KINDS)('record names from ingestion to reports on %s', (kind) => {
  let db: Database;
  let ws: number;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    ws = await loadScenario(db, `T0NAMES${kind.toUpperCase()}`);
    expect((await ingestEvents(db, ws, namedEvents, { receivedAt: SCENARIO_AS_OF })).rejected).toEqual([]);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('names the record of each alert as of t, and the alert message links it', async () => {
    const report = await teamReport(db, ws, 'Central', SCENARIO_AS_OF);
    const alerts = report.members.flatMap((m) => m.alerts.map((a) => ({ rep: m.rep.email, ...a })));
    const stalled = alerts.find((a) => a.rule === 'stalled_deal' && a.subject === 'S1');
    expect(stalled?.record).toEqual({ kind: 'deal', id: 'S1', name: 'Acme — 60 seats', accountName: 'Acme', url: DEAL_URL });
    const untouched = alerts.find((a) => a.rule === 'untouched_lead' && a.subject === 'L9');
    expect(untouched?.record).toEqual({ kind: 'lead', id: 'L9', name: 'Jo Park', accountName: 'Park & Sons', url: LEAD_URL });
    expect(alerts.filter((a) => a.rule === 'activity_drop').every((a) => a.record === null)).toBe(true);

    const message = renderBehaviourAlerts({ items: [{ alert: stalled!, returning: false }], currency: 'USD', timezone: 'America/Chicago' });
    expect(message.text).toContain('Acme — 60 seats ($9K) has gone quiet');
    expect(message.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : []))[0]).toMatchObject({ text: { text: 'Open in CRM' }, url: DEAL_URL });
  });

  it('names the records of the events behind a figure', async () => {
    const cara = await db.prisma.member.findFirstOrThrow({ where: { workspaceId: ws, email: 'cara@example.com' } });
    const behind = (asOf: Date) =>
      eventsBehind(db, {
        workspaceId: ws,
        memberId: cara.id,
        key: 'pipeline_created',
        touchTypes: [...CORE_TOUCH_TYPES],
        from: new Date('2026-10-26T05:00:00Z'),
        to: new Date('2026-11-23T06:00:00Z'),
        limit: 10,
        asOf,
      });
    expect((await behind(SCENARIO_AS_OF))?.events.map((e) => [e.dealId, e.record])).toEqual([
      ['C1', { kind: 'deal', id: 'C1', name: null, accountName: null, url: null }],
      ['S1', { kind: 'deal', id: 'S1', name: 'Acme — 60 seats', accountName: 'Acme', url: DEAL_URL }],
    ]);
    // Once the later rename has happened, the same events read with the deal's new name and link.
    expect((await behind(new Date('2026-11-25T15:00:00Z')))?.events[1]?.record).toEqual({
      kind: 'deal',
      id: 'S1',
      name: 'Acme — renamed later',
      accountName: 'Acme',
      url: 'https://crm.example.com/later',
    });
  });
});
