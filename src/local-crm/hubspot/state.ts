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

/** compareValues with both sides read as numbers already (NaN: not a number). */
function compareRead(a: string, x: number, b: string, y: number): number {
  if (!Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A type's live records in id order as of one version of the state, with property values read as
 * numbers once per property (columns) and the orders searches sort them in, each computed once:
 * a new query then filters an order already sorted instead of parsing and sorting 45,000 records
 * again, which held the event loop (and with it the counting of arriving requests against the
 * rate limits) for a quarter of a second to a second and more.
 */
class Snapshot {
  private readonly columns = new Map<string, Float64Array>();
  private readonly orders = new Map<string, Int32Array>();

  constructor(
    readonly version: number,
    readonly rows: readonly StoredRecord[],
  ) {}

  value(i: number, property: string): string | undefined {
    const r = this.rows[i]!;
    return property === 'hs_object_id' ? r.id : r.properties[property];
  }

  column(property: string): Float64Array {
    let col = this.columns.get(property);
    if (!col) {
      col = new Float64Array(this.rows.length);
      for (let i = 0; i < col.length; i += 1) {
        const v = this.value(i, property);
        col[i] = v === undefined ? Number.NaN : asNumber(v);
      }
      this.columns.set(property, col);
    }
    return col;
  }

  /** Row numbers sorted as HubSpot's search ranks them: no value last, ties by id. */
  order(sort: { propertyName: string; direction: string } | undefined): Int32Array {
    const key = sort ? `${sort.propertyName} ${sort.direction}` : '';
    let order = this.orders.get(key);
    if (!order) {
      order = Int32Array.from(this.rows.keys());
      if (sort) {
        const dir = sort.direction === 'DESCENDING' ? -1 : 1;
        const n = this.column(sort.propertyName);
        const values = this.rows.map((_, i) => this.value(i, sort.propertyName));
        order.sort((a, b) => {
          const [va, vb] = [values[a], values[b]];
          if (va === undefined || vb === undefined) return va === vb ? a - b : va === undefined ? 1 : -1;
          return dir * compareRead(va, n[a]!, vb, n[b]!) || a - b;
        });
      }
      this.orders.set(key, order);
    }
    return order;
  }

  /** A search filter as a test on row numbers, its values read as numbers once. */
  test(f: Filter): (i: number) => boolean {
    const read = (v: string) => ({ v, n: asNumber(v) });
    const one = read(f.value ?? '');
    const high = read(f.highValue ?? '');
    const values = (f.values ?? []).map(read);
    const col = this.column(f.propertyName);
    const comparison = ['EQ', 'GT', 'GTE', 'LT', 'LTE'].includes(f.operator) && !Number.isNaN(one.n);
    return (i) => {
      const n = col[i]!;
      // A value read as a number is there (not empty): compare the numbers without reading it again.
      if (comparison && !Number.isNaN(n)) {
        const c = n - one.n;
        return f.operator === 'EQ' ? c === 0 : f.operator === 'GT' ? c > 0 : f.operator === 'GTE' ? c >= 0 : f.operator === 'LT' ? c < 0 : c <= 0;
      }
      const value = this.value(i, f.propertyName);
      const has = value !== undefined && value !== '';
      switch (f.operator) {
        case 'HAS_PROPERTY':
          return has;
        case 'NOT_HAS_PROPERTY':
          return !has;
        case 'IN':
          return has && values.some((w) => compareRead(value, n, w.v, w.n) === 0);
        case 'NOT_IN':
          return !has || !values.some((w) => compareRead(value, n, w.v, w.n) === 0);
        case 'NEQ':
          return !has || compareRead(value, n, one.v, one.n) !== 0;
        default:
          break;
      }
      if (!has) return false;
      const c = compareRead(value, n, one.v, one.n);
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
          return c >= 0 && compareRead(value, n, high.v, high.n) <= 0;
        default:
          return false;
      }
    };
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
  private readonly snapshots = new Map<ObjectType, Snapshot>();

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
    let snap = this.snapshots.get(type);
    if (snap?.version !== this.version) {
      snap = new Snapshot(this.version, this.list(type, false));
      this.snapshots.set(type, snap);
    }
    const tests = groups.map((g) => g.filters.map((f) => snap.test(f)));
    const out: StoredRecord[] = [];
    for (const i of snap.order(sort)) if (tests.length === 0 || tests.some((g) => g.every((test) => test(i)))) out.push(snap.rows[i]!);
    return out;
  }

  /** Records in id order, archived or live. */
  list(type: ObjectType, archived: boolean): StoredRecord[] {
    return [...this.table(type).values()].filter((r) => (r.archivedAt !== null) === archived).sort(byId);
  }
}
