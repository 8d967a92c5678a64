import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { describe, expect, it } from 'vitest';
import {
  checkDateFormat,
  createLineCounter,
  formatReason,
  mapRow,
  parseDateCell,
  parseFieldMap,
  parseImportKind,
  parseStatusMap,
  problemField,
  rejectedFileName,
  resolveHeader,
  type Directory,
  type ImportField,
  type RowContext,
} from '../../src/ingest/csv-rows.js';

/** Anna is in a Chicago team, Lee in a London team, Sam in no team; the workspace is in UTC. */
const people: Record<string, { timezone: string | null }> = {
  'email\u0000anna@example.com': { timezone: 'America/Chicago' },
  'crm\u0000Anna Snelling': { timezone: 'America/Chicago' },
  'slack\u0000U0LEE': { timezone: 'Europe/London' },
  'email\u0000lee@example.com': { timezone: 'Europe/London' },
  'email\u0000sam@example.com': { timezone: null },
};
const directory: Directory = { workspaceTimezone: 'UTC', find: (ref) => people[`${ref.kind}\u0000${ref.value}`] };
const ctx = (extra: Partial<RowContext> = {}): RowContext => ({ directory, statusMap: new Map(), ...extra });

const EVENT_HEADER = ['id', 'type', 'occurredAt', 'repEmail', 'amount', 'dealId', 'metadata', 'version'];
const eventLayout = resolveHeader('events', EVENT_HEADER, new Map());
const OPP_HEADER = ['id', 'owner', 'createdAt', 'closedAt', 'status', 'amount', 'stage'];
const oppLayout = resolveHeader('opportunities', OPP_HEADER, new Map());
const opp = (cells: Partial<Record<(typeof OPP_HEADER)[number], string>>, extra: Partial<RowContext> = {}) =>
  mapRow(
    oppLayout,
    OPP_HEADER.map((h) => cells[h] ?? ''),
    ctx(extra),
  );

describe('command-line settings', () => {
  it('parses --map pairs, repeated or comma-separated, and rejects an unknown field naming the fields', () => {
    expect([...parseFieldMap('events', ['occurredAt=Date,repEmail=Owner Email', 'amount = Deal Value'])]).toEqual([
      ['occurredAt', 'Date'],
      ['repEmail', 'Owner Email'],
      ['amount', 'Deal Value'],
    ]);
    expect(() => parseFieldMap('events', ['when=Date'])).toThrow(
      '--map: unknown field "when" for --kind events; the fields are id, type, occurredAt, repEmail, slackUserId, crmOwnerId, leadId, dealId, amount, stage, leadSource, metadata, dealName, leadName, accountName, url, version',
    );
    expect(() => parseFieldMap('opportunities', ['occurredAt=Date'])).toThrow('unknown field "occurredAt" for --kind opportunities');
    expect(() => parseFieldMap('events', ['occurredAt'])).toThrow('--map: "occurredAt" is not of the form name=value');
  });

  it('parses --status-map case-insensitively and rejects a status other than won, lost or open', () => {
    expect([...parseStatusMap(['Closed Won=won,Closed Lost=LOST', 'Pending=open'])]).toEqual([
      ['closed won', 'won'],
      ['closed lost', 'lost'],
      ['pending', 'open'],
    ]);
    expect(() => parseStatusMap(['Closed Won=victory'])).toThrow('--status-map: "Closed Won=victory" maps to "victory"; the value must be won, lost or open');
  });

  it('accepts only events or opportunities as --kind', () => {
    expect(parseImportKind('opportunities')).toBe('opportunities');
    expect(() => parseImportKind('deals')).toThrow('--kind must be events or opportunities, not "deals"');
  });

  it('rejects a date format date-fns cannot use before any row is read', () => {
    expect(() => checkDateFormat('MM/dd/yyyy')).not.toThrow();
    expect(() => checkDateFormat("dd.MM.yyyy 'at' HH:mm")).not.toThrow();
    expect(() => checkDateFormat('YYYY-MM-DD')).toThrow('use yyyy for the year and dd for the day');
    expect(() => checkDateFormat('MM/dd/yyyy hello')).toThrow('--date-format "MM/dd/yyyy hello" is not a date-fns format');
  });

  it('names the rejected file beside the input', () => {
    expect(rejectedFileName('/data/deals.csv')).toBe('/data/deals.rejected.csv');
    expect(rejectedFileName('/data/DEALS.CSV')).toBe('/data/DEALS.rejected.csv');
    expect(rejectedFileName('/data/export.txt')).toBe('/data/export.txt.rejected.csv');
  });
});

