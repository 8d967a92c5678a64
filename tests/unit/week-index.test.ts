import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rollupZone, weekBoundaries, weekStartOf } from '../../src/metrics/week-index.js';
import { isoToDay, weekContaining } from '../../src/metrics/windows.js';

// Ingestion files every event under weekStartOf (remembered weeks, found by bisection); reports
// cut windows with weekContaining. They must agree for any instant, zone and first day.
const ZONES = ['America/New_York', 'Europe/London', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/Santiago', 'Pacific/Chatham', 'UTC'];
const FROM = Date.parse('2024-01-01T00:00:00Z');
const TO = Date.parse('2028-01-01T00:00:00Z');

describe('week index', () => {
  it('gives the start of the week containing any instant, as weekContaining does', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: 1, max: 7 }), fc.array(fc.integer({ min: FROM, max: TO }), { minLength: 1, maxLength: 40 }), (zone, iso, instants) => {
        const key = rollupZone(zone, iso);
        for (const at of instants) {
          expect(weekStartOf(at, key)).toBe(weekContaining(new Date(at), { timezone: zone, weekStartsOn: isoToDay(iso) }).start.getTime());
        }
      }),
      { numRuns: 300, interruptAfterTimeLimit: 10_000 },
    );
  });

  it('gives the instants around a week boundary the weeks on either side, across DST changes', () => {
    const key = rollupZone('America/New_York', 1);
    // Monday 2026-03-09 00:00 EDT (the DST change was on Sunday 03-08).
    const boundary = Date.parse('2026-03-09T04:00:00Z');
    expect(weekStartOf(boundary - 1, key)).toBe(Date.parse('2026-03-02T05:00:00Z'));
    expect(weekStartOf(boundary, key)).toBe(boundary);
  });

  it('lists consecutive boundaries covering a span, each a week start', () => {
    const key = rollupZone('Europe/London', 7);
    const bounds = weekBoundaries(Date.parse('2026-03-20T10:00:00Z'), Date.parse('2026-04-10T10:00:00Z'), key);
    expect(bounds.map((b) => new Date(b).toISOString())).toEqual([
      '2026-03-15T00:00:00.000Z',
      '2026-03-22T00:00:00.000Z',
      // Clocks go forward at 01:00 GMT that Sunday: its midnight is still GMT.
      '2026-03-29T00:00:00.000Z',
      '2026-04-04T23:00:00.000Z',
      '2026-04-11T23:00:00.000Z',
    ]);
  });
});
