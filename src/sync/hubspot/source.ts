/**
 * HubSpot as a sync source: contacts (leads), deals, then calls, emails and meetings. Changed
 * records come from the search endpoints by last-modified date, oldest first; a query reaches at
 * most 10,000 results, so when paging nears that cap the next query starts at the last
 * modification time read (a new time range), skipping the records of that instant already read;
 * more than 10,000 records modified in one millisecond are paged by id. Each run starts a few
 * minutes before its checkpoint: HubSpot's search index lags behind writes. What the mapping
 * needs beyond the search (associations, property history, companies' names) is read in
 * batches per page of up to 1,000 records. Deletions are HubSpot's archived records.
 */
import { chunk, collect } from '../record-results.js';
import type { HubSpotSourceConfig } from '../../config/sources-rules.js';
import type { Logger } from '../../logger.js';
import type { Timer } from '../rate-limit.js';
import { readAhead } from '../read-ahead.js';
import type { DeletionPage, Position, RecordPage, Source, SourceObject } from '../types.js';
import { HubSpotClient, type HubSpotObject, type HubSpotPages, type HubSpotWindows, type SearchAnswer, type SearchFilter } from './client.js';
import {
  contactNeedsHistory,
  contactProperties,
  DEAL_HISTORY,
  DEAL_PROPERTIES,
  DEAL_SEARCH_PROPERTIES,
  ENGAGEMENT_PROPERTIES,
  mapContact,
  mapDeal,
  mapEngagement,
  parseTime,
  StageMap,
  type DealCompany,
  type EngagementKind,
  type MappingContext,
  type OwnerInfo,
} from './mapping.js';

/** How far before its checkpoint a run starts reading (HubSpot's search index lags behind writes). */
export const OVERLAP_MS = 5 * 60 * 1000;
/**
 * At most this many ids read already are left out of a new time range by `NOT_IN` (one filter);
 * more (a bulk import's instant) are read again and skipped. The search pages cited in
 * docs/crm-sync.md state no limit on a filter's values; this stays far from any.
 */
const MAX_EXCLUDED = 10;
/** Companies' names kept per run (one entry is a few dozen bytes). */
const MAX_COMPANIES_KEPT = 50_000;

export interface HubSpotSourceOptions {
  config: HubSpotSourceConfig;
  token: string;
  logger: Logger;
  /** Where a stream without a checkpoint starts. */
  start: Date;
  /** Stages of the teams' pipelines (labels that read as one of them need no map entry). */
  teamStages: ReadonlySet<string>;
  windows?: HubSpotWindows;
  pages?: Partial<HubSpotPages>;
  timer?: Timer;
  backoffMs?: number;
}