describe('header', () => {
  it('names every missing required column and the columns found', () => {
    expect(() => resolveHeader('events', ['id', 'kind', 'when', 'amount'], new Map())).toThrow(
      'wrong header for --kind events: missing required columns type, occurredAt; missing a column naming the rep: one of repEmail, slackUserId, crmOwnerId. ' +
        'Columns found: "id", "kind", "when", "amount".',
    );
    expect(() => resolveHeader('opportunities', ['id', 'owner', 'createdAt', 'status'], new Map())).toThrow(
      'missing required columns closedAt, amount. Columns found: "id", "owner", "createdAt", "status".',
    );
  });

  it('finds columns case-insensitively, follows --map and lists the columns it ignores', () => {
    const map = new Map<ImportField, string>([
      ['occurredAt', 'Activity Date'],
      ['repEmail', 'Owner'],
    ]);
    const layout = resolveHeader('events', ['ID', 'Type', 'Activity Date', 'owner', 'Notes'], map);
    expect([...layout.columns]).toEqual([
      ['id', 0],
      ['type', 1],
      ['occurredAt', 2],
      ['repEmail', 3],
    ]);
    expect(layout.ignored).toEqual(['Notes']);
  });

  it('says when a --map column is not in the header', () => {
    expect(() => resolveHeader('events', ['id', 'type', 'occurredAt', 'repEmail'], new Map([['amount', 'Value']]))).toThrow('--map amount=Value: there is no column "Value"');
  });
});

describe('dates', () => {
  it('keeps an instant with an offset and reads a date alone as 00:00 in the zone', () => {
    expect(parseDateCell('2026-11-02T10:00:00-05:00', 'Europe/London')).toEqual({ ok: true, iso: '2026-11-02T10:00:00-05:00' });
    expect(parseDateCell('2026-11-02 10:00Z', 'Europe/London')).toEqual({ ok: true, iso: '2026-11-02T10:00Z' });
    const chicago = parseDateCell('2026-11-02', 'America/Chicago');
    const london = parseDateCell('2026-11-02', 'Europe/London');
    expect(chicago.ok && new Date(chicago.iso).toISOString()).toBe('2026-11-02T06:00:00.000Z');
    expect(london.ok && new Date(london.iso).toISOString()).toBe('2026-11-02T00:00:00.000Z');
  });

  it('reads a date-time without an offset as wall-clock time in the zone, across DST', () => {
    const summer = parseDateCell('2026-07-01T09:30', 'America/Chicago');
    const winter = parseDateCell('2026-12-01 09:30:15.250', 'America/Chicago');
    expect(summer).toEqual({ ok: true, iso: '2026-07-01T09:30:00.000-05:00' });
    expect(winter.ok && new Date(winter.iso).toISOString()).toBe('2026-12-01T15:30:15.250Z');
  });

  it('tells a malformed date from an impossible one, with the expected format', () => {
    expect(parseDateCell('11/02/2026', 'UTC')).toMatchObject({ ok: false, reason: 'is not a date', expected: expect.stringContaining('ISO 8601') });
    expect(parseDateCell('2026-02-30', 'UTC')).toMatchObject({ ok: false, reason: 'is not a real date' });
    expect(parseDateCell('2026-11-02T24:00', 'UTC')).toMatchObject({ ok: false, reason: 'is not a real date' });
  });

  it('parses --date-format values in the zone and rejects impossible ones', () => {
    const us = parseDateCell('11/02/2026', 'America/Chicago', 'MM/dd/yyyy');
    expect(us.ok && new Date(us.iso).toISOString()).toBe('2026-11-02T06:00:00.000Z');
    const de = parseDateCell('02.11.2026 14:30', 'Europe/London', 'dd.MM.yyyy HH:mm');
    expect(de.ok && new Date(de.iso).toISOString()).toBe('2026-11-02T14:30:00.000Z');
    expect(parseDateCell('02/30/2026', 'UTC', 'MM/dd/yyyy')).toEqual({ ok: false, reason: 'is not a valid date', expected: 'the format MM/dd/yyyy' });
    expect(parseDateCell('2026-11-02', 'UTC', 'MM/dd/yyyy')).toMatchObject({ ok: false });
    expect(parseDateCell('11/02/2026 extra', 'UTC', 'MM/dd/yyyy')).toMatchObject({ ok: false });
  });
});

