import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { intervalDays, localMoment, paceBar, sparkline, weekDays } from '../../src/slack/blocks/format.js';
import { clip, clipMrkdwn, escapeMrkdwn } from '../../src/slack/blocks/limits.js';

const isLoneHighSurrogateAtEnd = (s: string) => {
  const body = s.endsWith('…') ? s.slice(0, -1) : s;
  const last = body.charCodeAt(body.length - 1);
  return last >= 0xd800 && last <= 0xdbff;
};

describe('clip', () => {
  it('leaves short text alone and cuts long text to the limit with an ellipsis', () => {
    expect(clip('Quinn', 5)).toBe('Quinn');
    expect(clip('Quinn Andersson', 6)).toBe('Quinn…');
    expect(clip('Quinn Andersson', 6)).toHaveLength(6);
  });

  it('never splits a surrogate pair', () => {
    // 'ab😀cd': the emoji is two code units at 2–3; a cut after 3 would leave half of it.
    expect(clip('ab😀cd', 4)).toBe('ab…');
    expect(clip('ab😀cd', 5)).toBe('ab😀…');
  });

  it('holds for any text and limit', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.integer({ min: 1, max: 70 }), (text, max) => {
        const out = clip(text, max);
        expect(out.length).toBeLessThanOrEqual(max);
        if (text.length <= max) expect(out).toBe(text);
        else expect(isLoneHighSurrogateAtEnd(out)).toBe(false);
      }),
    );
  });
});

describe('mrkdwn', () => {
  it('escapes exactly &, < and >', () => {
    expect(escapeMrkdwn('Ann <script> & Co')).toBe('Ann &lt;script&gt; &amp; Co');
    expect(escapeMrkdwn('*bold* _it_')).toBe('*bold* _it_');
  });

  it('does not cut inside an entity or a <…> token', () => {
    expect(clipMrkdwn('x &amp; y', 5)).toBe('x …');
    expect(clipMrkdwn('at <!date^1^{time}|10:00> ok', 12)).toBe('at …');
    expect(clipMrkdwn('short', 10)).toBe('short');
  });
});

describe('pictures', () => {
  it('draws the pace against the baseline as 10 cells, full at the baseline, and says ≥200% at the clamp', () => {
    expect(paceBar(0.62)).toBe('▰▰▰▰▰▰▱▱▱▱ 62%');
    expect(paceBar(0)).toBe('▱▱▱▱▱▱▱▱▱▱ 0%');
    expect(paceBar(1.35)).toBe('▰▰▰▰▰▰▰▰▰▰ 135%');
    expect(paceBar(2)).toBe('▰▰▰▰▰▰▰▰▰▰ ≥200%');
  });

  it('scales a sparkline between its own minimum and maximum, oldest first, with a dot for a missing week', () => {
    expect(sparkline([0, 7, null, 14])).toBe('▁▅·█');
    expect(sparkline([3, 3, 3])).toBe('▄▄▄');
    expect(sparkline([0, 0])).toBe('▁▁');
    expect(sparkline([null, null])).toBe('··');
  });
});

describe('calendar', () => {
  const windows = (end: string) => ({ cadence: { start: '2026-10-26T00:00:00-04:00', end, weeks: 4 } });

  it('reads the week from the end of the cadence window, in the team’s own dates', () => {
    expect(weekDays(windows('2026-11-23T00:00:00-05:00'), 'this_week')).toBe('Nov 23 – Nov 29, 2026');
    expect(weekDays(windows('2026-11-23T00:00:00-05:00'), 'last_week')).toBe('Nov 16 – Nov 22, 2026');
    // Across a year end, and for a team east of UTC whose Monday is still Sunday in UTC.
    expect(weekDays(windows('2026-12-28T00:00:00+11:00'), 'this_week')).toBe('Dec 28, 2026 – Jan 3, 2027');
  });

  it('shows a half-open interval as the days it covers, across a DST change', () => {
    expect(intervalDays({ start: '2026-10-26T00:00:00-04:00', end: '2026-11-23T00:00:00-05:00' })).toBe('Oct 26 – Nov 22, 2026');
  });

  it('shows an instant in its own offset', () => {
    expect(localMoment('2026-11-25T10:30:00-05:00')).toBe('Nov 25, 10:30 (UTC−05:00)');
    expect(localMoment('2026-11-25T15:30:00Z')).toBe('Nov 25, 15:30 (UTC)');
  });
});
