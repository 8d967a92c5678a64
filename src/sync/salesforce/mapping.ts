/**
 * Salesforce records → Pacer's events (the table in docs/crm-sync.md). Pure: the source reads
 * the records, their history and the leads converted into them, then hands them here.
 *
 * Versions: an event's version is the latest modification time (SystemModstamp, epoch ms) of
 * everything it is made from — the record, its owner (whose email names the rep and whose time
 * zone places a date), the opportunity's account (its name) and the lead converted into it — so a
 * change upstream replaces the stored event and a replay is a duplicate.
 *
 * Names and links (docs/metrics.md "Events"): an opportunity's events carry its name, its account and
 * its Lightning record page; a lead's events the person's name, company and page. Tasks and
 * Events carry the opportunity and lead ids but never their own page nor copies of the names (a
 * stale copy on a later touch would win over the record's own name).
 */
import { isTimeZone } from '../../config/coaching-schema.js';
import type { SalesforceSourceConfig } from '../../config/sources-rules.js';
import { RECORD_NAME_MAX, type EventInput } from '../../ingest/event-schema.js';
import { startOfDateIn } from '../../metrics/windows.js';
import type { RecordResult } from '../record-results.js';

export interface UserInfo {
  email: string | null;
  /** IANA zone (TimeZoneSidKey), or null when Salesforce gives none Pacer knows. */
  timeZone: string | null;
  updatedMs: number;
}

export interface StageRow {
  ApiName: string | null;
  MasterLabel: string;
  IsClosed: boolean;
  IsWon: boolean;
}

export type StageMeaning = { kind: 'stage'; stage: string } | { kind: 'won' } | { kind: 'lost' } | { kind: 'open' };

export interface MappingContext {
  /** The source's name: the first part of every event id. */
  source: string;
  config: SalesforceSourceConfig;
  users: ReadonlyMap<string, UserInfo>;
  stages: StageMap;
  /** The record's Lightning page. */
  recordUrl(object: 'Lead' | 'Opportunity', id: string): string;
}

// ---------------------------------------------------------------------------------------------
// Records as the REST API returns them (the fields Pacer asks for)

interface Base {
  Id: string;
  SystemModstamp: string | null;
}

export interface TaskRecord extends Base {
  TaskSubtype: string | null;
  Type: string | null;
  IsClosed: boolean;
  ActivityDate: string | null;
  CreatedDate: string | null;
  OwnerId: string | null;
  WhatId: string | null;
  WhoId: string | null;
}

export interface EventRecord extends Base {
  Subject: string | null;
  Type: string | null;
  IsAllDayEvent: boolean;
  StartDateTime: string | null;
  ActivityDate: string | null;
  IsChild: boolean;
  OwnerId: string | null;
  WhatId: string | null;
  WhoId: string | null;
}

export interface LeadRecord extends Base {
  Name: string | null;
  Company: string | null;
  OwnerId: string | null;
  CreatedDate: string | null;
  LastModifiedDate: string | null;
  Status: string | null;
  LeadSource: string | null;
  IsConverted: boolean;
  ConvertedDate: string | null;
}

export interface OpportunityRecord extends Base {
  Name: string | null;
  Account: { Name: string | null; SystemModstamp: string | null } | null;
  RecordType?: { DeveloperName: string | null; Name: string | null } | null;
  OwnerId: string | null;
  Amount: number | null;
  StageName: string | null;
  IsClosed: boolean;
  IsWon: boolean;
  CloseDate: string | null;
  CreatedDate: string | null;
}

export interface LeadHistoryRow {
  LeadId: string;
  Field: string;
  NewValue: unknown;
  CreatedDate: string;
}

export interface OpportunityHistoryRow {
  OpportunityId: string;
  StageName: string | null;
  Amount: number | null;
  CreatedDate: string;
}

/** The lead converted into an opportunity. */
export interface ConvertedLead {
  Id: string;
  ConvertedOpportunityId: string;
  SystemModstamp: string | null;
}

