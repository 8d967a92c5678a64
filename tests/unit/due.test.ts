import { describe, expect, it } from 'vitest';
import { firstLocalTimeAtOrAfter, inWorkingHours, lastWeekEnd, lastWeekKey, startOfLocalDay } from '../../src/jobs/due.js';

const monday = { weekStartsOn: 1 as const };

describe('when weekly messages are due', () => {
  // Team in Chicago: its week ends Monday 2026-11-23 00:00 CST = 06:00Z.
  const chicago = { ...monday, timezone: 'America/Chicago' };
  const end = lastWeekEnd(new Date('2026-11-25T12:00:00Z'), chicago);

  it('ends the team week at its local Monday midnight and names it by its first day', () => {
    expect(end.toISOString()).toBe('2026-11-23T06:00:00.000Z');
    expect(lastWeekKey(new Date('2026-11-25T12:00:00Z'), chicago)).toBe('2026-11-16');
  });

  it('is Monday for recipients in or west of the team zone and Tuesday far east of it', () => {
    expect(firstLocalTimeAtOrAfter(end, '08:30', 'America/Chicago').toISOString()).toBe('2026-11-23T14:30:00.000Z');
    expect(firstLocalTimeAtOrAfter(end, '08:30', 'America/Los_Angeles').toISOString()).toBe('2026-11-23T16:30:00.000Z');
    expect(firstLocalTimeAtOrAfter(end, '08:30', 'Europe/London').toISOString()).toBe('2026-11-23T08:30:00.000Z');
    // Tokyo: the week ends Monday 15:00 local, after 08:30, so Tuesday 08:30 JST.
    expect(firstLocalTimeAtOrAfter(end, '08:30', 'Asia/Tokyo').toISOString()).toBe('2026-11-23T23:30:00.000Z');
  });

  it('handles the date line: Kiritimati (UTC+14) and Pago Pago (UTC−11)', () => {
    const auckland = lastWeekEnd(new Date('2026-11-25T00:00:00Z'), { ...monday, timezone: 'Pacific/Auckland' });
    // Monday 00:00 NZDT (UTC+13) = Sunday 11:00Z.
    expect(auckland.toISOString()).toBe('2026-11-22T11:00:00.000Z');
    // Kiritimati: it is already Monday 01:00 there, so 08:30 Monday local = Sunday 18:30Z.
    expect(firstLocalTimeAtOrAfter(auckland, '08:30', 'Pacific/Kiritimati').toISOString()).toBe('2026-11-22T18:30:00.000Z');
    // Pago Pago: Sunday 00:00 local at that instant; its first 08:30 after is Sunday 08:30 local = 19:30Z.
    expect(firstLocalTimeAtOrAfter(auckland, '08:30', 'Pacific/Pago_Pago').toISOString()).toBe('2026-11-22T19:30:00.000Z');
  });

  it('keeps local send times across DST changes', () => {
    // New York falls back on Sunday 2026-11-01: the week ending Monday Nov 2 00:00 EST (05:00Z).
    const ny = lastWeekEnd(new Date('2026-11-03T12:00:00Z'), { ...monday, timezone: 'America/New_York' });
    expect(ny.toISOString()).toBe('2026-11-02T05:00:00.000Z');
    expect(firstLocalTimeAtOrAfter(ny, '08:30', 'America/New_York').toISOString()).toBe('2026-11-02T13:30:00.000Z');
    // London springs forward on Sunday 2026-03-29; Monday 08:30 BST = 07:30Z.
    const london = lastWeekEnd(new Date('2026-03-31T12:00:00Z'), { ...monday, timezone: 'Europe/London' });
    expect(london.toISOString()).toBe('2026-03-29T23:00:00.000Z'); // Monday 00:00 BST
    expect(firstLocalTimeAtOrAfter(london, '08:30', 'Europe/London').toISOString()).toBe('2026-03-30T07:30:00.000Z');
    // A send time inside the skipped hour (01:30 on Sunday 2026-03-29 in London) moves forward to 02:30 BST.
    const sundayMidnight = new Date('2026-03-29T00:00:00Z');
    expect(firstLocalTimeAtOrAfter(sundayMidnight, '01:30', 'Europe/London').toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('sends alerts Monday to Friday in working hours, local to the recipient', () => {
    expect(inWorkingHours(new Date('2026-11-23T15:00:00Z'), 'America/Chicago', '09:00', '18:00')).toBe(true); // Mon 09:00
    expect(inWorkingHours(new Date('2026-11-23T14:59:00Z'), 'America/Chicago', '09:00', '18:00')).toBe(false);
    expect(inWorkingHours(new Date('2026-11-24T00:00:00Z'), 'America/Chicago', '09:00', '18:00')).toBe(false); // Mon 18:00
    expect(inWorkingHours(new Date('2026-11-22T15:00:00Z'), 'America/Chicago', '09:00', '18:00')).toBe(false); // Sunday
    expect(startOfLocalDay(new Date('2026-11-23T03:00:00Z'), 'America/Chicago').toISOString()).toBe('2026-11-22T06:00:00.000Z');
  });
});
