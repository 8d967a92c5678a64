/** The Salesforce org of the sync tests: two reps and a user Pacer does not know, a record type synced and one not. */
import type { LocalSalesforce } from '../../src/local-crm/salesforce/index.js';
import { salesforceSource } from './salesforce.js';

export const NOW = new Date('2026-11-23T12:00:00Z');
export const at = (s: string) => Date.parse(`2026-${s}Z`);
export const iso = (s: string) => new Date(at(s)).toISOString();
const OWNERS_UPDATED = at('10-01T00:00:00');
const QUEUE = '00G5g000000QUEUEAAA';

export function configDoc(instanceUrl: string, extraMembers: object[] = [], source: Record<string, unknown> = {}) {
  return {
    workspace: { id: 'T0SALESFORCE', currency: 'USD' },
    teams: [
      {
        name: 'Central',
        timezone: 'America/Chicago',
        pipelineStages: ['discovery', 'demo', 'proposal'],
        focus: ['cadence.call'],
        members: [{ email: 'boss@x.com', name: 'Boss', role: 'manager' }, { email: 'anna@x.com', name: 'Anna' }, { email: 'ben@x.com', name: 'Ben' }, ...extraMembers],
      },
    ],
    sources: [
      salesforceSource(instanceUrl, {
        stages: { Prospecting: 'discovery' },
        recordTypes: ['New_Business'],
        meetings: { demoTypes: ['Demo'], demoSubjects: ['demo'] },
        ...source,
      }),
    ],
    sync: { since: '2026-11-01' },
  };
}

