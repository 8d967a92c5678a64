/**
 * Salesforce as a sync source: leads, opportunities, then tasks and events. Changed records come
 * from SOQL by SystemModstamp (`WHERE SystemModstamp > :checkpoint less 5 minutes ORDER BY
 * SystemModstamp, Id`: the overlap catches transactions that committed late), paged by
 * `nextRecordsUrl`; each page of up to 2,000 records is mapped with what it needs (owner and
 * status history of leads, stage history and converted leads of opportunities, the leads
 * converted into the contacts activities name; read by id lists of 200) and stored before the
 * next page is read. Deletions come from Get Deleted within its
 * window (15 days), else from queryAll's deleted records (the recycle bin).
 */
import { chunk, collect } from '../record-results.js';
import type { SalesforceSourceConfig } from '../../config/sources-rules.js';
import type { Logger } from '../../logger.js';
import type { Timer } from '../rate-limit.js';
import type { DeletionPage, Position, RecordPage, Source, SourceObject } from '../types.js';
import type { SalesforceCredentials, TokenCache, VariableNames } from './auth.js';
import { SalesforceApiError, SalesforceClient, soqlDateTime } from './client.js';
import {
  FIELDS,
  ID_PREFIX,
  mapEvent,
  mapLead,
  mapOpportunity,
  mapTask,
  parseDateTime,
  recordTypeSkip,
  StageMap,
  zoneOf,
  type ContactLeads,
  type ConvertedLead,
  type EventRecord,
  type LeadHistoryRow,
  type LeadOfContact,
  type LeadRecord,
  type MappingContext,
  type OpportunityHistoryRow,
  type OpportunityRecord,
  type StageRow,
  type TaskRecord,
  type UserInfo,
} from './mapping.js';

/** How far before its checkpoint a run starts reading (a long transaction commits with an earlier SystemModstamp). */
export const OVERLAP_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Get Deleted answers for 15 days before the day of the call; a day less keeps a margin. */
export const DELETED_WINDOW_MS = 14 * DAY_MS;
/** Ids per `IN (…)` list: 200 ids keep the query's URL near 5 KB. */
export const IN_LIST = 200;

export interface SalesforceTuning {
  /** The throttle's window (10 s; shorter in tests). */
  windowMs?: number;
  limitBackoffMs?: number;
  backoffMs?: number;
  timer?: Timer;
  /** The wall clock: Get Deleted's end and the JWT's expiry (never PACER_NOW). */
  now?: () => number;
  deletedWindowMs?: number;
}

export interface SalesforceSourceOptions extends SalesforceTuning {
  config: SalesforceSourceConfig;
  credentials: SalesforceCredentials;
  variables: VariableNames;
  logger: Logger;
  /** Where a stream without a checkpoint starts. */
  start: Date;
  /** Stages of the teams' pipelines (labels that read as one of them need no map entry). */
  teamStages: ReadonlySet<string>;
  tokens: TokenCache;
}

type SfRecord = { Id: string; SystemModstamp: string | null };

const SALESFORCE_ID = /^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/;

/** `'id1', 'id2'`: only well-formed Salesforce ids reach a query. */
function idList(ids: readonly string[]): string {
  return ids
    .map((id) => (SALESFORCE_ID.test(id) ? `'${id}'` : ''))
    .filter(Boolean)
    .join(', ');
}

function groupBy<T>(rows: readonly T[], keyOf: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const list = out.get(keyOf(row));
    if (list) list.push(row);
    else out.set(keyOf(row), [row]);
  }
  return out;
}

