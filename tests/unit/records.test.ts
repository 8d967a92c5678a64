import { describe, expect, it } from 'vitest';
import { recordInfoAsOf, recordInfosAsOf, type RecordNameEvent } from '../../src/metrics/records.js';

// docs/metrics.md "Events" (rev 2): dealName, accountName and url describe the deal when the event has a
// dealId, else the lead; leadName always the lead. A record's name and link are those of its event
// with the highest occurredAt ≤ t that carries one (ties: the highest id).

const T = Date.parse('2026-11-23T15:00:00Z');
const H = 3_600_000;
const ev = (id: string, hoursBeforeT: number, fields: Partial<RecordNameEvent>): RecordNameEvent => ({
  id,
  at: T - hoursBeforeT * H,
  dealId: null,
  leadId: null,
  dealName: null,
  leadName: null,
  accountName: null,
  url: null,
  ...fields,
});

describe('which event names a record', () => {
  const deal = { kind: 'deal', id: 'D1' } as const;
  const lead = { kind: 'lead', id: 'L1' } as const;

  it.each([
    {
      what: 'the latest event ≤ t wins',
      events: [ev('a', 50, { dealId: 'D1', dealName: 'Old name', url: 'https://crm/1' }), ev('b', 10, { dealId: 'D1', dealName: 'New name', url: 'https://crm/2' })],
      want: { name: 'New name', accountName: null, url: 'https://crm/2' },
    },
    {
      what: 'an event after t does not count; one exactly at t does',
      events: [ev('a', 5, { dealId: 'D1', dealName: 'Before' }), ev('b', 0, { dealId: 'D1', dealName: 'At t' }), ev('c', -1, { dealId: 'D1', dealName: 'After t' })],
      want: { name: 'At t', accountName: null, url: null },
    },
    {
      what: 'at the same instant the highest id wins, whatever the order given',
      events: [ev('e-2', 3, { dealId: 'D1', dealName: 'Two' }), ev('e-3', 3, { dealId: 'D1', dealName: 'Three' }), ev('e-1', 3, { dealId: 'D1', dealName: 'One' })],
      want: { name: 'Three', accountName: null, url: null },
    },
    {
      what: 'each field from the latest event carrying it: a later link alone keeps the earlier name',
      events: [ev('a', 20, { dealId: 'D1', dealName: 'Acme — 40 seats', accountName: 'Acme' }), ev('b', 2, { dealId: 'D1', url: 'https://crm/d1' })],
      want: { name: 'Acme — 40 seats', accountName: 'Acme', url: 'https://crm/d1' },
    },
    {
      what: "another deal's events and a lead's name on this deal's event do not name the deal",
      events: [ev('a', 2, { dealId: 'D2', dealName: 'Other deal' }), ev('b', 1, { dealId: 'D1', leadId: 'L1', leadName: 'Jo Park' })],
      want: { name: null, accountName: null, url: null },
    },
  ])('deal: $what', ({ events, want }) => {
    expect(recordInfoAsOf(deal, events, T)).toEqual({ kind: 'deal', id: 'D1', ...want });
  });

  it.each([
    {
      what: 'leadName names the lead even on a deal event, whose account and link are the deal’s',
      events: [
        ev('a', 30, { leadId: 'L1', leadName: 'Jo', accountName: 'Park & Sons', url: 'https://crm/l1' }),
        ev('b', 5, { leadId: 'L1', dealId: 'D1', leadName: 'Jo Park', dealName: 'Park — 5 seats', accountName: 'Park Holdings', url: 'https://crm/d1' }),
      ],
      want: { name: 'Jo Park', accountName: 'Park & Sons', url: 'https://crm/l1' },
    },
    {
      what: 'dealName on an event without a deal names nothing',
      events: [ev('a', 5, { leadId: 'L1', dealName: 'Not a lead name' })],
      want: { name: null, accountName: null, url: null },
    },
    {
      what: 'no event up to t: nothing',
      events: [ev('a', -5, { leadId: 'L1', leadName: 'Jo later', url: 'https://crm/l1' })],
      want: { name: null, accountName: null, url: null },
    },
  ])('lead: $what', ({ events, want }) => {
    expect(recordInfoAsOf(lead, events, T)).toEqual({ kind: 'lead', id: 'L1', ...want });
  });

  it('names several records from one list of events, keyed by kind and id', () => {
    const events = [ev('a', 5, { leadId: 'X', dealId: 'X', leadName: 'Lead X', dealName: 'Deal X' })];
    const infos = recordInfosAsOf(
      [
        { kind: 'deal', id: 'X' },
        { kind: 'lead', id: 'X' },
        { kind: 'deal', id: 'Y' },
      ],
      events,
      T,
    );
    expect([...infos.values()].map((r) => [r.kind, r.id, r.name])).toEqual([
      ['deal', 'X', 'Deal X'],
      ['lead', 'X', 'Lead X'],
      ['deal', 'Y', null],
    ]);
  });
});