/** A lead converted into a contact: its activities now name the contact (WhoId 003…). */
export interface LeadOfContact {
  Id: string;
  ConvertedContactId: string;
  CreatedDate: string | null;
  SystemModstamp: string | null;
}

/** Leads converted into each contact, oldest first. */
export type ContactLeads = ReadonlyMap<string, readonly LeadOfContact[]>;

/** The fields each object's query reads (the local Salesforce answers exactly these). */
export const FIELDS = {
  User: ['Id', 'Email', 'TimeZoneSidKey', 'SystemModstamp'],
  OpportunityStage: ['ApiName', 'MasterLabel', 'IsClosed', 'IsWon'],
  Lead: ['Id', 'Name', 'Company', 'OwnerId', 'CreatedDate', 'LastModifiedDate', 'Status', 'LeadSource', 'IsConverted', 'ConvertedDate', 'SystemModstamp'],
  Opportunity: ['Id', 'Name', 'Account.Name', 'Account.SystemModstamp', 'OwnerId', 'Amount', 'StageName', 'IsClosed', 'IsWon', 'CloseDate', 'CreatedDate', 'SystemModstamp'],
  OpportunityRecordType: ['RecordType.DeveloperName', 'RecordType.Name'],
  Task: ['Id', 'TaskSubtype', 'Type', 'IsClosed', 'ActivityDate', 'CreatedDate', 'OwnerId', 'WhatId', 'WhoId', 'SystemModstamp'],
  Event: ['Id', 'Subject', 'Type', 'IsAllDayEvent', 'StartDateTime', 'ActivityDate', 'IsChild', 'OwnerId', 'WhatId', 'WhoId', 'SystemModstamp'],
} as const;

// ---------------------------------------------------------------------------------------------
// Values

const SF_DATETIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)(Z|[+-]\d{2}:?\d{2})$/;

/** A Salesforce datetime (`2026-11-23T12:00:00.000+0000`) as epoch ms; null when unusable. */
export function parseDateTime(value: string | null | undefined): number | null {
  const m = value ? SF_DATETIME.exec(value) : null;
  if (!m) return null;
  const zone = m[2] === 'Z' ? 'Z' : `${m[2]!.slice(0, 3)}:${m[2]!.slice(-2)}`;
  const ms = Date.parse(`${m[1]}${zone}`);
  if (!Number.isFinite(ms)) return null;
  const year = new Date(ms).getUTCFullYear();
  return year >= 1970 && year <= 2999 ? ms : null;
}

/** A date field (`2026-11-23`) as 00:00 of that day in `zone` (docs/metrics.md: a date without a time). */
export function parseDate(value: string | null | undefined, zone: string): number | null {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const ms = startOfDateIn(value, zone).getTime();
  return Number.isFinite(ms) && new Date(ms).getUTCFullYear() >= 1970 && new Date(ms).getUTCFullYear() <= 2999 ? ms : null;
}

