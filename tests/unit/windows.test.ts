import { describe, expect, it } from 'vitest';
import { activeWeeks, completeWeeks, contains, isoToDay, startOfDateIn, targetPeriod, weekContaining, workingWeekElapsed } from '../../src/metrics/windows.js';

const iso = (d: Date) => d.toISOString();
const monday = { weekStartsOn: isoToDay(1) };

describe('weeks in the team zone', () => {
  it('starts the week on Monday 00:00 local time', () => {
    const w = weekContaining(new Date('2026-11-04T12:00:00Z'), { timezone: 'America/Chicago', ...monday });
    expect(iso(w.start)).toBe('2026-11-02T06:00:00.000Z');
    expect(iso(w.end)).toBe('2026-11-09T06:00:00.000Z');
  });

  it('gives a week across the end of DST in America/New_York 169 hours', () => {
    // DST ended Sunday 2026-11-01 02:00 EDT: the week Mon Oct 26 – Mon Nov 2 is an hour longer.
    const w = weekContaining(new Date('2026-10-28T12:00:00Z'), { timezone: 'America/New_York', ...monday });
    expect(iso(w.start)).toBe('2026-10-26T04:00:00.000Z');
    expect(iso(w.end)).toBe('2026-11-02T05:00:00.000Z');
    expect((w.end.getTime() - w.start.getTime()) / 3_600_000).toBe(169);
  });

  it('gives a week across the start of BST in Europe/London 167 hours', () => {
    // Clocks went forward Sunday 2026-03-29 01:00 GMT.
    const w = weekContaining(new Date('2026-03-25T12:00:00Z'), { timezone: 'Europe/London', ...monday });
    expect(iso(w.start)).toBe('2026-03-23T00:00:00.000Z');
    expect(iso(w.end)).toBe('2026-03-29T23:00:00.000Z');
    expect((w.end.getTime() - w.start.getTime()) / 3_600_000).toBe(167);
  });

  it('honours a Sunday week start', () => {
    const w = weekContaining(new Date('2026-11-04T12:00:00Z'), { timezone: 'UTC', weekStartsOn: isoToDay(7) });
    expect(iso(w.start)).toBe('2026-11-01T00:00:00.000Z');
  });
});

describe('complete weeks', () => {
  const s = { timezone: 'America/New_York', ...monday };

  it('are the weeks before the current one, oldest first', () => {
    const win = completeWeeks(new Date('2026-11-04T12:00:00Z'), 4, s);
    expect(win.weeks.map((w) => iso(w.start))).toEqual(['2026-10-05T04:00:00.000Z', '2026-10-12T04:00:00.000Z', '2026-10-19T04:00:00.000Z', '2026-10-26T04:00:00.000Z']);
    expect(iso(win.start)).toBe('2026-10-05T04:00:00.000Z');
    expect(iso(win.end)).toBe('2026-11-02T05:00:00.000Z');
    for (let i = 1; i < win.weeks.length; i += 1) expect(win.weeks[i]!.start).toEqual(win.weeks[i - 1]!.end);
  });

  it('count the week that ends exactly at t as complete', () => {
    const t = new Date('2026-11-02T05:00:00Z'); // Monday 00:00 EST
    const win = completeWeeks(t, 1, s);
    expect(iso(win.weeks[0]!.start)).toBe('2026-10-26T04:00:00.000Z');
    expect(win.end).toEqual(t);
  });

  it('put an event exactly on a week boundary in the later week (half-open)', () => {
    const win = completeWeeks(new Date('2026-11-10T00:00:00Z'), 2, s);
    const boundary = win.weeks[1]!.start;
    expect(contains(win.weeks[0]!, boundary)).toBe(false);
    expect(contains(win.weeks[1]!, boundary)).toBe(true);
    expect(contains(win.weeks[0]!, boundary.getTime() - 1)).toBe(true);
  });
});