describe('event rows', () => {
  const row = (cells: Partial<Record<(typeof EVENT_HEADER)[number], string>>, extra: Partial<RowContext> = {}) =>
    mapRow(
      eventLayout,
      EVENT_HEADER.map((h) => cells[h] ?? ''),
      ctx(extra),
    );

  it('maps cells to event fields, leaving empty cells out and parsing numbers and metadata', () => {
    const result = row({ id: ' e1 ', type: 'deal_won', occurredAt: '2026-11-02T10:00:00Z', repEmail: 'Anna@Example.com', amount: '1200.50', dealId: 'd1', metadata: '{"src":"crm"}', version: '2' });
    expect(result).toEqual({
      ok: true,
      // The email is passed as written: the event schema lower-cases it, as for the API.
      events: [{ id: 'e1', type: 'deal_won', occurredAt: '2026-11-02T10:00:00Z', repEmail: 'Anna@Example.com', amount: 1200.5, dealId: 'd1', metadata: { src: 'crm' }, version: 2 }],
      staleIds: [],
      dealId: null,
      unknownPerson: null,
    });
    // An empty amount is an absent field: ingestEvents then says deal_won needs one.
    expect(row({ id: 'e2', type: 'deal_won', occurredAt: '2026-11-02T10:00:00Z', repEmail: 'anna@example.com', dealId: 'd1' })).toMatchObject({
      ok: true,
      events: [{ id: 'e2', type: 'deal_won', occurredAt: '2026-11-02T10:00:00Z', repEmail: 'anna@example.com', dealId: 'd1' }],
    });
  });

  it("reads a date alone in the rep's team zone, and in the workspace's for someone in no team", () => {
    const at = (repEmail: string) => {
      const r = row({ id: 'e', type: 'call', occurredAt: '2026-11-02', repEmail });
      return r.ok ? new Date(r.events[0]!.occurredAt!).toISOString() : null;
    };
    expect(at('anna@example.com')).toBe('2026-11-02T06:00:00.000Z');
    expect(at('lee@example.com')).toBe('2026-11-02T00:00:00.000Z');
    expect(at('sam@example.com')).toBe('2026-11-02T00:00:00.000Z');
    expect(row({ id: 'e', type: 'call', occurredAt: '2026-11-02', repEmail: 'new@example.com' })).toMatchObject({ ok: true, unknownPerson: 'new@example.com' });
  });

  it('rejects a non-number, a bad date and bad metadata, naming each field', () => {
    const result = row({ id: 'e3', type: 'call', occurredAt: '2026-02-30', repEmail: 'anna@example.com', amount: '12k', metadata: '[1]', version: 'two' });
    expect(result.ok).toBe(false);
    expect(!result.ok && formatReason(result.problems)).toBe(
      'occurredAt: "2026-02-30" in column "occurredAt" is not a real date; expected ISO 8601 (2026-11-02, 2026-11-02T10:00 or 2026-11-02T10:00:00-06:00); ' +
        'amount: "12k" is not a number; version: "two" is not a number; metadata: must be a JSON object, e.g. {"source":"hubspot"}',
    );
  });

  it('names the mapped column of a bad cell', () => {
    const layout = resolveHeader('events', ['id', 'type', 'Date', 'repEmail', 'Value'], parseFieldMap('events', ['occurredAt=Date,amount=Value']));
    const result = mapRow(layout, ['e', 'call', '13/45/2026', 'anna@example.com', 'lots'], ctx({ dateFormat: 'MM/dd/yyyy' }));
    expect(!result.ok && formatReason(result.problems)).toBe(
      'occurredAt: "13/45/2026" in column "Date" is not a valid date; expected the format MM/dd/yyyy; amount: "lots" in column "Value" is not a number',
    );
  });

  it('cuts a long cell it quotes in a reason to 100 characters', () => {
    const layout = resolveHeader('events', ['id', 'type', 'Date', 'repEmail', 'Value'], parseFieldMap('events', ['occurredAt=Date,amount=Value']));
    const result = mapRow(layout, ['e', 'call', 'd'.repeat(10_000), 'anna@example.com', '9x'.repeat(5_000)], ctx());
    expect(!result.ok && formatReason(result.problems)).toBe(
      `occurredAt: "${'d'.repeat(100)}…" in column "Date" is not a date; expected ISO 8601 (2026-11-02, 2026-11-02T10:00 or 2026-11-02T10:00:00-06:00); amount: "${'9x'.repeat(50)}…" in column "Value" is not a number`,
    );
  });

  it('rejects a row with more or fewer fields than the header, but not trailing empty ones', () => {
    const base = ['e', 'call', '2026-11-02T10:00:00Z', 'anna@example.com', '', '', '', ''];
    expect(mapRow(eventLayout, [...base, '', ''], ctx()).ok).toBe(true);
    expect(mapRow(eventLayout, [...base, 'x'], ctx())).toEqual({ ok: false, problems: [{ path: '', message: 'the row has 9 fields; the header has 8 (check the quoting)' }] });
    expect(mapRow(eventLayout, base.slice(0, 5), ctx())).toMatchObject({ ok: false });
  });
});

