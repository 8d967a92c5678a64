/**
 * The Salesforce mapping's rules that the sync tests' org does not reach: leads without Status
 * history, a status set before the owner, a win undone and won again, a closed opportunity without
 * history, owners Salesforce no longer lists, the stage map by API name or label, and the
 * datetimes Salesforce writes.
 */
import { describe, expect, it } from 'vitest';
import { resolveSources } from '../../src/config/sources-rules.js';
import type { SalesforceSourceConfig } from '../../src/config/sources-rules.js';
import {
  mapEvent,
  mapLead,
  mapOpportunity,
  mapTask,
  parseDateTime,
  StageMap,
  type EventRecord,
  type LeadRecord,
  type MappingContext,
  type OpportunityRecord,
  type TaskRecord,
} from '../../src/sync/salesforce/mapping.js';

const TEAM_STAGES = new Set(['discovery', 'demo', 'proposal']);

function config(extra: Record<string, unknown> = {}): SalesforceSourceConfig {
  const [source] = resolveSources([{ kind: 'salesforce', instanceUrl: 'https://acme.my.salesforce.com', auth: { clientId: 'env:ID', refreshToken: 'env:RT' }, ...extra } as never], TEAM_STAGES, () => {
    throw new Error('bad config');
  });
  return source as SalesforceSourceConfig;
}

function context(cfg = config()): MappingContext {
  return {
    source: 'salesforce',
    config: cfg,
    users: new Map([['005A', { email: 'Anna@X.com', timeZone: 'America/New_York', updatedMs: 1 }]]),
    stages: new StageMap(
      [
        { ApiName: 'Discovery', MasterLabel: 'Discovery', IsClosed: false, IsWon: false },
        { ApiName: 'Tech_Eval', MasterLabel: 'Technical evaluation', IsClosed: false, IsWon: false },
        { ApiName: 'Closed Won', MasterLabel: 'Closed Won', IsClosed: true, IsWon: true },
        { ApiName: 'Closed Lost', MasterLabel: 'Closed Lost', IsClosed: true, IsWon: false },
      ],
      cfg,
      TEAM_STAGES,
    ),
    recordUrl: (object, id) => `https://acme.my.salesforce.com/lightning/r/${object}/${id}/view`,
  };
}

const lead = (fields: Partial<LeadRecord>): LeadRecord => ({
  Id: '00QA',
  Name: 'Jo Park',
  Company: 'Acme',
  OwnerId: '005A',
  CreatedDate: '2026-11-02T15:00:00.000+0000',
  LastModifiedDate: '2026-11-09T15:00:00.000+0000',
  Status: 'Open',
  LeadSource: 'Web',
  IsConverted: false,
  ConvertedDate: null,
  SystemModstamp: '2026-11-09T15:00:00.000+0000',
  ...fields,
});

const opportunity = (fields: Partial<OpportunityRecord>): OpportunityRecord => ({
  Id: '006A',
  Name: 'Deal',
  Account: null,
  OwnerId: '005A',
  Amount: 100,
  StageName: 'Discovery',
  IsClosed: false,
  IsWon: false,
  CloseDate: '2026-11-20',
  CreatedDate: '2026-11-02T15:00:00.000+0000',
  SystemModstamp: '2026-11-21T15:00:00.000+0000',
  ...fields,
});

const row = (StageName: string, CreatedDate: string, Amount: number | null = 100) => ({ OpportunityId: '006A', StageName, Amount, CreatedDate });
const times = (r: { events: { id: string; occurredAt: string }[] }) => Object.fromEntries(r.events.map((e) => [e.id.split(':').slice(3).join(':'), e.occurredAt]));

