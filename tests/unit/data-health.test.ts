import { describe, expect, it } from 'vitest';
import { activitySpans, judgeDataHealth, workingHoursBetween, type DataHealthInput } from '../../src/metrics/data-health.js';

const NY = { timezone: 'America/New_York', weekStartsOn: 1 as const };
const at = (iso: string) => new Date(iso);

/** Judged live (the clock at asOf), 36 h, no touches judged, no sources, unless said otherwise. */
function input(over: Partial<DataHealthInput> & { asOf: Date }): DataHealthInput {
  return { now: over.asOf, week: NY, staleAfterHours: 36, lastReceivedAt: null, lastOccurredAt: null, touched: null, sources: [], ...over };
}
const verdict = (over: Partial<DataHealthInput> & { asOf: Date }) => {
  const h = judgeDataHealth(input(over));
  return { stale: h.stale, reason: h.reason };
};

describe('working hours (Mon–Fri 09:00–18:00 local)', () => {
  it.each([
    // Friday 17:00 EST to Monday 05:00 EST: one hour on Friday, none on the weekend or before 09:00.
    ['2026-11-20T22:00:00Z', '2026-11-23T10:00:00Z', 1],
    ['2026-11-20T22:00:00Z', '2026-11-23T22:00:00Z', 9],
    // Tuesday 14:00 to Thursday 02:00 EST: 4 h + 9 h.
    ['2026-11-17T19:00:00Z', '2026-11-19T07:00:00Z', 13],
    // Across the end of DST (Sunday 1 November 2026): Friday 14:00 EDT to Monday 12:00 EST.
    ['2026-10-30T18:00:00Z', '2026-11-02T17:00:00Z', 7],
    // A whole week.
    ['2026-11-16T05:00:00Z', '2026-11-23T05:00:00Z', 45],
    ['2026-11-23T10:00:00Z', '2026-11-23T10:00:00Z', 0],
  ])('%s → %s: %d h', (from, to, hours) => {
    expect(workingHoursBetween(at(from), at(to), NY.timezone)).toBeCloseTo(hours, 9);
  });
});

describe('no_events: the last event received at least staleAfterHours before t, 9 of them working hours', () => {
  const friday = at('2026-11-20T22:00:00Z'); // Fri 17:00 EST
  it.each([
    // 60 h over a weekend, 1 working hour: not stale.
    ['Monday 05:00 after a Friday 17:00 event', '2026-11-23T10:00:00Z', false, null],
    ['Monday 16:59 (8.98 working hours)', '2026-11-23T21:59:00Z', false, null],
    ['Monday 17:00 (9 working hours, 72 h)', '2026-11-23T22:00:00Z', true, 'no_events'],
  ])('%s', (_name, asOf, stale, reason) => {
    expect(verdict({ asOf: at(asOf), lastReceivedAt: friday })).toEqual({ stale, reason });
  });

  it('needs the whole staleAfterHours as well: 13 working hours in 35.98 h is not stale, in 36 h it is', () => {
    const tuesday = at('2026-11-17T19:00:00Z'); // Tue 14:00 EST
    expect(verdict({ asOf: at('2026-11-19T06:59:00Z'), lastReceivedAt: tuesday })).toEqual({ stale: false, reason: null });
    expect(verdict({ asOf: at('2026-11-19T07:00:00Z'), lastReceivedAt: tuesday })).toEqual({ stale: true, reason: 'no_events' });
    // A team's own staleAfterHours: 72.
    expect(verdict({ asOf: at('2026-11-19T07:00:00Z'), lastReceivedAt: tuesday, staleAfterHours: 72 })).toEqual({ stale: false, reason: null });
  });

  it('counts working hours in the DST week on the local clock', () => {
    const friday = at('2026-10-30T18:00:00Z'); // Fri 14:00 EDT
    // Monday 12:00 EST: 4 h Friday + 3 h Monday = 7.
    expect(verdict({ asOf: at('2026-11-02T17:00:00Z'), lastReceivedAt: friday })).toEqual({ stale: false, reason: null });
    // Monday 14:00 EST: 4 + 5 = 9.
    expect(verdict({ asOf: at('2026-11-02T19:00:00Z'), lastReceivedAt: friday })).toEqual({ stale: true, reason: 'no_events' });
  });

  it('a workspace that never received an event is not behind on anything', () => {
    expect(verdict({ asOf: at('2026-11-23T22:00:00Z'), lastReceivedAt: null })).toEqual({ stale: false, reason: null });
  });

  it('is judged in the given zone: the same instants in Tokyo are a weekend apart', () => {
    // Fri 2026-11-20 22:00Z is Sat 07:00 in Tokyo; Mon 2026-11-23 10:00Z is Mon 19:00 there: 9 working hours.
    const tokyo = { timezone: 'Asia/Tokyo', weekStartsOn: 1 as const };
    expect(verdict({ asOf: at('2026-11-23T10:00:00Z'), lastReceivedAt: friday, week: tokyo })).toEqual({ stale: true, reason: 'no_events' });
  });
});

