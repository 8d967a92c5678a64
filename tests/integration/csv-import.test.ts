import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseWorkspace } from '../../src/cli/context.js';
import { systemClock } from '../../src/clock.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { importCsv, type CsvImportOptions } from '../../src/ingest/csv-import.js';
import { ingestEvents, ingestEventsDetailed } from '../../src/ingest/ingest-events.js';
import { parseFieldMap, parseStatusMap } from '../../src/ingest/csv-rows.js';
import { createPostgresDatabase, createTestDatabase, DATABASE_KINDS } from '../helpers/db.js';

const ISO_EXPECTED = 'expected ISO 8601 (2026-11-02, 2026-11-02T10:00 or 2026-11-02T10:00:00-06:00)';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pacer-csv-'));
});

async function writeCsv(text: string, name = `f-${randomBytes(4).toString('hex')}.csv`): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

const readRejected = async (file: string): Promise<string[][]> => parse(await readFile(file.replace(/\.csv$/, '.rejected.csv')), { bom: true });

describe.each(DATABASE_KINDS)('CSV import on %s', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.close();
  });

  /**
   * A workspace of its own per test: Anna (Central, America/Chicago; CRM owner "Anna Snelling",
   * Slack U0ANNA) and Lee (London, Europe/London; Slack U0LEE).
   */
  async function workspace(timezone = 'UTC'): Promise<number> {
    const ws = await db.prisma.workspace.create({ data: { slackTeamId: `T${randomBytes(5).toString('hex').toUpperCase()}`, timezone } });
    const central = await db.prisma.team.create({
      data: { workspaceId: ws.id, name: 'Central', timezone: 'America/Chicago', pipelineStages: ['discovery', 'demo', 'proposal'], focus: [] },
    });
    const london = await db.prisma.team.create({ data: { workspaceId: ws.id, name: 'London', timezone: 'Europe/London', pipelineStages: [], focus: [] } });
    const anna = await db.prisma.member.create({
      data: { workspaceId: ws.id, email: 'anna@example.com', name: 'Anna', crmOwnerId: 'Anna Snelling', slackUserId: 'U0ANNA' },
    });
    const lee = await db.prisma.member.create({ data: { workspaceId: ws.id, email: 'lee@example.com', name: 'Lee', slackUserId: 'U0LEE' } });
    await db.prisma.teamMembership.create({ data: { teamId: central.id, memberId: anna.id, role: 'rep' } });
    await db.prisma.teamMembership.create({ data: { teamId: london.id, memberId: lee.id, role: 'rep' } });
    return ws.id;
  }

  const run = (workspaceId: number, file: string, options: Partial<CsvImportOptions> = {}) => importCsv(db, { file, workspaceId, kind: 'events', clock: systemClock, ...options });

  const stored = async (workspaceId: number) => {
    const identities = new Map((await db.prisma.identity.findMany({ where: { workspaceId } })).map((i) => [i.id, `${i.kind}:${i.value}`]));
    const events = await db.prisma.activityEvent.findMany({ where: { workspaceId }, orderBy: { externalId: 'asc' } });
    return events.map((e) => ({
      id: e.externalId,
      type: e.type,
      at: e.occurredAt.toISOString(),
      who: identities.get(e.identityId),
      amount: e.amount === null ? null : Number(e.amount),
      dealId: e.dealId,
      leadId: e.leadId,
      metadata: e.metadata,
      names: { dealName: e.dealName, leadName: e.leadName, accountName: e.accountName, url: e.url },
      contentHash: e.contentHash,
      receivedAt: e.receivedAt.toISOString(),
    }));
  };

  it('stops on a wrong header, naming the missing columns and those found, and stores nothing', async () => {
    const ws = await workspace();
    const file = await writeCsv('id,kind,when,owner\ne1,call,2026-11-02,anna@example.com\n');
    await expect(run(ws, file)).rejects.toThrow(
      'wrong header for --kind events: missing required columns type, occurredAt; missing a column naming the rep: one of repEmail, slackUserId, crmOwnerId. ' +
        'Columns found: "id", "kind", "when", "owner".',
    );
    expect(await stored(ws)).toEqual([]);
    expect(existsSync(file.replace(/\.csv$/, '.rejected.csv'))).toBe(false);
  });

  it('stores valid rows around bad ones and writes each bad row with its line, reason and columns (BOM, CRLF, quoted commas and newlines)', async () => {
    const ws = await workspace();
    const file = await writeCsv(
      [
        '\uFEFFid,type,occurredAt,repEmail,amount,dealId,leadId,notes',
        'e1,call,2026-11-02T10:00:00Z,anna@example.com,,,"Acme, Inc",first',
        'e2,call,2026-11-02T11:00:00Z,anna@example.com,,,L2,"two\r\nlines"',
        'e3,call,2026-11-0X,anna@example.com,,,,bad date',
        'e4,call,2026-02-30,anna@example.com,,,,"impossible,\r\ndate"',
        'e5,deal_won,2026-11-02T12:00:00Z,anna@example.com,,D5,,no amount',
        'e6,deal_won,2026-11-02T12:00:00Z,anna@example.com,12k,D6,,bad amount',
        'e7,meeting,2026-11-02,lee@example.com,,,,"last, ""quoted"""',
        '',
      ].join('\r\n'),
    );
    // Batches of two rows, so rejected rows come from several batches.
    const summary = await run(ws, file, { batchRows: 2 });
    expect(summary).toMatchObject({ rowsRead: 7, events: 4, accepted: 3, duplicates: 0, updated: 0, unmatched: 0, rejectedRows: 4, ignoredColumns: ['notes'] });
    expect(summary.rejectedFile).toBe(file.replace(/\.csv$/, '.rejected.csv'));
    expect(await readRejected(file)).toEqual([
      ['line', 'reason', 'id', 'type', 'occurredAt', 'repEmail', 'amount', 'dealId', 'leadId', 'notes'],
      ['5', `occurredAt: "2026-11-0X" in column "occurredAt" is not a date; ${ISO_EXPECTED}`, 'e3', 'call', '2026-11-0X', 'anna@example.com', '', '', '', 'bad date'],
      ['6', `occurredAt: "2026-02-30" in column "occurredAt" is not a real date; ${ISO_EXPECTED}`, 'e4', 'call', '2026-02-30', 'anna@example.com', '', '', '', 'impossible,\r\ndate'],
      ['8', 'amount: amount is required for deal_won', 'e5', 'deal_won', '2026-11-02T12:00:00Z', 'anna@example.com', '', 'D5', '', 'no amount'],
      ['9', 'amount: "12k" is not a number', 'e6', 'deal_won', '2026-11-02T12:00:00Z', 'anna@example.com', '12k', 'D6', '', 'bad amount'],
    ]);
    expect((await stored(ws)).map(({ id, type, at, who, leadId }) => ({ id, type, at, who, leadId }))).toEqual([
      { id: 'e1', type: 'call', at: '2026-11-02T10:00:00.000Z', who: 'email:anna@example.com', leadId: 'Acme, Inc' },
      { id: 'e2', type: 'call', at: '2026-11-02T11:00:00.000Z', who: 'email:anna@example.com', leadId: 'L2' },
      { id: 'e7', type: 'meeting', at: '2026-11-02T00:00:00.000Z', who: 'email:lee@example.com', leadId: null },
    ]);
  });

  it('rejects rows holding text PostgreSQL cannot store or metadata nested too deep, with line and reason, and imports the rest', async () => {
    const ws = await workspace();
    const deep = `${'{""a"":'.repeat(5000)}{}${'}'.repeat(5000)}`;
    const file = await writeCsv(
      [
        'id,type,occurredAt,repEmail,leadId,metadata',
        'n1,call,2026-11-02T10:00:00Z,anna@example.com,,',
        'n2,lead_qualified,2026-11-02T10:00:00Z,anna@example.com,L\u0000X,',
        'n3,call,2026-11-02T10:00:00Z,anna@example.com,,"{""note"":""a\\u0000b""}"',
        'n4,call,2026-11-02T10:00:00Z,anna@example.com,,"{""note"":""\\ud800""}"',
        `n5,call,2026-11-02T10:00:00Z,anna@example.com,,"${deep}"`,
        'n6,call,2026-11-02T11:00:00Z,anna@example.com,,"{""note"":""🎉 עברית""}"',
        '',
      ].join('\n'),
    );
    const summary = await run(ws, file);
    expect(summary).toMatchObject({ rowsRead: 6, accepted: 2, rejectedRows: 4 });
    expect((await readRejected(file)).map((row) => row.slice(0, 3))).toEqual([
      ['line', 'reason', 'id'],
      ['3', 'leadId: contains a NUL character (U+0000) at position 1, which cannot be stored; remove it', 'n2'],
      ['4', 'metadata.note: contains a NUL character (U+0000) at position 1, which cannot be stored; remove it', 'n3'],
      ['5', 'metadata.note: contains an unpaired surrogate (U+D800) at position 0, which is not valid Unicode; send whole characters', 'n4'],
      ['6', 'metadata: is nested more than 32 levels deep; at most 32 levels of objects and arrays are allowed', 'n5'],
    ]);
    expect((await stored(ws)).map((e) => [e.id, e.metadata])).toEqual([
      ['n1', null],
      ['n6', { note: '🎉 עברית' }],
    ]);

    const deals = await writeCsv(
      [
        'id,owner,createdAt,closedAt,status,amount,stage',
        'D1,anna@example.com,2026-10-01,2026-11-02,won,5000,proposal',
        'D2,ann\u0000a@example.com,2026-10-01,,open,100,',
        'D3,anna@example.com,2026-10-01,,open,100,pro\u0000posal',
      ].join('\n'),
    );
    expect(await run(ws, deals, { kind: 'opportunities' })).toMatchObject({ rowsRead: 3, accepted: 2, rejectedRows: 2 });
    expect((await readRejected(deals)).map((row) => row.slice(0, 2))).toEqual([
      ['line', 'reason'],
      ['3', 'owner: contains a NUL character (U+0000) at position 3, which cannot be stored; remove it'],
      ['4', 'stage: contains a NUL character (U+0000) at position 3, which cannot be stored; remove it'],
    ]);
  });

  it('removes a stale rejected file when a later run rejects nothing', async () => {
    const ws = await workspace();
    const file = await writeCsv('id,type,occurredAt,repEmail\ns1,call,yesterday,anna@example.com\n');
    expect((await run(ws, file)).rejectedRows).toBe(1);
    expect(existsSync(file.replace(/\.csv$/, '.rejected.csv'))).toBe(true);
    await writeFile(file, 'id,type,occurredAt,repEmail\ns1,call,2026-11-02,anna@example.com\n');
    expect(await run(ws, file)).toMatchObject({ accepted: 1, rejectedRows: 0, rejectedFile: null });
    expect(existsSync(file.replace(/\.csv$/, '.rejected.csv'))).toBe(false);
  });

  it("reads a date alone as 00:00 in the rep's team zone: Chicago and London differ, people in no team use the workspace's", async () => {
    const ws = await workspace('Asia/Tokyo');
    const file = await writeCsv(
      [
        'id,type,occurredAt,repEmail,slackUserId',
        'c1,call,2026-11-02,anna@example.com,',
        'c2,call,2026-11-02,,U0LEE',
        'c3,call,2026-07-01,lee@example.com,',
        'c4,call,2026-11-02,new@example.com,',
        'c5,call,2026-11-02T09:00,anna@example.com,',
      ].join('\n'),
    );
    expect(await run(ws, file)).toMatchObject({ accepted: 5, unmatched: 1, unmatchedPeople: ['new@example.com'], rejectedRows: 0 });
    expect((await stored(ws)).map(({ id, at }) => [id, at])).toEqual([
      ['c1', '2026-11-02T06:00:00.000Z'],
      ['c2', '2026-11-02T00:00:00.000Z'],
      ['c3', '2026-06-30T23:00:00.000Z'],
      ['c4', '2026-11-01T15:00:00.000Z'],
      ['c5', '2026-11-02T15:00:00.000Z'],
    ]);
  });

  it('follows --map and --date-format, naming the column and the format of a date it cannot read', async () => {
    const ws = await workspace();
    const file = await writeCsv(
      [
        'Activity ID,Kind,Date,Owner,Deal,Value,Notes',
        'm1,deal_won,11/02/2026 09:30,Anna Snelling,D1,1500,x',
        'm2,call,02/30/2026 09:00,Anna Snelling,,,',
        'm3,demo,11/03/2026 14:00,U0LEE,D1,,',
        '',
      ].join('\n'),
    );
    const summary = await run(ws, file, {
      fieldMap: parseFieldMap('events', ['id=Activity ID,type=Kind,occurredAt=Date', 'crmOwnerId=Owner,dealId=Deal,amount=Value']),
      dateFormat: 'MM/dd/yyyy HH:mm',
    });
    // Owner "U0LEE" is read as a CRM owner id, which no member has: stored, unmatched, in the workspace's zone.
    expect(summary).toMatchObject({ rowsRead: 3, accepted: 2, rejectedRows: 1, unmatched: 1, ignoredColumns: ['Notes'] });
    expect(await readRejected(file)).toEqual([
      ['line', 'reason', 'Activity ID', 'Kind', 'Date', 'Owner', 'Deal', 'Value', 'Notes'],
      ['3', 'occurredAt: "02/30/2026 09:00" in column "Date" is not a valid date; expected the format MM/dd/yyyy HH:mm', 'm2', 'call', '02/30/2026 09:00', 'Anna Snelling', '', '', ''],
    ]);
    expect((await stored(ws)).map(({ id, at, who, amount }) => [id, at, who, amount])).toEqual([
      ['m1', '2026-11-02T15:30:00.000Z', 'crm:Anna Snelling', 1500],
      ['m3', '2026-11-03T14:00:00.000Z', 'crm:U0LEE', null],
    ]);
  });

  it('takes record names and links from the columns --map names, rejecting a link that is not http(s)', async () => {
    const ws = await workspace();
    const file = await writeCsv(
      [
        'id,type,occurredAt,repEmail,dealId,leadId,Deal,Contact,Company,Link',
        'k1,call,2026-11-02T10:00:00Z,anna@example.com,D1,L1,Acme — 40 seats,Jo Park,Acme Logistics,https://crm.example.com/deals/D1',
        'k2,call,2026-11-02T11:00:00Z,anna@example.com,,L2,,Kim Lee,,',
        'k3,call,2026-11-02T12:00:00Z,anna@example.com,D3,,,,,javascript:alert(1)',
        '',
      ].join('\n'),
    );
    const summary = await run(ws, file, { fieldMap: parseFieldMap('events', ['dealName=Deal,leadName=Contact,accountName=Company,url=Link']) });
    expect(summary).toMatchObject({ rowsRead: 3, accepted: 2, rejectedRows: 1, ignoredColumns: [] });
    expect((await stored(ws)).map(({ id, names }) => [id, names])).toEqual([
      ['k1', { dealName: 'Acme — 40 seats', leadName: 'Jo Park', accountName: 'Acme Logistics', url: 'https://crm.example.com/deals/D1' }],
      ['k2', { dealName: null, leadName: 'Kim Lee', accountName: null, url: null }],
    ]);
    expect((await readRejected(file))[1]?.slice(0, 3)).toEqual(['4', 'url: "javascript:alert(1)" is not an http:// or https:// link to the record in the CRM', 'k3']);
  });

  it('stops with the line where a file cannot be parsed further, keeping the rows before it', async () => {
    const ws = await workspace();
    const file = await writeCsv('id,type,occurredAt,repEmail\nq1,call,2026-11-02,anna@example.com\nq2,call,"2026-11-02,anna@example.com\n');
    await expect(run(ws, file)).rejects.toThrow(/cannot read the file after line 2: .*Quote Not Closed.*The row before it was imported; fix the file and import it again/);
    expect((await stored(ws)).map((e) => e.id)).toEqual(['q1']);
  });

  it("ingestEvents keeps the API's four fields; onConflict 'replace' stores changed content and counts it as updated", async () => {
    const ws = await workspace();
    const call = (type: string) => ({ id: 'r1', type, occurredAt: '2026-11-02T10:00:00Z', repEmail: 'anna@example.com' });
    expect(await ingestEvents(db, ws, [call('call')], { receivedAt: new Date() })).toEqual({ accepted: 1, duplicates: 0, unmatched: 0, rejected: [] });
    expect(await ingestEvents(db, ws, [call('email')], { onConflict: 'replace', receivedAt: new Date() })).toEqual({ accepted: 1, duplicates: 0, unmatched: 0, rejected: [] });
    expect(await ingestEventsDetailed(db, ws, [call('meeting'), call('meeting')], { onConflict: 'replace', receivedAt: new Date() })).toEqual({
      accepted: 1,
      duplicates: 1,
      unmatched: 0,
      rejected: [],
      updated: 1,
    });
    expect((await ingestEventsDetailed(db, ws, [call('demo')], { receivedAt: new Date() })).rejected).toEqual([
      { index: 0, id: 'r1', errors: [{ path: 'id', message: expect.stringMatching(/^conflict: /) }] },
    ]);
    expect((await stored(ws)).map((e) => [e.id, e.type])).toEqual([['r1', 'meeting']]);
  });

  it('changes nothing when the same file is imported twice: the second run is all duplicates', async () => {
    const ws = await workspace();
    const file = await writeCsv(
      [
        'id,type,occurredAt,repEmail,dealId,amount,metadata',
        't1,call,2026-11-02T10:00:00-06:00,anna@example.com,,,',
        't2,opportunity_created,2026-11-02,anna@example.com,D1,100,"{""b"":1,""a"":2}"',
        't3,meeting,2026-11-03 08:00,lee@example.com,,,',
      ].join('\n'),
    );
    expect(await run(ws, file)).toMatchObject({ rowsRead: 3, accepted: 3, duplicates: 0, rejectedRows: 0 });
    const before = await stored(ws);
    expect(await run(ws, file)).toMatchObject({ rowsRead: 3, accepted: 0, duplicates: 3, updated: 0, rejectedRows: 0, rejectedFile: null });
    expect(await stored(ws)).toEqual(before);
  });

  describe('opportunities', () => {
    const HEADER = 'id,owner,createdAt,closedAt,status,amount,stage';

    it('derives created/won/lost events, and a re-export updates changed deals and removes what no longer applies', async () => {
      const ws = await workspace();
      const first = [
        HEADER,
        'D1,anna@example.com,2026-10-01,2026-11-02,won,5000,proposal',
        'D2,Anna Snelling,2026-10-01,2026-11-03,Won,7000,',
        'D3,U0LEE,2026-10-05,2026-11-04,WON,3000,',
        'D4,newrep@example.com,2026-10-06,,Negotiation,,',
      ].join('\n');
      const file = await writeCsv(first, 'deals.csv');
      expect(await run(ws, file, { kind: 'opportunities' })).toMatchObject({ rowsRead: 4, events: 7, accepted: 7, updated: 0, removed: 0, unmatched: 1, rejectedRows: 0 });
      const afterFirst = await stored(ws);
      expect(afterFirst.map(({ id, type, at, who, amount, dealId, metadata }) => ({ id, type, at, who, amount, dealId, metadata }))).toEqual([
        { id: 'opp:D1:created', type: 'opportunity_created', at: '2026-10-01T05:00:00.000Z', who: 'email:anna@example.com', amount: 5000, dealId: 'D1', metadata: { stage: 'proposal' } },
        { id: 'opp:D1:won', type: 'deal_won', at: '2026-11-02T06:00:00.000Z', who: 'email:anna@example.com', amount: 5000, dealId: 'D1', metadata: null },
        { id: 'opp:D2:created', type: 'opportunity_created', at: '2026-10-01T05:00:00.000Z', who: 'crm:Anna Snelling', amount: 7000, dealId: 'D2', metadata: null },
        { id: 'opp:D2:won', type: 'deal_won', at: '2026-11-03T06:00:00.000Z', who: 'crm:Anna Snelling', amount: 7000, dealId: 'D2', metadata: null },
        { id: 'opp:D3:created', type: 'opportunity_created', at: '2026-10-04T23:00:00.000Z', who: 'slack:U0LEE', amount: 3000, dealId: 'D3', metadata: null },
        { id: 'opp:D3:won', type: 'deal_won', at: '2026-11-04T00:00:00.000Z', who: 'slack:U0LEE', amount: 3000, dealId: 'D3', metadata: null },
        { id: 'opp:D4:created', type: 'opportunity_created', at: '2026-10-06T00:00:00.000Z', who: 'email:newrep@example.com', amount: 0, dealId: 'D4', metadata: null },
      ]);

      // The same export again: nothing changes.
      expect(await run(ws, file, { kind: 'opportunities' })).toMatchObject({ accepted: 0, duplicates: 7, updated: 0, removed: 0, rejectedRows: 0 });
      expect(await stored(ws)).toEqual(afterFirst);

      // A later export: D1's amount changed, D2 was lost after all, D3 was reopened, D4 is unchanged.
      await writeFile(
        file,
        [
          HEADER,
          'D1,anna@example.com,2026-10-01,2026-11-02,won,6000,proposal',
          'D2,Anna Snelling,2026-10-01,2026-11-10,lost,7000,',
          'D3,U0LEE,2026-10-05,,open,3000,',
          'D4,newrep@example.com,2026-10-06,,Negotiation,,',
        ].join('\n'),
      );
      expect(await run(ws, file, { kind: 'opportunities' })).toMatchObject({ rowsRead: 4, events: 6, accepted: 1, updated: 2, duplicates: 3, removed: 2, rejectedRows: 0 });
      expect((await stored(ws)).map(({ id, type, at, amount }) => [id, type, at, amount])).toEqual([
        ['opp:D1:created', 'opportunity_created', '2026-10-01T05:00:00.000Z', 6000],
        ['opp:D1:won', 'deal_won', '2026-11-02T06:00:00.000Z', 6000],
        ['opp:D2:created', 'opportunity_created', '2026-10-01T05:00:00.000Z', 7000],
        ['opp:D2:lost', 'deal_lost', '2026-11-10T06:00:00.000Z', null],
        ['opp:D3:created', 'opportunity_created', '2026-10-04T23:00:00.000Z', 3000],
        ['opp:D4:created', 'opportunity_created', '2026-10-06T00:00:00.000Z', 0],
      ]);
    });

    it("keeps the optional name, account and url columns on the deal's created event", async () => {
      const ws = await workspace();
      const file = await writeCsv(
        [
          'id,owner,createdAt,closedAt,status,amount,Opportunity,Company,Link',
          'N1,anna@example.com,2026-10-01,2026-11-02,won,5000,Acme — 40 seats,Acme Logistics,https://crm.example.com/o/N1',
          'N2,anna@example.com,2026-10-01,,open,100,,,',
          'N3,anna@example.com,2026-10-01,,open,100,,,ftp://crm.example.com/o/N3',
        ].join('\n'),
      );
      const summary = await run(ws, file, { kind: 'opportunities', fieldMap: parseFieldMap('opportunities', ['name=Opportunity,account=Company,url=Link']) });
      expect(summary).toMatchObject({ rowsRead: 3, accepted: 3, rejectedRows: 1 });
      expect((await stored(ws)).map(({ id, names }) => [id, names])).toEqual([
        ['opp:N1:created', { dealName: 'Acme — 40 seats', leadName: null, accountName: 'Acme Logistics', url: 'https://crm.example.com/o/N1' }],
        ['opp:N1:won', { dealName: null, leadName: null, accountName: null, url: null }],
        ['opp:N2:created', { dealName: null, leadName: null, accountName: null, url: null }],
      ]);
      expect((await readRejected(file))[1]?.slice(0, 3)).toEqual(['4', 'url: "ftp://crm.example.com/o/N3" is not an http:// or https:// link to the record in the CRM', 'N3']);
    });

    it('takes rows in order: a deal listed twice ends as its last row says', async () => {
      const ws = await workspace();
      const file = await writeCsv([HEADER, 'D9,anna@example.com,2026-10-01,2026-11-02,won,500,', 'D9,anna@example.com,2026-10-01,,open,500,'].join('\n'));
      await run(ws, file, { kind: 'opportunities' });
      expect((await stored(ws)).map((e) => e.id)).toEqual(['opp:D9:created']);
    });

    it('maps export statuses with --status-map and rejects a won deal without an amount', async () => {
      const ws = await workspace();
      const file = await writeCsv(
        [
          HEADER,
          'S1,anna@example.com,2026-10-01,2026-11-02,Closed Won,100,',
          'S2,anna@example.com,2026-10-01,2026-11-02,closed lost,200,',
          'S3,anna@example.com,2026-10-01,2026-11-02,Negotiation,300,',
          'S4,anna@example.com,2026-10-01,2026-11-02,Closed Won,,',
        ].join('\n'),
      );
      const summary = await run(ws, file, { kind: 'opportunities', statusMap: parseStatusMap(['Closed Won=won,Closed Lost=lost']) });
      expect(summary).toMatchObject({ rowsRead: 4, accepted: 5, rejectedRows: 1 });
      expect((await stored(ws)).map((e) => [e.id, e.type])).toEqual([
        ['opp:S1:created', 'opportunity_created'],
        ['opp:S1:won', 'deal_won'],
        ['opp:S2:created', 'opportunity_created'],
        ['opp:S2:lost', 'deal_lost'],
        ['opp:S3:created', 'opportunity_created'],
      ]);
      expect((await readRejected(file))[1]).toEqual(['5', 'amount: is empty; a won deal needs its amount (deal_won)', 'S4', 'anna@example.com', '2026-10-01', '2026-11-02', 'Closed Won', '', '']);
    });
  });

  it('chooses the only workspace, or the one named, and explains when it cannot', async () => {
    const empty = await createTestDatabase(kind);
    try {
      await expect(chooseWorkspace(empty, undefined)).rejects.toThrow(/holds no workspace yet: apply a coaching config .* or create an API key/);
      const one = await empty.prisma.workspace.create({ data: { slackTeamId: 'T0ONE' } });
      expect(await chooseWorkspace(empty, undefined)).toMatchObject({ id: one.id, slackTeamId: 'T0ONE' });
      await empty.prisma.workspace.create({ data: { slackTeamId: 'T0TWO', name: 'Two' } });
      await expect(chooseWorkspace(empty, undefined)).rejects.toThrow('holds 2 workspaces; choose one with --workspace: T0ONE, T0TWO (Two)');
      expect(await chooseWorkspace(empty, 'T0TWO')).toMatchObject({ slackTeamId: 'T0TWO' });
      await expect(chooseWorkspace(empty, 'T0NOPE')).rejects.toThrow('has no workspace T0NOPE; it holds T0ONE, T0TWO (Two)');
    } finally {
      await empty.close();
    }
  });
});