describe('opportunity rows', () => {
  it('makes a created event and a won event with ids derived from the deal id', () => {
    expect(opp({ id: 'D-1', owner: 'anna@example.com', createdAt: '2026-10-01', closedAt: '2026-11-02', status: 'Won', amount: '5000', stage: 'proposal' })).toEqual({
      ok: true,
      events: [
        { id: 'opp:D-1:created', type: 'opportunity_created', occurredAt: '2026-10-01T00:00:00.000-05:00', repEmail: 'anna@example.com', dealId: 'D-1', amount: 5000, metadata: { stage: 'proposal' } },
        { id: 'opp:D-1:won', type: 'deal_won', occurredAt: '2026-11-02T00:00:00.000-06:00', repEmail: 'anna@example.com', dealId: 'D-1', amount: 5000 },
      ],
      staleIds: ['opp:D-1:lost'],
      dealId: 'D-1',
      unknownPerson: null,
    });
  });

  it('makes a lost event without an amount, and only the created event (amount 0 when empty) for an open deal', () => {
    const lost = opp({ id: 'D-2', owner: 'anna@example.com', createdAt: '2026-10-01', closedAt: '2026-11-02', status: 'LOST' });
    expect(lost).toMatchObject({ ok: true, staleIds: ['opp:D-2:won'] });
    expect(lost.ok && lost.events.map((e) => [e.id, e.type, e.amount])).toEqual([
      ['opp:D-2:created', 'opportunity_created', 0],
      ['opp:D-2:lost', 'deal_lost', undefined],
    ]);
    const open = opp({ id: 'D-3', owner: 'anna@example.com', createdAt: '2026-10-01', closedAt: 'not closed', status: 'Negotiation', amount: '' });
    expect(open).toMatchObject({ ok: true, events: [{ id: 'opp:D-3:created', amount: 0 }], staleIds: ['opp:D-3:won', 'opp:D-3:lost'] });
  });

  it('applies --status-map before the won/lost/open rule', () => {
    const statusMap = parseStatusMap(['Closed Won=won,Closed Lost=lost']);
    const won = opp({ id: 'D-4', owner: 'anna@example.com', createdAt: '2026-10-01', closedAt: '2026-11-02', status: 'closed won', amount: '10' }, { statusMap });
    expect(won.ok && won.events.map((e) => e.type)).toEqual(['opportunity_created', 'deal_won']);
    const lost = opp({ id: 'D-5', owner: 'anna@example.com', createdAt: '2026-10-01', closedAt: '2026-11-02', status: 'Closed Lost' }, { statusMap });
    expect(lost.ok && lost.events.map((e) => e.type)).toEqual(['opportunity_created', 'deal_lost']);
  });

  it('matches the owner by email, CRM owner id or Slack id, and keeps an unknown one for later', () => {
    const owner = (value: string) => {
      const r = opp({ id: 'D', owner: value, createdAt: '2026-10-01T12:00:00Z', closedAt: '', status: 'open' });
      const { id: _id, type: _type, occurredAt: _at, dealId: _deal, amount: _amount, ...who } = r.ok ? r.events[0]! : {};
      return { who, unknown: r.ok ? r.unknownPerson : 'rejected' };
    };
    expect(owner('ANNA@example.com')).toEqual({ who: { repEmail: 'anna@example.com' }, unknown: null });
    expect(owner('Anna Snelling')).toEqual({ who: { crmOwnerId: 'Anna Snelling' }, unknown: null });
    expect(owner('U0LEE')).toEqual({ who: { slackUserId: 'U0LEE' }, unknown: null });
    expect(owner('New.Rep@example.com')).toEqual({ who: { repEmail: 'new.rep@example.com' }, unknown: 'new.rep@example.com' });
    expect(owner('005xx000001')).toEqual({ who: { crmOwnerId: '005xx000001' }, unknown: '005xx000001' });
  });

  it("reads the deal's dates in the owner's team zone", () => {
    const r = opp({ id: 'D-6', owner: 'U0LEE', createdAt: '2026-07-01', closedAt: '2026-07-15 17:00', status: 'lost' });
    expect(r.ok && r.events.map((e) => e.occurredAt)).toEqual(['2026-07-01T00:00:00.000+01:00', '2026-07-15T17:00:00.000+01:00']);
  });

  it('rejects a won deal without an amount or a close date, and a deal without id, owner or creation date', () => {
    const won = opp({ id: 'D-7', owner: 'anna@example.com', createdAt: '2026-10-01', status: 'won' });
    expect(!won.ok && formatReason(won.problems)).toBe('closedAt: is empty; a won deal needs the date it closed; amount: is empty; a won deal needs its amount (deal_won)');
    const empty = opp({ status: 'open' });
    expect(!empty.ok && empty.problems.map((p) => p.path)).toEqual(['id', 'owner', 'createdAt']);
    const bad = opp({ id: 'D-8', owner: 'anna@example.com', createdAt: '2026-13-01', closedAt: '2026-11-31', status: 'won', amount: '1e3x' });
    expect(!bad.ok && bad.problems.map((p) => p.path)).toEqual(['createdAt', 'closedAt', 'amount']);
  });

  it("names ingestion problems by the deal's columns", () => {
    expect(problemField('opportunities', 'deal_won', 'occurredAt')).toBe('closedAt');
    expect(problemField('opportunities', 'opportunity_created', 'occurredAt')).toBe('createdAt');
    expect(problemField('opportunities', 'deal_won', 'repEmail')).toBe('owner');
    expect(problemField('opportunities', 'deal_won', 'dealId')).toBe('id');
    expect(problemField('events', 'deal_won', 'dealId')).toBe('dealId');
  });
});

