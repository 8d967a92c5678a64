/**
 * Fills the local Salesforce from the demo generator's org (src/seed): each rep a user (in the
 * team's time zone), each lead a Lead (status changing when it is qualified or disqualified, and
 * converted when it becomes an opportunity: its activities then name the new contact), each deal
 * an Opportunity of its account with its stage and amount history as the events happened, calls,
 * emails and social touches completed Tasks (subtypes Call, Email, LinkedIn), meetings and demos
 * Events, each on its lead or contact (WhoId) and opportunity (WhatId). Proposals have no
 * Salesforce record and are counted as left out.
 */
import { orgEvents } from '../../seed/events.js';
import type { SeedEvent, SeedOrg } from '../../seed/types.js';
import { sfDateTime, type LocalSalesforceState, type LocalStage, type SObjectName } from './state.js';

export interface SalesforceSeedResult {
  /** Rep email → user id, seed lead id → Lead id, seed deal id → Opportunity id. */
  users: Map<string, string>;
  leads: Map<string, string>;
  opportunities: Map<string, string>;
  /** Seed event id of each touch → its record, as `task:00T…` or `event:00U…`. */
  activities: Map<string, string>;
  /** Events of types Salesforce has no record for, by type. */
  leftOut: Record<string, number>;
  /** Records written, by object. */
  records: Record<string, number>;
}

/** The subject a seeded demo's Event carries: a source's `meetings.demoSubjects` word. */
export const SEED_DEMO_SUBJECT = 'Product demo';
/** LeadSource of inbound and outbound seeded leads (Salesforce's standard picklist; the default map reads Web as inbound). */
export const SEED_LEAD_SOURCES = { inbound: 'Web', outbound: 'Purchased List' } as const;

const TASKS: Record<string, { subtype: string; type: string | null; subject: string }> = {
  call: { subtype: 'Call', type: 'Call', subject: 'Call' },
  email: { subtype: 'Email', type: 'Email', subject: 'Email' },
  social_touch: { subtype: 'LinkedIn', type: null, subject: 'LinkedIn message' },
};

/** A team stage as a StageName label: demo → Demo, needs_analysis → Needs analysis. */
export const stageLabel = (stage: string) => stage.charAt(0).toUpperCase() + stage.slice(1).replace(/_/g, ' ');

