/**
 * The local Salesforce's data: the sObjects Pacer's sync reads, with the fields it asks for, the
 * history Salesforce keeps by itself (OpportunityHistory on every stage, amount or close date
 * change; LeadHistory for Status and Owner, as with field history tracking on), the recycle bin
 * and its delete log. Writes stamp CreatedDate, LastModifiedDate and SystemModstamp the way
 * Salesforce does, so a sync reading by SystemModstamp sees exactly what changed.
 */
import type { StoredRecord, Value } from './types.js';

export type FieldType = 'id' | 'string' | 'datetime' | 'date' | 'boolean' | 'number' | 'any';

export const SOBJECTS = ['User', 'Account', 'Contact', 'RecordType', 'OpportunityStage', 'Lead', 'LeadHistory', 'Opportunity', 'OpportunityHistory', 'Task', 'Event'] as const;
export type SObjectName = (typeof SOBJECTS)[number];

interface ObjectSchema {
  prefix: string;
  fields: Record<string, FieldType>;
  /** Lookups readable as `Relation.Field`. */
  relations?: Record<string, { via: string; object: SObjectName }>;
}

const SYSTEM: Record<string, FieldType> = { Id: 'id', CreatedDate: 'datetime', LastModifiedDate: 'datetime', SystemModstamp: 'datetime', IsDeleted: 'boolean' };

export const SCHEMA: Record<SObjectName, ObjectSchema> = {
  User: { prefix: '005', fields: { ...SYSTEM, Name: 'string', Email: 'string', TimeZoneSidKey: 'string', IsActive: 'boolean' } },
  Account: { prefix: '001', fields: { ...SYSTEM, Name: 'string' } },
  Contact: { prefix: '003', fields: { ...SYSTEM, FirstName: 'string', LastName: 'string', AccountId: 'id', OwnerId: 'id' } },
  RecordType: { prefix: '012', fields: { ...SYSTEM, Name: 'string', DeveloperName: 'string', SobjectType: 'string' } },
  OpportunityStage: { prefix: '01J', fields: { ...SYSTEM, ApiName: 'string', MasterLabel: 'string', IsActive: 'boolean', IsClosed: 'boolean', IsWon: 'boolean', SortOrder: 'number' } },
  Lead: {
    prefix: '00Q',
    fields: {
      ...SYSTEM,
      FirstName: 'string',
      LastName: 'string',
      Name: 'string',
      Company: 'string',
      OwnerId: 'id',
      Status: 'string',
      LeadSource: 'string',
      IsConverted: 'boolean',
      ConvertedOpportunityId: 'id',
      ConvertedContactId: 'id',
      ConvertedDate: 'date',
    },
  },
  LeadHistory: { prefix: '017', fields: { Id: 'id', IsDeleted: 'boolean', CreatedDate: 'datetime', LeadId: 'id', Field: 'string', OldValue: 'any', NewValue: 'any' } },
  Opportunity: {
    prefix: '006',
    fields: {
      ...SYSTEM,
      Name: 'string',
      AccountId: 'id',
      OwnerId: 'id',
      Amount: 'number',
      StageName: 'string',
      IsClosed: 'boolean',
      IsWon: 'boolean',
      CloseDate: 'date',
      RecordTypeId: 'id',
    },
    relations: { Account: { via: 'AccountId', object: 'Account' }, RecordType: { via: 'RecordTypeId', object: 'RecordType' } },
  },
  OpportunityHistory: {
    prefix: '008',
    fields: { Id: 'id', IsDeleted: 'boolean', CreatedDate: 'datetime', SystemModstamp: 'datetime', OpportunityId: 'id', StageName: 'string', Amount: 'number', CloseDate: 'date' },
  },
  Task: {
    prefix: '00T',
    fields: {
      ...SYSTEM,
      Subject: 'string',
      TaskSubtype: 'string',
      Type: 'string',
      Status: 'string',
      IsClosed: 'boolean',
      ActivityDate: 'date',
      OwnerId: 'id',
      WhatId: 'id',
      WhoId: 'id',
    },
  },
  Event: {
    prefix: '00U',
    fields: {
      ...SYSTEM,
      Subject: 'string',
      Type: 'string',
      IsAllDayEvent: 'boolean',
      StartDateTime: 'datetime',
      EndDateTime: 'datetime',
      ActivityDate: 'date',
      IsChild: 'boolean',
      OwnerId: 'id',
      WhatId: 'id',
      WhoId: 'id',
    },
  },
};

export const isSObject = (name: string): name is SObjectName => (SOBJECTS as readonly string[]).includes(name);
export const schemaOf = (name: SObjectName): ObjectSchema => SCHEMA[name];

