import { describe, expect, it } from 'vitest';
import { compareValues, FILTER_OPERATORS, LocalHubSpotState, type Filter } from '../../src/local-crm/hubspot/state.js';
import { createRng } from '../../src/seed/rng.js';

/** HubSpot's search as the local server means it, written plainly: every value compared with compareValues. */
function reference(state: LocalHubSpotState, groups: { filters: Filter[] }[], sort: { propertyName: string; direction: string } | undefined): string[] {
  const valueOf = (r: { id: string; properties: Record<string, string> }, p: string) => (p === 'hs_object_id' ? r.id : r.properties[p]);
  const matches = (r: Parameters<typeof valueOf>[0], f: Filter) => {
    const v = valueOf(r, f.propertyName);
    const has = v !== undefined && v !== '';
    const c = (w: string) => compareValues(v!, w);
    switch (f.operator) {
      case 'HAS_PROPERTY':
        return has;
      case 'NOT_HAS_PROPERTY':
        return !has;
      case 'IN':
        return has && f.values!.some((w) => c(w) === 0);
      case 'NOT_IN':
        return !has || !f.values!.some((w) => c(w) === 0);
      case 'NEQ':
        return !has || c(f.value!) !== 0;
      case 'EQ':
        return has && c(f.value!) === 0;
      case 'GT':
        return has && c(f.value!) > 0;
      case 'GTE':
        return has && c(f.value!) >= 0;
      case 'LT':
        return has && c(f.value!) < 0;
      case 'LTE':
        return has && c(f.value!) <= 0;
      case 'BETWEEN':
        return has && c(f.value!) >= 0 && c(f.highValue!) <= 0;
      default:
        return false;
    }
  };
  const live = state.list('calls', false).filter((r) => groups.length === 0 || groups.some((g) => g.filters.every((f) => matches(r, f))));
  if (sort) {
    const dir = sort.direction === 'DESCENDING' ? -1 : 1;
    live.sort((a, b) => {
      const [x, y] = [valueOf(a, sort.propertyName), valueOf(b, sort.propertyName)];
      if (x === undefined || y === undefined) return x === y ? Number(a.id) - Number(b.id) : x === undefined ? 1 : -1;
      return dir * compareValues(x, y) || Number(a.id) - Number(b.id);
    });
  }
  return live.map((r) => r.id);
}

describe('local HubSpot search', () => {
  it('filters and ranks as the plain reading of its rules does, before and after writes', () => {
    const rng = createRng(7, 1);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng.float() * xs.length)]!;
    const base = Date.parse('2026-11-01T00:00:00Z');
    // Few distinct values, so that ties, equal values and missing ones are common.
    const values = () => ({
      amount: pick(['100', '25', '25.5', '', 'n/a', '1000']),
      hs_timestamp: pick([new Date(base).toISOString(), new Date(base + 3600_000).toISOString(), String(base + 1800_000), 'soon']),
      stage: pick(['a', 'b', 'B', '10', '9']),
    });
    const state = new LocalHubSpotState();
    const ids: string[] = [];
    for (let i = 0; i < 300; i += 1) {
      const props: Record<string, string | null> = values();
      if (rng.float() < 0.2) props.amount = null;
      ids.push(state.upsert('calls', null, props, base + Math.floor(rng.float() * 50) * 1000));
    }
    const properties = ['amount', 'hs_timestamp', 'stage', 'hs_lastmodifieddate', 'hs_object_id'];
    const filter = (): Filter => {
      const propertyName = pick(properties);
      const operator = pick(FILTER_OPERATORS);
      const sample = () => pick([...Object.values(values()), String(base + 20_000), new Date(base + 20_000).toISOString(), pick(ids)]);
      return { propertyName, operator, value: sample(), highValue: sample(), values: [sample(), sample()] };
    };
    const query = () => ({
      groups: Array.from({ length: Math.floor(rng.float() * 3) }, () => ({ filters: Array.from({ length: 1 + Math.floor(rng.float() * 2) }, filter) })),
      sort: rng.float() < 0.2 ? undefined : { propertyName: pick(properties), direction: pick(['ASCENDING', 'DESCENDING']) },
    });
    let nonEmpty = 0;
    for (let round = 0; round < 3; round += 1) {
      for (let q = 0; q < 150; q += 1) {
        const { groups, sort } = query();
        const expected = reference(state, groups, sort);
        if (expected.length > 0 && expected.length < 300) nonEmpty += 1;
        expect(state.search('calls', groups, sort).map((r) => r.id)).toEqual(expected);
      }
      // Writes change values and modification times; archived records leave the results.
      for (let i = 0; i < 30; i += 1) state.upsert('calls', pick(ids), values(), base + 60_000 + round * 1000 + i);
      state.archive('calls', pick(ids), base + 70_000);
    }
    expect(nonEmpty).toBeGreaterThan(100);
  });
});