describe('Salesforce mapping', () => {
  it('reads the datetimes Salesforce writes, with any offset form, and nothing else', () => {
    expect(parseDateTime('2026-11-02T15:00:00.000+0000')).toBe(Date.parse('2026-11-02T15:00:00Z'));
    expect(parseDateTime('2026-11-02T15:00:00Z')).toBe(Date.parse('2026-11-02T15:00:00Z'));
    expect(parseDateTime('2026-11-02T20:30:00.000+05:30')).toBe(Date.parse('2026-11-02T15:00:00Z'));
    expect(parseDateTime('2026-11-02')).toBeNull();
    expect(parseDateTime('tomorrow')).toBeNull();
    expect(parseDateTime(null)).toBeNull();
  });

  it('without Status history a lead is qualified at its conversion date (00:00 in the owner’s zone), else at its last change', () => {
    const converted = mapLead(lead({ Status: 'Closed - Converted', IsConverted: true, ConvertedDate: '2026-11-05' }), [], context());
    expect(times(converted)).toEqual({ assigned: '2026-11-02T15:00:00.000Z', qualified: '2026-11-05T05:00:00.000Z' });
    const qualified = mapLead(lead({ Status: 'Qualified' }), [], context());
    expect(times(qualified)).toEqual({ assigned: '2026-11-02T15:00:00.000Z', qualified: '2026-11-09T15:00:00.000Z' });
    expect(qualified.events[0]).toMatchObject({
      repEmail: 'anna@x.com',
      leadSource: 'inbound',
      leadName: 'Jo Park',
      accountName: 'Acme',
      url: 'https://acme.my.salesforce.com/lightning/r/Lead/00QA/view',
    });
  });

  it('a status set before the lead reached its owner counts from the assignment', () => {
    const history = [
      { LeadId: '00QA', Field: 'Status', NewValue: 'Unqualified', CreatedDate: '2026-11-03T15:00:00.000+0000' },
      { LeadId: '00QA', Field: 'Owner', NewValue: 'Queue name', CreatedDate: '2026-11-04T15:00:00.000+0000' },
      // The owner's id in its 15-character form.
      { LeadId: '00QA', Field: 'Owner', NewValue: '0055g000004AbCd', CreatedDate: '2026-11-04T15:00:00.000+0000' },
    ];
    const owned = lead({ Status: 'Unqualified', OwnerId: '0055g000004AbCdAAK' });
    const ctx = context();
    const result = mapLead(owned, history, { ...ctx, users: new Map([...ctx.users, ['0055g000004AbCdAAK', { email: 'anna@x.com', timeZone: null, updatedMs: 1 }]]) });
    expect(times(result)).toEqual({ assigned: '2026-11-04T15:00:00.000Z', disqualified: '2026-11-04T15:00:00.000Z' });
  });

  it('a win undone and won again is won at its last entry into the won stage, with the amount now', () => {
    const history = [
      row('Discovery', '2026-11-02T15:00:00.000+0000', 100),
      row('Closed Won', '2026-11-10T15:00:00.000+0000', 100),
      row('Technical evaluation', '2026-11-12T15:00:00.000+0000', 100),
      row('Closed Won', '2026-11-18T15:00:00.000+0000', 150),
      row('Closed Won', '2026-11-19T15:00:00.000+0000', 175),
    ];
    const result = mapOpportunity(
      opportunity({ StageName: 'Closed Won', IsClosed: true, IsWon: true, Amount: 175 }),
      history,
      undefined,
      context(config({ stages: { 'Technical evaluation': 'demo' } })),
    );
    expect(times(result)).toEqual({
      created: '2026-11-02T15:00:00.000Z',
      'stage:discovery': '2026-11-02T15:00:00.000Z',
      'stage:demo': '2026-11-12T15:00:00.000Z',
      won: '2026-11-18T15:00:00.000Z',
    });
    expect(result.events.find((e) => e.type === 'opportunity_created')).toMatchObject({ amount: 100 });
    expect(result.events.find((e) => e.type === 'deal_won')).toMatchObject({ amount: 175 });
  });

  it('an opportunity created without an amount opens with the first amount it was given', () => {
    const history = [row('Discovery', '2026-11-02T15:00:00.000+0000', null), row('Discovery', '2026-11-03T15:00:00.000+0000', 800), row('Discovery', '2026-11-04T15:00:00.000+0000', 900)];
    const created = (r: ReturnType<typeof mapOpportunity>) => r.events.find((e) => e.type === 'opportunity_created');
    expect(created(mapOpportunity(opportunity({ Amount: 900 }), history, undefined, context()))).toMatchObject({ amount: 800, occurredAt: '2026-11-02T15:00:00.000Z' });
    expect(created(mapOpportunity(opportunity({ Amount: null }), [row('Discovery', '2026-11-02T15:00:00.000+0000', null)], undefined, context()))).toMatchObject({ amount: 0 });
  });

  it('a closed opportunity without history closes on its CloseDate, in its owner’s zone', () => {
    expect(times(mapOpportunity(opportunity({ StageName: 'Closed Lost', IsClosed: true }), [], undefined, context()))).toMatchObject({ lost: '2026-11-20T05:00:00.000Z' });
  });

  it('rejects a negative amount; an owner Salesforce no longer lists is kept by id', () => {
    expect(mapOpportunity(opportunity({ Amount: -5 }), [], undefined, context())).toMatchObject({ events: [], rejected: 'bad amount -5' });
    expect(mapOpportunity(opportunity({ OwnerId: '005GONE' }), [], undefined, context()).events[0]).toMatchObject({ crmOwnerId: '005GONE' });
  });

  it('maps a stage by its API name or its label, and a label reading as a team stage needs no entry', () => {
    const history = [row('Tech_Eval', '2026-11-03T15:00:00.000+0000'), row('Proposal', '2026-11-04T15:00:00.000+0000')];
    // Tech_Eval's label is mapped; "Proposal" is in no OpportunityStage, but reads as the team's stage.
    const result = mapOpportunity(opportunity({ StageName: 'Proposal' }), history, undefined, context(config({ stages: { 'Technical evaluation': 'demo' } })));
    expect(result.events.filter((e) => e.type === 'stage_changed').map((e) => e.stage)).toEqual(['demo', 'proposal']);
  });

  it('a task logged on another day than it names is placed at 00:00 of that day in the owner’s zone; an all-day event too; a contact’s touch carries its lead', () => {
    const task: TaskRecord = {
      Id: '00TA',
      TaskSubtype: 'Email',
      Type: 'Email',
      IsClosed: true,
      // Logged at 01:00 UTC on the 6th: still the 5th in New York, the day it names.
      ActivityDate: '2026-11-05',
      CreatedDate: '2026-11-06T01:00:00.000+0000',
      OwnerId: '005A',
      WhatId: '001ACCOUNT',
      WhoId: '003CONTACT',
      SystemModstamp: '2026-11-06T01:00:00.000+0000',
    };
    expect(mapTask(task, context()).events[0]).toEqual({
      id: 'salesforce:task:00TA',
      type: 'email',
      occurredAt: '2026-11-06T01:00:00.000Z',
      repEmail: 'anna@x.com',
      version: Date.parse('2026-11-06T01:00:00Z'),
    });
    expect(mapTask({ ...task, ActivityDate: '2026-11-03' }, context()).events[0]).toMatchObject({ occurredAt: '2026-11-03T05:00:00.000Z' });
    const allDay: EventRecord = {
      Id: '00UA',
      Subject: 'Offsite',
      Type: 'Meeting',
      IsAllDayEvent: true,
      StartDateTime: null,
      ActivityDate: 'soon',
      IsChild: false,
      OwnerId: '005A',
      WhatId: null,
      WhoId: null,
      SystemModstamp: '2026-11-06T01:00:00.000+0000',
    };
    expect(mapEvent(allDay, context())).toMatchObject({ events: [], rejected: 'bad date in ActivityDate: "soon"' });
    // On a contact two leads were converted into: the lead that existed at the touch, the latest created before it.
    const leads = new Map([
      [
        '003C',
        [
          { Id: '00QOLD', ConvertedContactId: '003C', CreatedDate: '2026-10-01T00:00:00.000+0000', SystemModstamp: '2026-10-05T00:00:00.000+0000' },
          { Id: '00QNEW', ConvertedContactId: '003C', CreatedDate: '2026-11-04T00:00:00.000+0000', SystemModstamp: '2026-11-08T00:00:00.000+0000' },
        ],
      ],
    ]);
    expect(mapTask({ ...task, WhoId: '003C' }, context(), leads).events[0]).toMatchObject({ leadId: '00QNEW', version: Date.parse('2026-11-08T00:00:00Z') });
    expect(mapTask({ ...task, WhoId: '003C', ActivityDate: '2026-11-03' }, context(), leads).events[0]).toMatchObject({ leadId: '00QOLD' });
    expect(mapTask({ ...task, WhoId: '003C', ActivityDate: '2026-09-30' }, context(), leads).events[0]).not.toHaveProperty('leadId');
    expect(mapEvent({ ...allDay, ActivityDate: '2026-11-05' }, context()).events[0]).toMatchObject({ type: 'meeting', occurredAt: '2026-11-05T05:00:00.000Z' });
  });
});