export function createHubSpotSource(options: HubSpotSourceOptions): Source {
  const { config } = options;
  const client = new HubSpotClient({
    apiUrl: config.apiUrl,
    token: options.token,
    limits: config.limits,
    logger: options.logger,
    ...(options.windows ? { windows: options.windows } : {}),
    ...(options.pages ? { pages: options.pages } : {}),
    ...(options.timer ? { timer: options.timer } : {}),
    ...(options.backoffMs === undefined ? {} : { backoffMs: options.backoffMs }),
  });
  // Records per page handed to the runner: one association request per page and object.
  const pages = client.pages;
  let ctx: MappingContext | undefined;
  const context = (): MappingContext => {
    if (!ctx) throw new Error('prepare() must run before records are mapped');
    return ctx;
  };

  /**
   * The records of `objectType` modified at or after `fromMs`, oldest first, one search page at a
   * time. The next page is asked for before this one is handed on, so the search limit's waits
   * overlap with the work on the page (its associations, storing it).
   */
  async function* searchPages(objectType: string, modified: string, properties: readonly string[], filters: readonly SearchFilter[], fromMs: number): AsyncGenerator<HubSpotObject[]> {
    const modifiedOf = (r: HubSpotObject) => parseTime(r.properties[modified]) ?? parseTime(r.updatedAt) ?? 0;
    const props = [...new Set([...properties, modified])];
    /** Ids a new time range leaves out: read already at its first instant (see below). */
    let excluded: string[] = [];
    const query = (from: number, after?: string): Promise<SearchAnswer> => {
      const exclusion: SearchFilter[] = excluded.length > 0 ? [{ propertyName: 'hs_object_id', operator: 'NOT_IN', values: excluded }] : [];
      const answer = client.search(objectType, {
        filterGroups: [{ filters: [{ propertyName: modified, operator: 'GTE', value: String(from) }, ...filters, ...exclusion] }],
        sorts: [{ propertyName: modified, direction: 'ASCENDING' }],
        properties: props,
        limit: pages.search,
        ...(after === undefined ? {} : { after }),
      });
      // Awaited below; until then a failure must not count as unhandled.
      answer.catch(() => undefined);
      return answer;
    };
    let from = fromMs;
    /** Ids read with modification time `from`, which a query starting there returns again. */
    let readAtFrom = new Set<string>();
    let last = from;
    let readAtLast = new Set<string>();
    let pending = query(from);
    for (;;) {
      const answer = await pending;
      const fresh = answer.results.filter((r) => !(modifiedOf(r) === from && readAtFrom.has(r.id)));
      for (const r of answer.results) {
        const m = modifiedOf(r);
        if (m > last) {
          last = m;
          readAtLast = new Set();
        }
        if (m === last) readAtLast.add(r.id);
      }
      const next = answer.paging?.next?.after;
      let crowded = false;
      if (next === undefined) {
        if (fresh.length > 0) yield fresh;
        return;
      }
      if (Number(next) < pages.searchResults) pending = query(from, next);
      else if (last > from) {
        // The query's reach ends here: a new time range from the last modification read. The
        // records of that instant already read are left out of it when they are few (usually
        // one), so the new range does not spend its first page's places on them again.
        from = last;
        readAtFrom = readAtLast;
        readAtLast = new Set(readAtFrom);
        excluded = readAtFrom.size <= MAX_EXCLUDED ? [...readAtFrom] : [];
        pending = query(from);
      } else crowded = true;
      if (fresh.length > 0) yield fresh;
      if (crowded) {
        // Over 10,000 records modified in one millisecond (a bulk import): page them by id.
        yield* sameInstant(objectType, modified, props, filters, from, readAtLast);
        from += 1;
        last = from;
        readAtFrom = new Set();
        readAtLast = new Set();
        excluded = [];
        pending = query(from);
      }
    }
  }

  async function* sameInstant(objectType: string, modified: string, props: string[], filters: readonly SearchFilter[], at: number, read: ReadonlySet<string>): AsyncGenerator<HubSpotObject[]> {
    let lastId = '0';
    for (;;) {
      const answer = await client.search(objectType, {
        filterGroups: [{ filters: [{ propertyName: modified, operator: 'EQ', value: String(at) }, { propertyName: 'hs_object_id', operator: 'GT', value: lastId }, ...filters] }],
        sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
        properties: props,
        limit: pages.search,
      });
      const fresh = answer.results.filter((r) => !read.has(r.id));
      if (fresh.length > 0) yield fresh;
      if (answer.results.length < pages.search) return;
      lastId = answer.results.at(-1)!.id;
    }
  }

  /**
   * Search pages gathered into pages of exactly one association batch (the last may be smaller),
   * each with the position it completes: the modification time of its last record (records of
   * that same instant left for the next page are read again from there, never skipped).
   */
  async function* changes(objectType: string, modified: string, properties: readonly string[], filters: readonly SearchFilter[], since: Position | null): AsyncGenerator<RecordPage<HubSpotObject>> {
    const fromMs = since === null ? options.start.getTime() : Math.max(0, Number(since) - OVERLAP_MS);
    const modifiedOf = (r: HubSpotObject) => parseTime(r.properties[modified]) ?? parseTime(r.updatedAt) ?? 0;
    const page = (records: HubSpotObject[]): RecordPage<HubSpotObject> => ({ records, position: String(Math.max(fromMs, ...records.map(modifiedOf))) });
    let records: HubSpotObject[] = [];
    // Search pages keep coming while the pages in hand are mapped and stored (two pages' worth ahead).
    for await (const found of readAhead(searchPages(objectType, modified, properties, filters, fromMs), 2 * Math.ceil(pages.associations / pages.search))) {
      records.push(...found);
      while (records.length >= pages.associations) {
        yield page(records.slice(0, pages.associations));
        records = records.slice(pages.associations);
      }
    }
    if (records.length > 0) yield page(records);
  }

  /**
   * Archived records since the checkpoint. HubSpot lists them in no time order, so only the last
   * page moves the position (to the latest archive time read): a run stopped midway reads the
   * whole list again.
   */
  async function* deletions(objectType: string, singular: string, since: Position | null): AsyncGenerator<DeletionPage> {
    const fromMs = since === null ? null : Number(since) - OVERLAP_MS;
    let latest = since === null ? 0 : Number(since);
    let after: string | undefined;
    do {
      const page = await client.archived(objectType, after);
      const gone = page.results.filter((r) => fromMs === null || (parseTime(r.archivedAt) ?? Number.POSITIVE_INFINITY) >= fromMs);
      for (const r of page.results) latest = Math.max(latest, parseTime(r.archivedAt) ?? 0);
      after = page.paging?.next?.after;
      yield { read: gone.length, keys: gone.map((r) => `${context().source}:${singular}:${r.id}`), position: after === undefined ? String(latest) : (since ?? '0') };
    } while (after !== undefined);
  }

  const engagement = (objectType: string, kind: EngagementKind): SourceObject<HubSpotObject> => ({
    name: objectType,
    fetchChanges: (since) => changes(objectType, 'hs_lastmodifieddate', ENGAGEMENT_PROPERTIES[kind], [], since),
    async mapRecords(records) {
      const ids = records.map((r) => r.id);
      const [deals, contacts] = [await client.associations(objectType, 'deals', ids), await client.associations(objectType, 'contacts', ids)];
      return collect(records.map((r) => mapEngagement(kind, r, deals.get(r.id), contacts.get(r.id), context())));
    },
    listDeletions: (since) => deletions(objectType, kind, since),
  });

  const contacts: SourceObject<HubSpotObject> = {
    name: 'contacts',
    // Only contacts with an owner are leads a rep can work.
    fetchChanges: (since) => changes('contacts', 'lastmodifieddate', contactProperties(config), [{ propertyName: 'hubspot_owner_id', operator: 'HAS_PROPERTY' }], since),
    async mapRecords(records) {
      const { qualified, disqualified } = config.leads;
      const needing = records.filter((r) => contactNeedsHistory(r, config)).map((r) => r.id);
      const history = new Map<string, HubSpotObject>();
      for (const ids of chunk(needing, pages.batchReadWithHistory)) {
        for (const r of await client.batchRead('contacts', ids, [qualified.property, disqualified.property], [...new Set([qualified.property, disqualified.property])])) history.set(r.id, r);
      }
      return collect(records.map((r) => mapContact({ ...r, propertiesWithHistory: history.get(r.id)?.propertiesWithHistory ?? {} }, context())));
    },
    listDeletions: (since) => deletions('contacts', 'contact', since),
  };

  /**
   * Every deal with its history through the list endpoint (50 a page), for a first or full sync:
   * cheaper than searching the deals and then reading their history, when most are wanted. The
   * position carries the list's cursor (`list:<t0>:<after>`), so a stopped listing resumes where
   * it was; `t0` is the latest modification in the account before the listing began, where the
   * search takes over once the list is done (deals changed while it ran are read again then).
   */
  async function* listedDeals(position: string | null): AsyncGenerator<RecordPage<HubSpotObject>> {
    let t0: number;
    let after: string | undefined;
    if (position === null) {
      const latest = await client.search('deals', { filterGroups: [], sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'DESCENDING' }], properties: ['hs_lastmodifieddate'], limit: 1 });
      t0 = parseTime(latest.results[0]?.properties.hs_lastmodifieddate) ?? options.start.getTime();
    } else {
      const [, at, ...cursor] = position.split(':');
      t0 = Number(at);
      after = cursor.join(':') || undefined;
    }
    const since = options.start.getTime();
    let records: HubSpotObject[] = [];
    for (;;) {
      const page = await client.list('deals', { properties: DEAL_PROPERTIES, propertiesWithHistory: DEAL_HISTORY, limit: pages.batchReadWithHistory, after });
      after = page.paging?.next?.after;
      records.push(...page.results.filter((r) => (parseTime(r.properties.hs_lastmodifieddate) ?? 0) >= since));
      if (after === undefined) break;
      if (records.length >= pages.associations) {
        yield { records, position: `list:${t0}:${after}` };
        records = [];
      }
    }
    yield { records, position: String(t0) };
  }

  /**
   * Deals' companies read in this run (null: not found), so the many deals of one company, spread
   * over pages, read it once. A company renamed during the run is seen at its deals' next change,
   * as one renamed between runs is (a company's change does not move its deals' modification time).
   */
  const companies = new Map<string, DealCompany | null>();
  const keepCompany = (id: string, company: DealCompany | null) => {
    if (companies.size >= MAX_COMPANIES_KEPT) companies.delete(companies.keys().next().value!);
    companies.set(id, company);
  };

  const deals: SourceObject<HubSpotObject> = {
    name: 'deals',
    fetchChanges: (since) => (since === null || since.startsWith('list:') ? listedDeals(since) : changes('deals', 'hs_lastmodifieddate', DEAL_SEARCH_PROPERTIES, [], since)),
    async mapRecords(records) {
      const ctx = context();
      // Deals of pipelines not synced need nothing more read: they only count as skipped.
      const wanted = records.filter((r) => ctx.stages.pipelineSkip(r.properties.pipeline) === null);
      // Listed deals came with their history; searched ones are read with it now.
      const full = new Map(wanted.filter((r) => r.propertiesWithHistory !== undefined).map((r) => [r.id, r]));
      const unread = wanted.filter((r) => r.propertiesWithHistory === undefined).map((r) => r.id);
      for (const ids of chunk(unread, pages.batchReadWithHistory)) {
        for (const r of await client.batchRead('deals', ids, DEAL_PROPERTIES, DEAL_HISTORY)) full.set(r.id, r);
      }
      const readable = [...full.keys()];
      const [companyIds, contactIds] = [await client.associations('deals', 'companies', readable), await client.associations('deals', 'contacts', readable)];
      const primary = new Map(
        readable.flatMap((id) => {
          const ids = companyIds.get(id) ?? [];
          const first = [...ids].sort((a, b) => a.length - b.length || (a < b ? -1 : 1))[0];
          return first === undefined ? [] : [[id, first] as const];
        }),
      );
      // This page's companies: those read on earlier pages, then the others.
      const pageCompanies = new Map<string, DealCompany | null>();
      const unreadCompanies: string[] = [];
      for (const id of new Set(primary.values())) {
        const known = companies.get(id);
        if (known === undefined) unreadCompanies.push(id);
        else pageCompanies.set(id, known);
      }
      for (const ids of chunk(unreadCompanies, pages.batchRead)) {
        const found = new Map((await client.batchRead('companies', ids, ['name', 'hs_lastmodifieddate'])).map((c) => [c.id, c]));
        for (const id of ids) {
          const c = found.get(id);
          const company = c ? { name: c.properties.name ?? null, modifiedMs: parseTime(c.properties.hs_lastmodifieddate) ?? 0 } : null;
          pageCompanies.set(id, company);
          keepCompany(id, company);
        }
      }
      return collect(
        records.map((r) => {
          const deal = full.get(r.id);
          if (deal) return mapDeal(deal, pageCompanies.get(primary.get(r.id) ?? '') ?? undefined, contactIds.get(r.id), ctx);
          const skip = ctx.stages.pipelineSkip(r.properties.pipeline);
          return { key: `${ctx.source}:deal:${r.id}`, events: [], skipped: skip ?? 'deal no longer readable (archived since the search)' };
        }),
      );
    },
    listDeletions: (since) => deletions('deals', 'deal', since),
  };

  const objects: SourceObject[] = [contacts, deals, engagement('calls', 'call'), engagement('emails', 'email'), engagement('meetings', 'meeting')] as SourceObject[];

  return {
    name: config.name,
    kind: 'hubspot',
    async prepare() {
      const account = await client.accountDetails();
      const owners = new Map<string, OwnerInfo>();
      // Archived owners first: an active owner with the same id wins.
      for (const archived of [true, false]) {
        for await (const page of client.owners(archived)) {
          for (const o of page) owners.set(String(o.id), { email: o.email ?? null, updatedMs: parseTime(o.updatedAt) ?? 0 });
        }
      }
      const stages = new StageMap(await client.dealPipelines(), config, options.teamStages);
      const uiDomain = account.uiDomain.replace(/^https?:\/\//, '').replace(/\/+$/, '');
      ctx = {
        source: config.name,
        config,
        owners,
        stages,
        recordUrl: (type, id) => `https://${uiDomain}/contacts/${account.portalId}/record/${type}/${id}`,
      };
    },
    listObjects: () => objects,
    usage: () => ({ requests: client.http.requests, rateLimited: client.http.rateLimited }),
  };
}