describe('remembered zone answers', () => {
  it('are the same asked twice, and a caller changing a returned Date changes no later answer', () => {
    const t = new Date('2026-10-28T12:00:00Z');
    const s = { timezone: 'America/New_York', ...monday };
    const first = completeWeeks(t, 3, s);
    const shown = first.weeks.map((w) => iso(w.start));
    first.weeks[0]!.start.setTime(0);
    first.end.setTime(0);
    const again = completeWeeks(t, 3, s);
    expect(again.weeks.map((w) => iso(w.start))).toEqual(shown);
    expect(iso(again.end)).toBe('2026-10-26T04:00:00.000Z');
    const week = weekContaining(t, s);
    week.start.setTime(0);
    expect(iso(weekContaining(t, s).start)).toBe('2026-10-26T04:00:00.000Z');
    const quarter = targetPeriod({ kind: 'quarter' }, t, s.timezone);
    quarter.end.setTime(0);
    expect(iso(targetPeriod({ kind: 'quarter' }, t, s.timezone).end)).toBe('2027-01-01T05:00:00.000Z');
    // Same instant, other zone or first day: other answers.
    expect(iso(weekContaining(t, { timezone: 'Europe/London', ...monday }).start)).toBe('2026-10-26T00:00:00.000Z');
    expect(iso(weekContaining(t, { timezone: 'America/New_York', weekStartsOn: isoToDay(7) }).start)).toBe('2026-10-25T04:00:00.000Z');
  });
});

describe('active weeks', () => {
  const s = { timezone: 'Europe/London', ...monday };
  const win = completeWeeks(new Date('2026-11-25T12:00:00Z'), 4, s); // weeks from Oct 26 to Nov 16

  it('are all weeks without a start date', () => {
    expect(activeWeeks(win, null, s.timezone)).toHaveLength(4);
  });

  it('start with the first week that begins on or after the start date', () => {
    expect(activeWeeks(win, '2026-11-09', s.timezone).map((w) => iso(w.start))).toEqual(['2026-11-09T00:00:00.000Z', '2026-11-16T00:00:00.000Z']);
    expect(activeWeeks(win, '2026-11-10', s.timezone).map((w) => iso(w.start))).toEqual(['2026-11-16T00:00:00.000Z']);
  });

  it('are none for a rep who starts after the window', () => {
    expect(activeWeeks(win, '2026-12-01', s.timezone)).toEqual([]);
  });
});

describe('working week elapsed', () => {
  const s = { timezone: 'America/Chicago', ...monday };
  it('is 0 before Monday 09:00 and 1 after Friday 18:00', () => {
    expect(workingWeekElapsed(new Date('2026-11-02T14:59:00Z'), s)).toBe(0); // Mon 08:59 CST
    expect(workingWeekElapsed(new Date('2026-11-07T01:00:00Z'), s)).toBe(1); // Fri 19:00 CST
  });
  it('counts 9 hours a working day', () => {
    expect(workingWeekElapsed(new Date('2026-11-03T00:00:00Z'), s)).toBeCloseTo(9 / 45); // Mon 18:00
    expect(workingWeekElapsed(new Date('2026-11-04T17:00:00Z'), s)).toBeCloseTo(20 / 45); // Wed 11:00
  });
  it('is not thrown off by a DST change inside the week', () => {
    // Week of Mon 2026-10-26 in New York; DST ends Sunday Nov 1, after the working days.
    const ny = { timezone: 'America/New_York', ...monday };
    expect(workingWeekElapsed(new Date('2026-10-30T22:00:00Z'), ny)).toBe(1); // Fri 18:00 EDT
  });
});

describe('target periods', () => {
  it('are calendar quarters and months in the team zone', () => {
    const q = targetPeriod({ kind: 'quarter' }, new Date('2026-11-23T12:00:00Z'), 'America/Chicago');
    expect(iso(q.start)).toBe('2026-10-01T05:00:00.000Z');
    expect(iso(q.end)).toBe('2027-01-01T06:00:00.000Z');
    const m = targetPeriod({ kind: 'month' }, new Date('2026-11-01T03:00:00Z'), 'America/Chicago'); // Oct 31 local
    expect(iso(m.start)).toBe('2026-10-01T05:00:00.000Z');
  });
  it('end a custom period at 00:00 of the day after its inclusive end date', () => {
    const p = targetPeriod({ kind: 'custom', start: '2026-10-01', end: '2026-12-31' }, new Date(), 'Europe/London');
    expect(iso(p.start)).toBe('2026-09-30T23:00:00.000Z');
    expect(iso(p.end)).toBe('2027-01-01T00:00:00.000Z');
  });
  it('read a date as 00:00 in the zone', () => {
    expect(iso(startOfDateIn('2026-07-01', 'Asia/Tokyo'))).toBe('2026-06-30T15:00:00.000Z');
  });
});