/** One formatter per zone: building one costs far more than formatting with it. */
const DATE_FORMATS = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of an instant in `zone`. */
function dateIn(ms: number, zone: string): string {
  let format = DATE_FORMATS.get(zone);
  if (!format) DATE_FORMATS.set(zone, (format = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return format.format(ms);
}

const iso = (ms: number) => new Date(ms).toISOString();

function clipName(value: string | null | undefined): string | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  return v.length > RECORD_NAME_MAX ? `${v.slice(0, RECORD_NAME_MAX - 1)}…` : v;
}

/** A stage label as a team's stage name: "Needs Analysis" → needs_analysis. */
export function stageNameOf(label: string): string {
  return label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Key prefixes of Salesforce ids: which object a WhatId / WhoId / OwnerId points at. */
export const ID_PREFIX = { opportunity: '006', lead: '00Q', contact: '003', queue: '00G' } as const;

const modified = (r: Base) => parseDateTime(r.SystemModstamp) ?? 0;

interface Rep {
  ref: Pick<EventInput, 'repEmail' | 'crmOwnerId'>;
  zone: string;
  updatedMs: number;
}

function repOf(ownerId: string | null, ctx: MappingContext): Rep | null {
  if (!ownerId) return null;
  const user = ctx.users.get(ownerId);
  const zone = user?.timeZone ?? 'UTC';
  // A user Salesforce no longer lists (or without an email) is kept by id: credited once a member has that crmOwnerId.
  if (!user?.email) return { ref: { crmOwnerId: ownerId }, zone, updatedMs: user?.updatedMs ?? 0 };
  return { ref: { repEmail: user.email.toLowerCase() }, zone, updatedMs: user.updatedMs };
}

/** A TimeZoneSidKey as an IANA zone, or null. */
export function zoneOf(value: string | null | undefined): string | null {
  return value && isTimeZone(value) ? value : null;
}

// ---------------------------------------------------------------------------------------------
// Opportunity stages

/**
 * StageName values to Pacer's: closed ones by Salesforce's OpportunityStage (IsClosed, IsWon),
 * open ones by the config's `stages` (API name or label), else by a label that reads as a
 * team's stage name.
 */
export class StageMap {
  private readonly byName = new Map<string, StageMeaning>();

  constructor(
    rows: readonly StageRow[],
    private readonly config: SalesforceSourceConfig,
    private readonly teamStages: ReadonlySet<string>,
  ) {
    for (const row of rows) {
      const meaning: StageMeaning = row.IsClosed ? (row.IsWon ? { kind: 'won' } : { kind: 'lost' }) : this.openMeaning(row.ApiName ?? row.MasterLabel, row.MasterLabel);
      this.byName.set(row.MasterLabel, meaning);
      if (row.ApiName) this.byName.set(row.ApiName, meaning);
    }
  }

  private openMeaning(apiName: string, label: string): StageMeaning {
    const named = this.config.stages[apiName] ?? this.config.stages[label] ?? (this.teamStages.has(stageNameOf(label)) ? stageNameOf(label) : undefined);
    return named === undefined ? { kind: 'open' } : { kind: 'stage', stage: named };
  }

  /** A StageName's meaning; one OpportunityStage does not list (deleted since) is read as open. */
  meaning(stageName: string): StageMeaning {
    return this.byName.get(stageName) ?? this.openMeaning(stageName, stageName);
  }
}

// ---------------------------------------------------------------------------------------------
// Tasks and Events

type TouchType = 'call' | 'email' | 'meeting' | 'social_touch';

const BY_SUBTYPE: Record<string, TouchType> = { Call: 'call', Email: 'email', LinkedIn: 'social_touch' };
const BY_TYPE: Record<string, TouchType> = { Call: 'call', Email: 'email', Meeting: 'meeting' };

/** What a task is: its subtype (Call, Email, LinkedIn), else for plain tasks its Type picklist. */
function taskTouch(r: TaskRecord): TouchType | { skip: string } {
  const subtype = r.TaskSubtype ?? 'Task';
  if (subtype === 'ListEmail') return { skip: 'list email (a mass email, not a touch)' };
  const bySubtype = BY_SUBTYPE[subtype];
  if (bySubtype) return bySubtype;
  return BY_TYPE[r.Type ?? ''] ?? { skip: `task of subtype ${subtype} and type ${r.Type ?? '(none)'} is not a touch` };
}

const related = (id: string | null, prefix: string) => (id?.startsWith(prefix) ? id : undefined);

/**
 * The touch's lead: its WhoId when a lead; when a contact (converting a lead moves its activities
 * to the contact), the lead converted into it that existed at the touch — the latest created
 * before it, as a contact may take several leads over time.
 */
function leadOf(r: TaskRecord | EventRecord, at: number, contacts: ContactLeads): { id: string; modifiedMs: number } | undefined {
  const lead = related(r.WhoId, ID_PREFIX.lead);
  if (lead !== undefined) return { id: lead, modifiedMs: 0 };
  const converted = r.WhoId?.startsWith(ID_PREFIX.contact) ? contacts.get(r.WhoId) : undefined;
  const existing = converted?.filter((l) => (parseDateTime(l.CreatedDate) ?? Number.POSITIVE_INFINITY) <= at).at(-1);
  return existing ? { id: existing.Id, modifiedMs: parseDateTime(existing.SystemModstamp) ?? 0 } : undefined;
}

function touchEvent(key: string, type: string, at: number, r: TaskRecord | EventRecord, rep: Rep, contacts: ContactLeads): EventInput {
  const dealId = related(r.WhatId, ID_PREFIX.opportunity);
  const lead = leadOf(r, at, contacts);
  return {
    id: key,
    type,
    occurredAt: iso(at),
    ...rep.ref,
    ...(dealId === undefined ? {} : { dealId }),
    ...(lead === undefined ? {} : { leadId: lead.id }),
    version: Math.max(modified(r), rep.updatedMs, lead?.modifiedMs ?? 0, 1),
  };
}

/**
 * A completed task → a call, email or social touch at the moment it was logged (CreatedDate),
 * unless its ActivityDate names another day in the owner's time zone (logged after the fact):
 * then 00:00 of that day there, as docs/metrics.md reads a date without a time.
 */
export function mapTask(r: TaskRecord, ctx: MappingContext, contacts: ContactLeads = new Map()): RecordResult {
  const key = `${ctx.source}:task:${r.Id}`;
  const touch = taskTouch(r);
  if (typeof touch !== 'string') return { key, events: [], skipped: touch.skip };
  if (!r.IsClosed) return { key, events: [], skipped: 'open task (not done yet)' };
  const rep = repOf(r.OwnerId, ctx);
  if (!rep) return { key, events: [], rejected: 'no owner (OwnerId is empty)' };
  const created = parseDateTime(r.CreatedDate);
  if (created === null) return { key, events: [], rejected: `bad date in CreatedDate: ${JSON.stringify(r.CreatedDate)}` };
  let at = created;
  if (r.ActivityDate !== null && r.ActivityDate !== dateIn(created, rep.zone)) {
    const day = parseDate(r.ActivityDate, rep.zone);
    if (day === null) return { key, events: [], rejected: `bad date in ActivityDate: ${JSON.stringify(r.ActivityDate)}` };
    at = day;
  }
  return { key, events: [touchEvent(key, touch, at, r, rep, contacts)] };
}

/** A calendar event → a meeting (or a demo by `meetings.demoTypes` / `demoSubjects`) at its start. */
export function mapEvent(r: EventRecord, ctx: MappingContext, contacts: ContactLeads = new Map()): RecordResult {
  const key = `${ctx.source}:event:${r.Id}`;
  if (r.IsChild) return { key, events: [], skipped: "an invitee's copy of a group event" };
  const rep = repOf(r.OwnerId, ctx);
  if (!rep) return { key, events: [], rejected: 'no owner (OwnerId is empty)' };
  const field = r.IsAllDayEvent ? 'ActivityDate' : 'StartDateTime';
  const at = r.IsAllDayEvent ? parseDate(r.ActivityDate, rep.zone) : parseDateTime(r.StartDateTime);
  if (at === null) return { key, events: [], rejected: `bad date in ${field}: ${JSON.stringify(r[field])}` };
  const { demoTypes, demoSubjects } = ctx.config.meetings;
  const subject = (r.Subject ?? '').toLowerCase();
  const demo = demoTypes.includes(r.Type ?? '') || demoSubjects.some((s) => subject.includes(s.toLowerCase()));
  return { key, events: [touchEvent(key, demo ? 'demo' : 'meeting', at, r, rep, contacts)] };
}

// ---------------------------------------------------------------------------------------------
// Leads

function leadSourceOf(value: string | null, config: SalesforceSourceConfig): 'inbound' | 'outbound' {
  const v = value ?? '';
  if (config.leadSource.outbound.includes(v)) return 'outbound';
  if (config.leadSource.inbound.includes(v)) return 'inbound';
  return config.leadSource.otherwise;
}

/** Ids compared by their case-sensitive 15 characters: history may hold the short form of an 18-character id. */
const sameId = (a: string | null, b: string | null) => a !== null && b !== null && a.length >= 15 && a.slice(0, 15) === b.slice(0, 15);

const historyOf = (rows: readonly LeadHistoryRow[], field: string) =>
  rows
    .filter((h) => h.Field === field)
    .map((h) => ({ value: typeof h.NewValue === 'string' ? h.NewValue : null, at: parseDateTime(h.CreatedDate) }))
    .filter((h): h is { value: string | null; at: number } => h.at !== null)
    .sort((a, b) => a.at - b.at);

/**
 * When Status took its current value, counting a run of values all in `values` as one (a lead
 * qualified, then converted, was qualified at the first). Null when the current value is not one
 * of them, undefined when the history does not tell (Status history tracking off).
 */
function statusSince(history: readonly { value: string | null; at: number }[], current: string | null, values: readonly string[]): number | null | undefined {
  if (!current || !values.includes(current)) return null;
  let since: number | undefined;
  for (let i = history.length - 1; i >= 0 && values.includes(history[i]!.value ?? ''); i -= 1) since = history[i]!.at;
  return since;
}

/**
 * A lead owned by a user → lead_assigned when it was assigned to that owner (its Owner history,
 * else its creation), and lead_qualified / lead_disqualified when its Status is in the config's
 * lists, at the Status change (its history; without Status history tracking, the conversion date
 * or else the lead's last modification).
 */
export function mapLead(r: LeadRecord, history: readonly LeadHistoryRow[], ctx: MappingContext): RecordResult {
  const key = `${ctx.source}:lead:${r.Id}`;
  if (r.OwnerId?.startsWith(ID_PREFIX.queue)) return { key, events: [], skipped: 'owned by a queue (not assigned to a rep yet)' };
  const rep = repOf(r.OwnerId, ctx);
  if (!rep) return { key, events: [], rejected: 'no owner (OwnerId is empty)' };
  const created = parseDateTime(r.CreatedDate);
  if (created === null) return { key, events: [], rejected: `bad date in CreatedDate: ${JSON.stringify(r.CreatedDate)}` };
  const owners = historyOf(history, 'Owner').filter((h) => sameId(h.value, r.OwnerId));
  const assigned = Math.max(owners.at(-1)?.at ?? created, created);
  const statuses = historyOf(history, 'Status');
  const fallback = () => (r.IsConverted ? parseDate(r.ConvertedDate, rep.zone) : null) ?? parseDateTime(r.LastModifiedDate) ?? assigned;
  const decided = (values: readonly string[]) => {
    const since = statusSince(statuses, r.Status, values);
    return since === undefined ? fallback() : since;
  };
  const qualifiedAt = decided(ctx.config.leads.qualified);
  const disqualifiedAt = decided(ctx.config.leads.disqualified);
  const leadName = clipName(r.Name);
  const accountName = clipName(r.Company);
  const base = {
    leadId: r.Id,
    ...rep.ref,
    ...(leadName ? { leadName } : {}),
    ...(accountName ? { accountName } : {}),
    url: ctx.recordUrl('Lead', r.Id),
    version: Math.max(modified(r), rep.updatedMs, 1),
  };
  const events: EventInput[] = [{ id: `${key}:assigned`, type: 'lead_assigned', occurredAt: iso(assigned), leadSource: leadSourceOf(r.LeadSource, ctx.config), ...base }];
  // A status set before the owner (an import) counts from the assignment: nothing comes before it.
  if (qualifiedAt !== null) events.push({ id: `${key}:qualified`, type: 'lead_qualified', occurredAt: iso(Math.max(qualifiedAt, assigned)), ...base });
  if (disqualifiedAt !== null) events.push({ id: `${key}:disqualified`, type: 'lead_disqualified', occurredAt: iso(Math.max(disqualifiedAt, assigned)), ...base });
  return { key, events };
}

// ---------------------------------------------------------------------------------------------
// Opportunities

/** Why an opportunity's record type is not synced, or null when it is (every type without a `recordTypes` list). */
export function recordTypeSkip(r: OpportunityRecord, config: SalesforceSourceConfig): string | null {
  if (config.recordTypes === null) return null;
  const names = [r.RecordType?.DeveloperName, r.RecordType?.Name].filter((n): n is string => !!n);
  if (names.some((n) => config.recordTypes!.includes(n))) return null;
  return `record type ${names.length ? `"${names.at(-1)}"` : '(none)'} is not in recordTypes`;
}

/**
 * An opportunity → opportunity_created at its CreatedDate (with the first amount its history
 * holds; no amount is 0, as in the CSV import), stage_changed at the first entry into each
 * stage mapped to the team's pipeline (OpportunityHistory), and deal_won / deal_lost when it is
 * closed now (IsClosed, IsWon), at the moment it entered its closing stage (won with the amount
 * now). The lead converted into it gives its leadId.
 */
export function mapOpportunity(r: OpportunityRecord, history: readonly OpportunityHistoryRow[], converted: ConvertedLead | undefined, ctx: MappingContext): RecordResult {
  const key = `${ctx.source}:opportunity:${r.Id}`;
  const skip = recordTypeSkip(r, ctx.config);
  if (skip) return { key, events: [], skipped: skip };
  const rep = repOf(r.OwnerId, ctx);
  if (!rep) return { key, events: [], rejected: 'no owner (OwnerId is empty)' };
  const created = parseDateTime(r.CreatedDate);
  if (created === null) return { key, events: [], rejected: `bad date in CreatedDate: ${JSON.stringify(r.CreatedDate)}` };
  const rows = history
    .map((h) => ({ stage: h.StageName, amount: h.Amount, at: parseDateTime(h.CreatedDate) }))
    .filter((h): h is { stage: string | null; amount: number | null; at: number } => h.at !== null)
    .sort((a, b) => a.at - b.at);
  // The first amount it was given (created without one and priced a day later: that price).
  const opening = rows.find((h) => h.amount !== null)?.amount ?? r.Amount;
  for (const amount of [opening, r.Amount]) {
    if (amount !== null && !(Number.isFinite(amount) && amount >= 0 && amount < 1e15)) return { key, events: [], rejected: `bad amount ${JSON.stringify(amount)}` };
  }
  const dealName = clipName(r.Name);
  const accountName = clipName(r.Account?.Name);
  const base = {
    dealId: r.Id,
    ...rep.ref,
    ...(dealName ? { dealName } : {}),
    ...(accountName ? { accountName } : {}),
    url: ctx.recordUrl('Opportunity', r.Id),
    version: Math.max(modified(r), rep.updatedMs, parseDateTime(r.Account?.SystemModstamp) ?? 0, parseDateTime(converted?.SystemModstamp) ?? 0, 1),
  };
  const events: EventInput[] = [{ id: `${key}:created`, type: 'opportunity_created', occurredAt: iso(created), amount: opening ?? 0, ...(converted ? { leadId: converted.Id } : {}), ...base }];
  const entered = new Set<string>();
  for (const h of rows) {
    const meaning = h.stage === null ? null : ctx.stages.meaning(h.stage);
    if (meaning?.kind !== 'stage' || entered.has(meaning.stage)) continue;
    entered.add(meaning.stage);
    events.push({ id: `${key}:stage:${meaning.stage}`, type: 'stage_changed', occurredAt: iso(Math.max(h.at, created)), stage: meaning.stage, ...base });
  }
  if (r.IsClosed) {
    // The first row of the trailing run in the current stage: later rows there are amount or date edits.
    let closedAt: number | null = null;
    for (let i = rows.length - 1; i >= 0 && rows[i]!.stage === r.StageName; i -= 1) closedAt = rows[i]!.at;
    const at = iso(Math.max(closedAt ?? parseDate(r.CloseDate, rep.zone) ?? modified(r), created));
    events.push(r.IsWon ? { id: `${key}:won`, type: 'deal_won', occurredAt: at, amount: r.Amount ?? 0, ...base } : { id: `${key}:lost`, type: 'deal_lost', occurredAt: at, ...base });
  }
  return { key, events };
}