describe('zero_activity: 22.5 working hours into the week, no touch, where each of the 4 previous weeks had some', () => {
  const wednesday1330 = at('2026-11-25T18:30:00Z'); // Wed 13:30 EST: 9 + 9 + 4.5 working hours
  const fresh = at('2026-11-25T18:00:00Z');
  it.each([
    [[false, true, true, true, true], wednesday1330, true],
    [[false, true, true, true, true], at('2026-11-25T18:29:00Z'), false],
    [[true, true, true, true, true], wednesday1330, false],
    [[false, true, false, true, true], wednesday1330, false],
    [[false, true, true, true], wednesday1330, false],
  ])('touched %j as of %s → stale %s', (touched, asOf, stale) => {
    expect(verdict({ asOf, lastReceivedAt: fresh, touched })).toEqual({ stale, reason: stale ? 'zero_activity' : null });
  });

  it('compares the same local span of the previous weeks across the DST change', () => {
    // As of Wed 4 Nov 2026 13:30 EST; the week before ran on EDT, so its span ends at 17:30Z, not 18:30Z.
    const spans = activitySpans(at('2026-11-04T18:30:00Z'), NY);
    expect(spans.map((s) => [s.start.toISOString(), s.end.toISOString()])).toEqual([
      ['2026-11-02T05:00:00.000Z', '2026-11-04T18:30:00.000Z'],
      ['2026-10-26T04:00:00.000Z', '2026-10-28T17:30:00.000Z'],
      ['2026-10-19T04:00:00.000Z', '2026-10-21T17:30:00.000Z'],
      ['2026-10-12T04:00:00.000Z', '2026-10-14T17:30:00.000Z'],
      ['2026-10-05T04:00:00.000Z', '2026-10-07T17:30:00.000Z'],
    ]);
  });
});

describe('source_error and historical figures', () => {
  const asOf = at('2026-11-23T15:00:00Z');
  const fresh = at('2026-11-23T14:00:00Z');

  it('a failing source makes the data stale and is named before silence', () => {
    const failing = [{ name: 'hubspot', lastSuccessAt: at('2026-11-20T10:00:00Z'), error: 'HTTP 401 from HubSpot: token revoked' }];
    expect(verdict({ asOf, lastReceivedAt: fresh, sources: failing })).toEqual({ stale: true, reason: 'source_error' });
    expect(verdict({ asOf, lastReceivedAt: at('2026-11-10T10:00:00Z'), sources: failing })).toEqual({ stale: true, reason: 'source_error' });
    expect(verdict({ asOf, lastReceivedAt: fresh, sources: [{ ...failing[0]!, error: null }] })).toEqual({ stale: false, reason: null });
  });

  it('is null, not true, when t lies more than staleAfterHours before the clock’s now, and keeps the last instants', () => {
    const old = { asOf, lastReceivedAt: at('2026-11-10T10:00:00Z'), lastOccurredAt: at('2026-11-10T09:00:00Z') };
    expect(judgeDataHealth(input({ ...old, now: new Date(asOf.getTime() + 36 * 3_600_000 + 1) }))).toEqual({
      lastReceivedAt: old.lastReceivedAt,
      lastOccurredAt: old.lastOccurredAt,
      stale: null,
      reason: null,
      sources: [],
    });
    // Exactly staleAfterHours behind the clock is still judged.
    expect(verdict({ ...old, now: new Date(asOf.getTime() + 36 * 3_600_000) })).toEqual({ stale: true, reason: 'no_events' });
  });
});