describe('line numbers', () => {
  async function startLines(text: string, chunkSize: number): Promise<number[]> {
    const buf = Buffer.from(text);
    const chunks: Buffer[] = [];
    for (let i = 0; i < buf.length; i += chunkSize) chunks.push(buf.subarray(i, i + chunkSize));
    const parser = Readable.from(chunks).pipe(parse({ bom: true, raw: true, skip_empty_lines: true, relax_column_count: true }));
    const lineOf = createLineCounter();
    const lines: number[] = [];
    for await (const item of parser as AsyncIterable<{ raw: string }>) lines.push(lineOf(item.raw));
    return lines;
  }

  it.each([1, 2, 3, 7, 64 * 1024])('gives the line each record starts on, whatever the chunking (%i bytes)', async (chunkSize) => {
    expect(await startLines('a,b\n1,2\n"x\ny",3\n4,5\n', chunkSize)).toEqual([1, 2, 3, 5]);
    expect(await startLines('\uFEFFa,b\r\n1,2\r\n"x\r\n\r\ny",3\r\n\r\n4,5\r\n\r\n', chunkSize)).toEqual([1, 2, 3, 7]);
    expect(await startLines('a,b\n\n1,2\n\n\n"x\ny",3\n4,5', chunkSize)).toEqual([1, 3, 6, 8]);
    expect(await startLines('a,b\r\n\r\n1,2\r\n"x\ny",3\r\n4,5', chunkSize)).toEqual([1, 3, 4, 6]);
  });
});