describe('pacer import (CLI)', () => {
  const repo = path.resolve(import.meta.dirname, '../..');

  function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'import', ...args], {
        cwd: repo,
        env: { ...process.env, DATABASE_URL: '', PACER_DATA_DIR: dir, LOG_LEVEL: 'warn', ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('exits 1 with a clear message for a missing file, a bad option, a wrong header and no workspace; 0 once the file was read', async () => {
    const missing = await cli([path.join(dir, 'missing.csv')], {});
    expect(missing).toEqual({ code: 1, stdout: '', stderr: `${path.join(dir, 'missing.csv')}: no such file\n` });

    const good = await writeCsv('id,type,occurredAt,repEmail\ncli1,call,2026-11-02,anna@example.com\ncli2,call,someday,anna@example.com\n');
    const badMap = await cli([good, '--map', 'when=Date'], {});
    expect(badMap.code).toBe(1);
    expect(badMap.stderr).toContain('--map: unknown field "when" for --kind events');
    const badStatus = await cli([good, '--kind', 'opportunities', '--status-map', 'Closed Won=yes'], {});
    expect(badStatus).toMatchObject({ code: 1, stderr: expect.stringContaining('the value must be won, lost or open') });
    expect(await cli([good, '--kind', 'deals'], {})).toMatchObject({ code: 1, stderr: '--kind must be events or opportunities, not "deals"\n' });

    const url = await createPostgresDatabase();
    const noWorkspace = await cli([good], { DATABASE_URL: url });
    expect(noWorkspace).toMatchObject({ code: 1, stderr: expect.stringContaining('holds no workspace yet') });

    const db = await openDatabase({ databaseUrl: url, maxConnections: 2 });
    try {
      await db.prisma.workspace.create({ data: { slackTeamId: 'T0CLI' } });
      const wrongHeader = await cli([await writeCsv('id,type,date,repEmail\n')], { DATABASE_URL: url });
      expect(wrongHeader).toMatchObject({ code: 1, stderr: expect.stringContaining('missing required column occurredAt. Columns found: "id", "type", "date", "repEmail"') });

      const ok = await cli([good, '--stats'], { DATABASE_URL: url });
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain(`imported ${good} (events) into workspace T0CLI: 2 rows`);
      expect(ok.stdout).toContain('  events accepted  1\n');
      expect(ok.stdout).toContain(`  rejected rows    1 → ${good.replace(/\.csv$/, '.rejected.csv')}\n`);
      const stats = JSON.parse(ok.stdout.trimEnd().split('\n').at(-1)!);
      expect(stats).toEqual({ rowsPerSecond: expect.any(Number), peakRssMb: expect.any(Number) });
      // Not a terminal: no progress bar on stderr.
      expect(ok.stderr).toBe('');
      expect(await db.prisma.activityEvent.count()).toBe(1);
    } finally {
      await db.close();
    }
  });
});
