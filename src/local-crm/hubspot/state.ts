/**
 * The local HubSpot's data: CRM records with their property history, associations, owners and
 * deal pipelines, and the queries HubSpot answers on them (search filters and sorts, batch reads,
 * archived lists). Writes stamp the modification time the way HubSpot does, so a sync reading by
 * last-modified date sees exactly what changed.
 */
import type { HistoryEntry, LocalOwner, LocalPipeline, StoredRecord } from './types.js';

export const OBJECT_TYPES = ['contacts', 'companies', 'deals', 'calls', 'emails', 'meetings'] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];
export const isObjectType = (s: string): s is ObjectType => (OBJECT_TYPES as readonly string[]).includes(s);

/** Contacts keep `lastmodifieddate`, every other object `hs_lastmodifieddate`. */
export const modifiedProperty = (type: ObjectType) => (type === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate');

const FIRST_ID: Record<ObjectType, number> = { contacts: 101, companies: 5001, deals: 9001, calls: 30001, emails: 60001, meetings: 90001 };

export interface Filter {
  propertyName: string;
  operator: string;
  value?: string;
  highValue?: string;
  values?: string[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A property value as a number when it reads as one (epoch ms, an amount) or as an ISO instant. */
function asNumber(value: string): number {
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : Number.NaN;
}

export function compareValues(a: string, b: string): number {
  const [x, y] = [asNumber(a), asNumber(b)];
  if (!Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

export const FILTER_OPERATORS = ['EQ', 'NEQ', 'GT', 'GTE', 'LT', 'LTE', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'IN', 'NOT_IN', 'BETWEEN'] as const;

function matches(record: StoredRecord, f: Filter): boolean {
  const value = f.propertyName === 'hs_object_id' ? record.id : record.properties[f.propertyName];
  const has = value !== undefined && value !== '';
  switch (f.operator) {
    case 'HAS_PROPERTY':
      return has;
    case 'NOT_HAS_PROPERTY':
      return !has;
    case 'IN':
      return has && (f.values ?? []).some((v) => compareValues(value, v) === 0);
    case 'NOT_IN':
      return !has || !(f.values ?? []).some((v) => compareValues(value, v) === 0);
    case 'NEQ':
      return !has || compareValues(value, f.value ?? '') !== 0;
    default:
      break;
  }
  if (!has) return false;
  const c = compareValues(value, f.value ?? '');
  switch (f.operator) {
    case 'EQ':
      return c === 0;
    case 'GT':
      return c > 0;
    case 'GTE':
      return c >= 0;
    case 'LT':
      return c < 0;
    case 'LTE':
      return c <= 0;
    case 'BETWEEN':
      return c >= 0 && compareValues(value, f.highValue ?? '') <= 0;
    default:
      return false;
  }
}

const byId = (a: StoredRecord, b: StoredRecord) => Number(a.id) - Number(b.id);

export class LocalHubSpotState {
  private readonly records = new Map<ObjectType, Map<string, StoredRecord>>(OBJECT_TYPES.map((t) => [t, new Map()]));
  private readonly nextId = new Map<ObjectType, number>(OBJECT_TYPES.map((t) => [t, FIRST_ID[t]]));
  /** `from/to` → from id → to ids, kept both ways. */
  private readonly links = new Map<string, Map<string, Set<string>>>();
  owners: LocalOwner[] = [];
  pipelines: LocalPipeline[] = [];
  /** Bumped by every write: a cached search answer is valid while it is unchanged. */
  private version = 0;
  /** The last searches' ranked results: paging through one query ranks the records once. */
  private readonly searches = new Map<string, StoredRecord[]>();

  private table(type: ObjectType): Map<string, StoredRecord> {
    return this.records.get(type)!;
  }

  /**
   * Creates (no id) or changes a record at `at` (epoch ms): each property whose value changes gets
   * a history entry, and the modification time moves to `at` as HubSpot stamps it.
   */
  upsert(type: ObjectType, id: string | null, properties: Record<string, string | null>, at: number): string {
    const table = this.table(type);
    let record = id === null ? undefined : table.get(id);
    if (!record) {
      const newId = id ?? String(this.nextId.get(type));
      this.nextId.set(type, Math.max(this.nextId.get(type)!, Number(newId) + 1));
      record = { id: newId, properties: { createdate: iso(at), hs_object_id: newId }, history: {}, createdAt: at, updatedAt: at, archivedAt: null };
      table.set(newId, record);
    }
    for (const [key, value] of Object.entries(properties)) {
      const before = record.properties[key];
      if (value === null) {
        if (before === undefined) continue;
        delete record.properties[key];
      } else {
        if (before === value) continue;
        record.properties[key] = value;
      }
      (record.history[key] ??= []).push({ value: value ?? '', timestamp: iso(at), sourceType: 'CRM_UI' } satisfies HistoryEntry);
    }
    record.updatedAt = Math.max(record.updatedAt, at);
    record.properties[modifiedProperty(type)] = iso(record.updatedAt);
    this.version += 1;
    return record.id;
  }

  /** Moves a record to the recycle bin (HubSpot's "archived"). */
  archive(type: ObjectType, id: string, at: number): void {
    const record = this.table(type).get(id);
    if (record) record.archivedAt = at;
    this.version += 1;
  }

  get(type: ObjectType, id: string): StoredRecord | undefined {
    return this.table(type).get(id);
  }

  count(type: ObjectType): number {
    let n = 0;
    for (const r of this.table(type).values()) if (r.archivedAt === null) n += 1;
    return n;
  }

  associate(fromType: ObjectType, fromId: string, toType: ObjectType, toId: string): void {
    const add = (a: ObjectType, ai: string, b: ObjectType, bi: string) => {
      const key = `${a}/${b}`;
      let m = this.links.get(key);
      if (!m) this.links.set(key, (m = new Map<string, Set<string>>()));
      let set = m.get(ai);
      if (!set) m.set(ai, (set = new Set()));
      set.add(bi);
    };
    add(fromType, fromId, toType, toId);
    add(toType, toId, fromType, fromId);
  }

  associated(fromType: ObjectType, fromId: string, toType: ObjectType): string[] {
    const ids = this.links.get(`${fromType}/${toType}`)?.get(fromId);
    return ids ? [...ids].filter((id) => this.table(toType).get(id)?.archivedAt === null) : [];
  }

  /** Live records matching any filter group (all, without groups), sorted, as HubSpot's search ranks them. */
  search(type: ObjectType, groups: readonly { filters: Filter[] }[], sort: { propertyName: string; direction: string } | undefined): StoredRecord[] {
    const key = JSON.stringify([this.version, type, groups, sort]);
    const cached = this.searches.get(key);
    if (cached) return cached;
    const ranked = this.rank(type, groups, sort);
    this.searches.set(key, ranked);
    if (this.searches.size > 16) this.searches.delete(this.searches.keys().next().value!);
    return ranked;
  }

  private rank(type: ObjectType, groups: readonly { filters: Filter[] }[], sort: { propertyName: string; direction: string } | undefined): StoredRecord[] {
    const live = [...this.table(type).values()].filter((r) => r.archivedAt === null && (groups.length === 0 || groups.some((g) => g.filters.every((f) => matches(r, f)))));
    if (!sort) return live.sort(byId);
    const dir = sort.direction === 'DESCENDING' ? -1 : 1;
    // Each record's sort value is read once (an ISO date parsed per comparison made a search of
    // 50,000 records hold the event loop for a second).
    const keyed = live.map((r) => {
      const value = sort.propertyName === 'hs_object_id' ? r.id : r.properties[sort.propertyName];
      const n = value === undefined ? Number.NaN : asNumber(value);
      return { r, value, n, id: Number(r.id) };
    });
    keyed.sort((a, b) => {
      if (a.value === undefined || b.value === undefined) return a.value === b.value ? a.id - b.id : a.value === undefined ? 1 : -1;
      const c = !Number.isNaN(a.n) && !Number.isNaN(b.n) ? a.n - b.n : a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
      return dir * c || a.id - b.id;
    });
    return keyed.map((k) => k.r);
  }

  /** Records in id order, archived or live. */
  list(type: ObjectType, archived: boolean): StoredRecord[] {
    return [...this.table(type).values()].filter((r) => (r.archivedAt !== null) === archived).sort(byId);
  }
}