export function createSalesforceSource(options: SalesforceSourceOptions): Source {
  const { config, logger } = options;
  const client = new SalesforceClient({
    instanceUrl: config.instanceUrl,
    credentials: options.credentials,
    variables: options.variables,
    limits: config.limits,
    logger,
    tokens: options.tokens,
    ...(options.windowMs === undefined ? {} : { windowMs: options.windowMs }),
    ...(options.limitBackoffMs === undefined ? {} : { limitBackoffMs: options.limitBackoffMs }),
    ...(options.backoffMs === undefined ? {} : { backoffMs: options.backoffMs }),
    ...(options.timer ? { timer: options.timer } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const wallNow = options.now ?? Date.now;
  const deletedWindowMs = options.deletedWindowMs ?? DELETED_WINDOW_MS;
  let ctx: MappingContext | undefined;
  const context = (): MappingContext => {
    if (!ctx) throw new Error('prepare() must run before records are mapped');
    return ctx;
  };

  /** The records of `object` changed since the checkpoint, a query page at a time, oldest change first. */
  async function* changes<R extends SfRecord>(object: string, fields: readonly string[], since: Position | null): AsyncGenerator<RecordPage<R>> {
    // The first run reads from the start's second on (`>` a second before it).
    const fromMs = since === null ? options.start.getTime() - 1000 : Math.max(0, Number(since) - OVERLAP_MS);
    let position = since === null ? options.start.getTime() : Number(since);
    const soql = `SELECT ${fields.join(', ')} FROM ${object} WHERE SystemModstamp > ${soqlDateTime(fromMs)} ORDER BY SystemModstamp, Id`;
    for await (const page of client.query<R>(soql)) {
      if (page.records.length === 0) continue;
      for (const r of page.records) position = Math.max(position, parseDateTime(r.SystemModstamp) ?? 0);
      yield { records: page.records, position: String(position) };
    }
  }

  /** Rows of a child query for `ids`, `IN_LIST` ids a query. */
  async function byIds<R>(ids: readonly string[], query: (list: string) => string): Promise<R[]> {
    const out: R[] = [];
    for (const part of chunk(ids, IN_LIST)) {
      const list = idList(part);
      if (list !== '') out.push(...(await client.queryAll<R>(query(list))));
    }
    return out;
  }

  /**
   * Records deleted since the checkpoint: Get Deleted while the checkpoint lies within its window
   * (the next start is its latestDateCovered); beyond it, or when Salesforce says the delete log
   * no longer reaches that far, the deleted records still in the recycle bin (queryAll, IsDeleted).
   */
  async function* deletions(object: string, singular: string, since: Position | null): AsyncGenerator<DeletionPage> {
    const keyOf = (id: string) => `${context().source}:${singular}:${id}`;
    const end = Math.floor(wallNow() / 60_000) * 60_000;
    const from = since === null ? options.start.getTime() : Number(since);
    // Get Deleted wants its start more than a minute before its end.
    if (end - from <= 60_000) return;
    if (from >= end - deletedWindowMs) {
      try {
        yield* getDeleted(object, from, end, keyOf);
        return;
      } catch (err) {
        if (!(err instanceof SalesforceApiError) || err.errorCode !== 'INVALID_REPLICATION_DATE') throw err;
        logger.info({ object, error: err.message }, "Get Deleted no longer reaches the checkpoint: reading the recycle bin's deleted records instead");
      }
    }
    const soql = `SELECT Id, SystemModstamp FROM ${object} WHERE IsDeleted = true AND SystemModstamp > ${soqlDateTime(from - OVERLAP_MS)} ORDER BY SystemModstamp, Id`;
    for await (const page of client.query<SfRecord>(soql, true)) {
      // Only the last page moves the position: a run stopped midway reads the bin again.
      yield { read: page.records.length, keys: page.records.map((r) => keyOf(r.Id)), position: page.done ? String(end) : (since ?? String(from)) };
    }
  }

  /** Get Deleted over [from, end), halving the range when it holds more ids than one answer may (EXCEEDED_ID_LIMIT). */
  async function* getDeleted(object: string, from: number, end: number, keyOf: (id: string) => string): AsyncGenerator<DeletionPage> {
    let answer;
    try {
      answer = await client.getDeleted(object, from, end);
    } catch (err) {
      const mid = Math.floor((from + (end - from) / 2) / 60_000) * 60_000;
      if (!(err instanceof SalesforceApiError) || err.errorCode !== 'EXCEEDED_ID_LIMIT' || mid - from <= 60_000 || end - mid <= 60_000) throw err;
      yield* getDeleted(object, from, mid, keyOf);
      yield* getDeleted(object, mid, end, keyOf);
      return;
    }
    const covered = parseDateTime(answer.latestDateCovered) ?? end;
    yield { read: answer.deletedRecords.length, keys: answer.deletedRecords.map((r) => keyOf(r.id)), position: String(Math.min(covered, end)) };
  }

  const leads: SourceObject<LeadRecord> = {
    name: 'leads',
    fetchChanges: (since) => changes('Lead', FIELDS.Lead, since),
    async mapRecords(records) {
      const history = groupBy(
        await byIds<LeadHistoryRow>(
          records.map((r) => r.Id),
          (list) => `SELECT LeadId, Field, NewValue, CreatedDate FROM LeadHistory WHERE LeadId IN (${list}) AND Field IN ('Owner', 'Status') ORDER BY LeadId, CreatedDate`,
        ),
        (h) => h.LeadId,
      );
      return collect(records.map((r) => mapLead(r, history.get(r.Id) ?? [], context())));
    },
    listDeletions: (since) => deletions('Lead', 'lead', since),
  };

  const opportunityFields = [...FIELDS.Opportunity, ...(config.recordTypes === null ? [] : FIELDS.OpportunityRecordType)];
  const opportunities: SourceObject<OpportunityRecord> = {
    name: 'opportunities',
    fetchChanges: (since) => changes('Opportunity', opportunityFields, since),
    async mapRecords(records) {
      // Opportunities of record types not synced need nothing more read: they only count as skipped.
      const wanted = records.filter((r) => recordTypeSkip(r, config) === null).map((r) => r.Id);
      const history = groupBy(
        await byIds<OpportunityHistoryRow>(
          wanted,
          (list) => `SELECT OpportunityId, StageName, Amount, CreatedDate FROM OpportunityHistory WHERE OpportunityId IN (${list}) ORDER BY OpportunityId, CreatedDate`,
        ),
        (h) => h.OpportunityId,
      );
      const converted = new Map(
        (await byIds<ConvertedLead>(wanted, (list) => `SELECT Id, ConvertedOpportunityId, SystemModstamp FROM Lead WHERE ConvertedOpportunityId IN (${list}) ORDER BY Id`)).map((l) => [
          l.ConvertedOpportunityId,
          l,
        ]),
      );
      return collect(records.map((r) => mapOpportunity(r, history.get(r.Id) ?? [], converted.get(r.Id), context())));
    },
    listDeletions: (since) => deletions('Opportunity', 'opportunity', since),
  };

  /** Leads converted into contacts, as read this run: a contact is asked about once, whichever object names it first. */
  const contactLeads = new Map<string, Promise<LeadOfContact[]>>();
  /** The leads converted into the contacts these activities name. */
  async function leadsOfContacts(records: readonly (TaskRecord | EventRecord)[]): Promise<ContactLeads> {
    const contacts = [...new Set(records.map((r) => r.WhoId).filter((id): id is string => !!id?.startsWith(ID_PREFIX.contact)))];
    const unknown = contacts.filter((id) => !contactLeads.has(id));
    if (unknown.length > 0) {
      const read = byIds<LeadOfContact>(unknown, (list) => `SELECT Id, ConvertedContactId, CreatedDate, SystemModstamp FROM Lead WHERE ConvertedContactId IN (${list}) ORDER BY CreatedDate, Id`).then(
        (rows) => groupBy(rows, (l) => l.ConvertedContactId),
      );
      for (const id of unknown)
        contactLeads.set(
          id,
          read.then((byContact) => byContact.get(id) ?? []),
        );
    }
    return new Map(await Promise.all(contacts.map(async (id) => [id, await contactLeads.get(id)!] as const)));
  }

  const tasks: SourceObject<TaskRecord> = {
    name: 'tasks',
    fetchChanges: (since) => changes('Task', FIELDS.Task, since),
    async mapRecords(records) {
      const contacts = await leadsOfContacts(records);
      return collect(records.map((r) => mapTask(r, context(), contacts)));
    },
    listDeletions: (since) => deletions('Task', 'task', since),
  };

  const events: SourceObject<EventRecord> = {
    name: 'events',
    fetchChanges: (since) => changes('Event', FIELDS.Event, since),
    async mapRecords(records) {
      const contacts = await leadsOfContacts(records);
      return collect(records.map((r) => mapEvent(r, context(), contacts)));
    },
    listDeletions: (since) => deletions('Event', 'event', since),
  };

  const objects = [leads, opportunities, tasks, events] as SourceObject[];

  return {
    name: config.name,
    kind: 'salesforce',
    async prepare() {
      await client.signIn();
      const users = new Map<string, UserInfo>();
      for (const u of await client.queryAll<{ Id: string; Email: string | null; TimeZoneSidKey: string | null; SystemModstamp: string | null }>(`SELECT ${FIELDS.User.join(', ')} FROM User`)) {
        users.set(u.Id, { email: u.Email, timeZone: zoneOf(u.TimeZoneSidKey), updatedMs: parseDateTime(u.SystemModstamp) ?? 0 });
      }
      const stages = new StageMap(await client.queryAll<StageRow>(`SELECT ${FIELDS.OpportunityStage.join(', ')} FROM OpportunityStage`), config, options.teamStages);
      ctx = {
        source: config.name,
        config,
        users,
        stages,
        recordUrl: (object, id) => `${config.instanceUrl}/lightning/r/${object}/${id}/view`,
      };
    },
    listObjects: () => objects,
    usage: () => ({ requests: client.api.requests, rateLimited: client.api.rateLimited }),
  };
}