/** Objects whose deletions Get Deleted reports and queryAll returns. */
export const REPLICATED: readonly SObjectName[] = ['Lead', 'Opportunity', 'Task', 'Event', 'Account', 'Contact', 'User'];

/** `2026-11-23T12:00:00.000+0000`, as the REST API writes a datetime. */
export const sfDateTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 23)}+0000`;

/** A datetime the state wrote (sfDateTime) as epoch ms. */
export const msOf = (value: Value | undefined) => (typeof value === 'string' ? Date.parse(value.replace(/\+0000$/, 'Z')) : Number.NaN);

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** An 18-character Salesforce id: 15 case-sensitive characters and the case-insensitive suffix Salesforce computes. */
export function salesforceId(prefix: string, n: number): string {
  let digits = '';
  for (let v = n; digits.length < 9; v = Math.floor(v / 62)) digits = BASE62[v % 62]! + digits;
  const id15 = `${prefix}5g0${digits}`;
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let bits = 0;
    for (let i = 0; i < 5; i += 1) if (/[A-Z]/.test(id15[chunk * 5 + i]!)) bits |= 1 << i;
    suffix += SUFFIX[bits];
  }
  return id15 + suffix;
}

const TRACKED: Partial<Record<SObjectName, readonly string[]>> = { Lead: ['Status', 'OwnerId'], Opportunity: ['StageName', 'Amount', 'CloseDate'] };

export interface DeletedEntry {
  object: SObjectName;
  id: string;
  at: number;
}

export interface LocalStage {
  apiName: string;
  label: string;
  closed?: 'won' | 'lost';
}

export class LocalSalesforceState {
  private readonly tables = new Map<SObjectName, Map<string, StoredRecord>>();
  private readonly counters = new Map<SObjectName, number>();
  /** Tasks and events by the lead or contact they name (WhoId), for conversions. */
  private readonly activitiesOf = new Map<string, Set<{ object: 'Task' | 'Event'; id: string }>>();
  /** Every deletion, oldest first (Get Deleted's log). */
  readonly deleted: DeletedEntry[] = [];

  private table(object: SObjectName): Map<string, StoredRecord> {
    let t = this.tables.get(object);
    if (!t) this.tables.set(object, (t = new Map<string, StoredRecord>()));
    return t;
  }

  private nextId(object: SObjectName): string {
    const n = (this.counters.get(object) ?? 0) + 1;
    this.counters.set(object, n);
    return salesforceId(SCHEMA[object].prefix, n);
  }

  /** Creates a record at `at` (epoch ms); Salesforce's own history rows follow. */
  insert(object: SObjectName, fields: Record<string, Value>, at: number): string {
    const id = this.nextId(object);
    const stamp = sfDateTime(at);
    const record: StoredRecord = { Id: id, fields: { Id: id, IsDeleted: false, CreatedDate: stamp, LastModifiedDate: stamp, SystemModstamp: stamp }, deletedAt: null };
    this.table(object).set(id, record);
    this.assign(object, record, fields, at, true);
    return id;
  }

  /** Changes a record at `at`: its modification stamps move, tracked fields get history rows. */
  update(object: SObjectName, id: string, fields: Record<string, Value>, at: number): void {
    const record = this.table(object).get(id);
    if (!record || record.deletedAt !== null) throw new Error(`no live ${object} ${id}`);
    this.assign(object, record, fields, at, false);
    const stamp = sfDateTime(Math.max(at, msOf(record.fields.SystemModstamp)));
    record.fields.LastModifiedDate = stamp;
    record.fields.SystemModstamp = stamp;
  }

  private assign(object: SObjectName, record: StoredRecord, fields: Record<string, Value>, at: number, created: boolean): void {
    const before = { ...record.fields };
    Object.assign(record.fields, fields);
    if ((object === 'Task' || object === 'Event') && before.WhoId !== record.fields.WhoId) this.indexActivity(object, record.Id, before.WhoId, record.fields.WhoId);
    if (object === 'Lead') record.fields.Name = [record.fields.FirstName, record.fields.LastName].filter((v) => typeof v === 'string' && v !== '').join(' ') || null;
    if (object === 'Opportunity' && 'StageName' in fields) {
      const stage = this.stages().find((s) => s.apiName === fields.StageName || s.label === fields.StageName);
      record.fields.IsClosed = stage?.closed !== undefined;
      record.fields.IsWon = stage?.closed === 'won';
    }
    const tracked = TRACKED[object] ?? [];
    const changed = tracked.filter((f) => (created ? record.fields[f] !== undefined : f in fields && before[f] !== record.fields[f]));
    if (object === 'Opportunity' && (created || changed.length > 0)) {
      this.insert('OpportunityHistory', { OpportunityId: record.Id, StageName: record.fields.StageName ?? null, Amount: record.fields.Amount ?? null, CloseDate: record.fields.CloseDate ?? null }, at);
    }
    if (object === 'Lead') {
      if (created) this.insert('LeadHistory', { LeadId: record.Id, Field: 'created', OldValue: null, NewValue: null }, at);
      for (const f of created ? [] : changed) {
        const field = f === 'OwnerId' ? 'Owner' : f;
        if (f === 'OwnerId') {
          // Salesforce writes an owner change twice: by name, then by id.
          const name = (id: Value) => (typeof id === 'string' ? (this.get('User', id)?.fields.Name ?? id) : null);
          this.insert('LeadHistory', { LeadId: record.Id, Field: field, OldValue: name(before[f] ?? null), NewValue: name(record.fields[f] ?? null) }, at);
        }
        this.insert('LeadHistory', { LeadId: record.Id, Field: field, OldValue: before[f] ?? null, NewValue: record.fields[f] ?? null }, at);
      }
    }
  }

  /**
   * Converts a lead at `at` as Salesforce does: a contact (of `accountId`) takes the person, the
   * lead's tasks and events move to it (their WhoId), and the lead records its opportunity and
   * contact and takes a converted status. Returns the contact's id.
   */
  convertLead(leadId: string, into: { opportunityId: string | null; accountId: string | null; date: string }, at: number): string {
    const lead = this.get('Lead', leadId);
    if (!lead || lead.deletedAt !== null) throw new Error(`no live Lead ${leadId}`);
    const contact = this.insert('Contact', { FirstName: lead.fields.FirstName ?? null, LastName: lead.fields.LastName ?? null, AccountId: into.accountId, OwnerId: lead.fields.OwnerId ?? null }, at);
    for (const { object, id } of [...(this.activitiesOf.get(leadId) ?? [])]) if (this.get(object, id)?.deletedAt === null) this.update(object, id, { WhoId: contact }, at);
    this.update('Lead', leadId, { IsConverted: true, ConvertedOpportunityId: into.opportunityId, ConvertedContactId: contact, ConvertedDate: into.date, Status: 'Closed - Converted' }, at);
    return contact;
  }

  private indexActivity(object: 'Task' | 'Event', id: string, from: Value | undefined, to: Value | undefined): void {
    if (typeof from === 'string') {
      const set = this.activitiesOf.get(from);
      for (const entry of set ?? []) if (entry.id === id) set!.delete(entry);
    }
    if (typeof to === 'string') {
      let set = this.activitiesOf.get(to);
      if (!set) this.activitiesOf.set(to, (set = new Set()));
      set.add({ object, id });
    }
  }

  /** Moves a record to the recycle bin at `at` (written to the delete log). */
  remove(object: SObjectName, id: string, at: number): void {
    const record = this.table(object).get(id);
    if (!record || record.deletedAt !== null) throw new Error(`no live ${object} ${id}`);
    record.deletedAt = at;
    record.fields.IsDeleted = true;
    record.fields.SystemModstamp = sfDateTime(at);
    this.deleted.push({ object, id, at });
  }

  get(object: SObjectName, id: string): StoredRecord | undefined {
    return this.table(object).get(id);
  }

  /** Records of `object`: live ones, or (queryAll) deleted ones too. */
  list(object: SObjectName, withDeleted: boolean): StoredRecord[] {
    return [...this.table(object).values()].filter((r) => withDeleted || r.deletedAt === null);
  }

  addUser(user: { email: string | null; name: string; timeZone: string }, at: number): string {
    return this.insert('User', { Email: user.email, Name: user.name, TimeZoneSidKey: user.timeZone, IsActive: true }, at);
  }

  /** Replaces the StageName picklist (OpportunityStage), in order. */
  setStages(stages: readonly LocalStage[], at: number): void {
    this.table('OpportunityStage').clear();
    stages.forEach((s, i) =>
      this.insert('OpportunityStage', { ApiName: s.apiName, MasterLabel: s.label, IsActive: true, IsClosed: s.closed !== undefined, IsWon: s.closed === 'won', SortOrder: i + 1 }, at),
    );
  }

  stages(): LocalStage[] {
    return this.list('OpportunityStage', false).map((r) => ({
      apiName: String(r.fields.ApiName),
      label: String(r.fields.MasterLabel),
      ...(r.fields.IsClosed ? { closed: r.fields.IsWon ? ('won' as const) : ('lost' as const) } : {}),
    }));
  }
}