/** One formatter per zone: building one costs far more than formatting with it. */
const DATE_FORMATS = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of an instant in a zone (a date field as the owner's Salesforce shows it). */
function dateIn(ms: number, zone: string): string {
  let format = DATE_FORMATS.get(zone);
  if (!format) DATE_FORMATS.set(zone, (format = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return format.format(ms);
}

/** One StageName picklist for every team (Salesforce has one per org): each team's stages in order, then the closed ones. */
function stagesOf(org: SeedOrg): LocalStage[] {
  const open = [...new Set(org.teams.flatMap((t) => t.pipelineStages))].map((s) => ({ apiName: stageLabel(s), label: stageLabel(s) }));
  return [...open, { apiName: 'Closed Won', label: 'Closed Won', closed: 'won' }, { apiName: 'Closed Lost', label: 'Closed Lost', closed: 'lost' }];
}

export function seedSalesforce(state: LocalSalesforceState, org: SeedOrg): SalesforceSeedResult {
  const result: SalesforceSeedResult = { users: new Map(), leads: new Map(), opportunities: new Map(), activities: new Map(), leftOut: {}, records: {} };
  const since = org.options.end.getTime() - org.options.weeks * 7 * 86_400_000;
  state.setStages(stagesOf(org), since);
  const accounts = new Map<string, string>();
  /** Lead id → the contact it was converted into. */
  const contacts = new Map<string, string>();
  const insert = (object: SObjectName, fields: Parameters<LocalSalesforceState['insert']>[1], at: number) => {
    result.records[object] = (result.records[object] ?? 0) + 1;
    return state.insert(object, fields, at);
  };
  for (const team of org.teams) for (const rep of team.reps) result.users.set(rep.email, state.addUser({ email: rep.email, name: rep.name, timeZone: team.timezone }, since));

  for (const { team, rep, events } of orgEvents(org)) {
    const owner = result.users.get(rep.email)!;
    const firstStage = stageLabel(team.pipelineStages[0]!);
    for (const e of events) apply(e, owner, team.timezone, firstStage);
  }
  return result;

  function apply(e: SeedEvent, owner: string, zone: string, firstStage: string): void {
    const at = Date.parse(e.occurredAt);
    const date = dateIn(at, zone);
    const leadId = e.leadId === undefined ? null : (result.leads.get(e.leadId) ?? null);
    const whoId = leadId === null ? null : (contacts.get(leadId) ?? leadId);
    const whatId = e.dealId === undefined ? null : (result.opportunities.get(e.dealId) ?? null);
    const task = TASKS[e.type];
    if (task) {
      const id = insert(
        'Task',
        { Subject: task.subject, TaskSubtype: task.subtype, Type: task.type, Status: 'Completed', IsClosed: true, ActivityDate: date, OwnerId: owner, WhoId: whoId, WhatId: whatId },
        at,
      );
      result.activities.set(e.id, `task:${id}`);
      return;
    }
    switch (e.type) {
      case 'meeting':
      case 'demo': {
        const id = insert(
          'Event',
          {
            Subject: e.type === 'demo' ? SEED_DEMO_SUBJECT : 'Meeting',
            Type: 'Meeting',
            IsAllDayEvent: false,
            StartDateTime: sfDateTime(at),
            EndDateTime: sfDateTime(at + 30 * 60_000),
            ActivityDate: date,
            IsChild: false,
            OwnerId: owner,
            WhoId: whoId,
            WhatId: whatId,
          },
          at,
        );
        result.activities.set(e.id, `event:${id}`);
        return;
      }
      case 'lead_assigned': {
        const [first, ...last] = (e.leadName ?? '').split(' ');
        const id = insert(
          'Lead',
          {
            FirstName: first ?? null,
            LastName: last.join(' ') || (e.leadId ?? 'Lead'),
            Company: e.accountName ?? null,
            OwnerId: owner,
            Status: 'Open - Not Contacted',
            LeadSource: SEED_LEAD_SOURCES[e.leadSource ?? 'inbound'],
            IsConverted: false,
            ConvertedOpportunityId: null,
            ConvertedDate: null,
          },
          at,
        );
        result.leads.set(e.leadId!, id);
        return;
      }
      case 'lead_qualified':
        state.update('Lead', leadId!, { Status: 'Qualified' }, at);
        return;
      case 'lead_disqualified':
        state.update('Lead', leadId!, { Status: 'Unqualified' }, at);
        return;
      case 'opportunity_created': {
        const name = e.accountName ?? 'Unknown account';
        let account = accounts.get(name);
        if (!account) accounts.set(name, (account = insert('Account', { Name: name }, at)));
        const id = insert(
          'Opportunity',
          { Name: e.dealName ?? e.dealId!, AccountId: account, OwnerId: owner, Amount: e.amount ?? null, StageName: firstStage, CloseDate: dateIn(at + 30 * 86_400_000, zone) },
          at,
        );
        result.opportunities.set(e.dealId!, id);
        if (leadId) {
          contacts.set(leadId, state.convertLead(leadId, { opportunityId: id, accountId: account, date }, at));
          result.records.Contact = (result.records.Contact ?? 0) + 1;
        }
        return;
      }
      case 'stage_changed':
        state.update('Opportunity', whatId!, { StageName: stageLabel(e.stage!) }, at);
        return;
      case 'deal_won':
        state.update('Opportunity', whatId!, { StageName: 'Closed Won', Amount: e.amount ?? 0, CloseDate: date }, at);
        return;
      case 'deal_lost':
        state.update('Opportunity', whatId!, { StageName: 'Closed Lost', CloseDate: date }, at);
        return;
      default:
        result.leftOut[e.type] = (result.leftOut[e.type] ?? 0) + 1;
    }
  }
}