export function buildOrg(sf: LocalSalesforce) {
  const s = sf.state;
  const anna = s.addUser({ email: 'anna@x.com', name: 'Anna', timeZone: 'America/Chicago' }, OWNERS_UPDATED);
  const ben = s.addUser({ email: 'Ben@X.com', name: 'Ben', timeZone: 'America/Chicago' }, OWNERS_UPDATED);
  const zed = s.addUser({ email: 'zed@x.com', name: 'Zed', timeZone: 'UTC' }, OWNERS_UPDATED);
  s.setStages(
    [
      { apiName: 'Prospecting', label: 'Prospecting' },
      { apiName: 'Qualification', label: 'Qualification' },
      { apiName: 'Demo', label: 'Demo' },
      { apiName: 'Proposal', label: 'Proposal' },
      { apiName: 'Closed Won', label: 'Closed Won', closed: 'won' },
      { apiName: 'Closed Lost', label: 'Closed Lost', closed: 'lost' },
    ],
    OWNERS_UPDATED,
  );
  const newBusiness = s.insert('RecordType', { Name: 'New Business', DeveloperName: 'New_Business', SobjectType: 'Opportunity' }, OWNERS_UPDATED);
  const renewal = s.insert('RecordType', { Name: 'Renewal', DeveloperName: 'Renewal', SobjectType: 'Opportunity' }, OWNERS_UPDATED);
  const acme = s.insert('Account', { Name: 'Acme Logistics' }, at('11-01T10:00:00'));

  const lead = (fields: Record<string, string | boolean | null>, when: string) =>
    s.insert('Lead', { Status: 'Open - Not Contacted', IsConverted: false, ConvertedOpportunityId: null, ConvertedDate: null, ...fields }, at(when));
  const l1 = lead({ FirstName: 'Jo', LastName: 'Park', Company: 'Acme Logistics', OwnerId: anna, LeadSource: 'Web' }, '11-02T16:00:00');
  s.update('Lead', l1, { Status: 'Qualified' }, at('11-03T16:00:00'));
  const l2 = lead({ FirstName: 'Sam', LastName: 'Novak', Company: 'Harbor Foods', OwnerId: QUEUE, LeadSource: 'Purchased List' }, '11-02T17:00:00');
  s.update('Lead', l2, { OwnerId: ben }, at('11-02T18:00:00'));
  s.update('Lead', l2, { Status: 'Unqualified' }, at('11-04T17:00:00'));
  const l3 = lead({ FirstName: 'Mei', LastName: 'Rao', Company: null, OwnerId: zed, LeadSource: 'Partner Referral' }, '11-05T15:00:00');
  const l4 = lead({ FirstName: 'In', LastName: 'Queue', Company: 'Waiting Co', OwnerId: QUEUE, LeadSource: 'Web' }, '11-05T16:00:00');

  const opp = (fields: Record<string, string | number | null>, when: string) => s.insert('Opportunity', { RecordTypeId: newBusiness, AccountId: null, CloseDate: '2026-12-31', ...fields }, at(when));
  const o1 = opp({ Name: 'Acme Logistics — 40 seats', AccountId: acme, OwnerId: anna, Amount: 10000, StageName: 'Prospecting' }, '11-03T18:00:00');
  s.update('Opportunity', o1, { StageName: 'Qualification' }, at('11-04T18:00:00'));
  s.update('Opportunity', o1, { StageName: 'Demo' }, at('11-05T18:00:00'));
  s.update('Opportunity', o1, { StageName: 'Proposal' }, at('11-09T18:00:00'));
  s.update('Opportunity', o1, { StageName: 'Closed Won', Amount: 12000 }, at('11-12T18:00:00'));
  // An amount corrected after the win: the win stays at 11-12, with the amount now.
  s.update('Opportunity', o1, { Amount: 12500 }, at('11-13T10:00:00'));
  const o2 = opp({ Name: 'Harbor pilot', OwnerId: ben, Amount: null, StageName: 'Prospecting' }, '11-04T19:00:00');
  s.update('Opportunity', o2, { StageName: 'Closed Lost' }, at('11-10T19:00:00'));
  const o3 = opp({ Name: 'Renewal', OwnerId: anna, Amount: 500, StageName: 'Prospecting', RecordTypeId: renewal }, '11-06T19:00:00');
  const o4 = opp({ Name: 'Nobody’s', OwnerId: null, Amount: 1, StageName: 'Demo' }, '11-06T19:00:00');

  const task = (fields: Record<string, string | boolean | null>, when: string) =>
    s.insert('Task', { TaskSubtype: 'Call', Type: 'Call', Status: 'Completed', IsClosed: true, WhoId: null, WhatId: null, ...fields }, at(when));
  const t1 = task({ OwnerId: anna, ActivityDate: '2026-11-03', WhoId: l1 }, '11-03T15:30:00');
  // Converted into o1: a contact takes Jo, and the call above moves to it (its WhoId).
  const c1 = s.convertLead(l1, { opportunityId: o1, accountId: acme, date: '2026-11-04' }, at('11-04T16:00:00'));
  // A contact no lead was converted into.
  const c2 = s.insert('Contact', { FirstName: 'Kim', LastName: 'Lee', AccountId: acme, OwnerId: ben }, at('11-01T10:00:00'));
  const t2 = task({ OwnerId: zed, ActivityDate: '2026-11-05' }, '11-05T16:00:00');
  const t3 = task({ OwnerId: anna, ActivityDate: '2026-11-06', WhoId: c1, WhatId: o1 }, '11-06T16:00:00');
  // Logged on the 6th for the 4th: the day it names, at 00:00 in Ben's zone.
  const t4 = task({ OwnerId: ben, TaskSubtype: 'Email', Type: 'Email', ActivityDate: '2026-11-04', WhoId: l2 }, '11-06T15:00:00');
  const t5 = task({ OwnerId: ben, TaskSubtype: 'Task', Type: 'Call', ActivityDate: '2026-11-07', WhoId: c2 }, '11-07T15:00:00');
  const t6 = task({ OwnerId: ben, Status: 'Not Started', IsClosed: false, ActivityDate: '2026-11-30' }, '11-07T15:10:00');
  const t7 = task({ OwnerId: ben, TaskSubtype: 'Task', Type: 'Other', ActivityDate: '2026-11-07' }, '11-07T15:20:00');
  const t8 = task({ OwnerId: ben, TaskSubtype: 'ListEmail', Type: 'Email', ActivityDate: '2026-11-07' }, '11-07T15:30:00');
  const t9 = task({ OwnerId: ben, TaskSubtype: 'LinkedIn', Type: null, ActivityDate: '2026-11-07' }, '11-07T16:00:00');

  const event = (fields: Record<string, string | boolean | null>, when: string) =>
    s.insert('Event', { Type: 'Meeting', IsAllDayEvent: false, IsChild: false, WhoId: null, WhatId: null, ActivityDate: null, ...fields }, at(when));
  const e1 = event({ OwnerId: anna, Subject: 'Product Demo for Acme', StartDateTime: '2026-11-05T15:00:00.000+0000', ActivityDate: '2026-11-05', WhatId: o1 }, '11-04T10:00:00');
  const e2 = event({ OwnerId: ben, Subject: 'Discovery meeting', StartDateTime: '2026-11-07T15:00:00.000+0000', ActivityDate: '2026-11-07', WhoId: l2 }, '11-06T10:00:00');
  const e3 = event({ OwnerId: anna, Subject: 'Discovery meeting', StartDateTime: '2026-11-07T15:00:00.000+0000', ActivityDate: '2026-11-07', IsChild: true }, '11-06T10:00:00');
  const e4 = event({ OwnerId: anna, Subject: 'Onsite', Type: 'Demo', IsAllDayEvent: true, StartDateTime: null, ActivityDate: '2026-11-10' }, '11-06T11:00:00');
  return { anna, ben, zed, l1, l2, l3, l4, c1, c2, o1, o2, o3, o4, t1, t2, t3, t4, t5, t6, t7, t8, t9, e1, e2, e3, e4 };
}

export type Ids = ReturnType<typeof buildOrg>;
