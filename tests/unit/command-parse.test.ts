import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommandText } from '../../src/commands/parse.js';

const mykpis = (text: string) => parseCommandText(text, { allowMention: true });
const teamkpis = (text: string) => parseCommandText(text, { allowMention: false });

describe('slash command text', () => {
  it('reads nothing as this week, and every way of saying a week', () => {
    expect(mykpis('')).toEqual({ kind: 'report', period: 'this_week', subjectSlackUserId: null });
    expect(mykpis('   ')).toEqual({ kind: 'report', period: 'this_week', subjectSlackUserId: null });
    for (const text of ['last', 'last week', 'LAST WEEK', 'Last Week', 'lastweek', 'last-week', '  last \t week  ', 'last\nweek']) {
      expect(mykpis(text), text).toEqual({ kind: 'report', period: 'last_week', subjectSlackUserId: null });
      expect(teamkpis(text), text).toEqual({ kind: 'report', period: 'last_week', subjectSlackUserId: null });
    }
    for (const text of ['this week', 'This Week', 'thisweek', 'this-week']) {
      expect(mykpis(text), text).toEqual({ kind: 'report', period: 'this_week', subjectSlackUserId: null });
    }
  });

  it('answers help and ? with help, wherever they stand', () => {
    for (const text of ['help', 'HELP', '?', 'last week help', '<@U123> ?', 'nonsense help']) {
      expect(mykpis(text), text).toEqual({ kind: 'help', unknown: null });
    }
    expect(teamkpis('help')).toEqual({ kind: 'help', unknown: null });
  });

  it('reads a mention as Slack escapes it, with or without a label, the label holding spaces or anything but < and >', () => {
    expect(mykpis('<@U123|dev.tanaka>')).toEqual({ kind: 'report', period: 'this_week', subjectSlackUserId: 'U123' });
    expect(mykpis('<@U123>')).toEqual({ kind: 'report', period: 'this_week', subjectSlackUserId: 'U123' });
    expect(mykpis('<@W0AB12|Dev Tanaka> last week')).toEqual({ kind: 'report', period: 'last_week', subjectSlackUserId: 'W0AB12' });
    expect(mykpis('last week <@U9|Dev Tanaka (Sales, EMEA) | ☎>')).toEqual({ kind: 'report', period: 'last_week', subjectSlackUserId: 'U9' });
    expect(mykpis('last <@U9|Dev  Tanaka> week')).toEqual({ kind: 'help', unknown: 'week' });
  });

  it('names what it did not understand', () => {
    expect(mykpis('yesterday')).toEqual({ kind: 'help', unknown: 'yesterday' });
    expect(mykpis('last month')).toEqual({ kind: 'help', unknown: 'month' });
    expect(mykpis('week')).toEqual({ kind: 'help', unknown: 'week' });
    expect(mykpis('last week this  week')).toEqual({ kind: 'help', unknown: 'this  week' });
    expect(mykpis('last last')).toEqual({ kind: 'help', unknown: 'last' });
    // Typed without Slack's escaping (not picked from the menu): not a mention.
    expect(mykpis('@Dev Tanaka')).toEqual({ kind: 'help', unknown: '@Dev' });
    expect(mykpis('<@u123>')).toEqual({ kind: 'help', unknown: '<@u123>' });
    expect(mykpis('<#C123|sales>')).toEqual({ kind: 'help', unknown: '<#C123|sales>' });
    expect(mykpis('<@U1> <@U2|ben>')).toEqual({ kind: 'help', unknown: '<@U2|ben>' });
    expect(mykpis('<@U1|a<b>')).toEqual({ kind: 'help', unknown: '<@U1|a' });
  });

  it('/teamkpis takes no mention', () => {
    expect(teamkpis('<@U123|dev.tanaka>')).toEqual({ kind: 'help', unknown: '<@U123|dev.tanaka>' });
    expect(teamkpis('last week <@U1>')).toEqual({ kind: 'help', unknown: '<@U1>' });
  });
});

/**
 * The user ids of the well-formed escaped mentions in `text` (`<@` U or W, uppercase letters and
 * digits, then `>` or `|`, a label free of < and >, and `>`), found by walking the text.
 */
function wellFormedMentionIds(text: string): Set<string> {
  const ids = new Set<string>();
  for (let at = text.indexOf('<@'); at !== -1; at = text.indexOf('<@', at + 1)) {
    let i = at + 2;
    if (text[i] !== 'U' && text[i] !== 'W') continue;
    i += 1;
    while (i < text.length && /[A-Z0-9]/.test(text[i]!)) i += 1;
    const id = text.slice(at + 2, i);
    if (id.length < 2) continue;
    if (text[i] === '>') ids.add(id);
    else if (text[i] === '|') {
      const close = text.indexOf('>', i);
      if (close !== -1 && !text.slice(i, close).includes('<')) ids.add(id);
    }
  }
  return ids;
}

const userId = fc.tuple(fc.constantFrom('U', 'W'), fc.stringMatching(/^[A-Z0-9]{1,11}$/)).map(([p, rest]) => p + rest);
const label = fc.string({ maxLength: 30 }).filter((s) => !/[<>]/.test(s));
const wellFormed = fc.oneof(
  userId.map((id) => `<@${id}>`),
  fc.tuple(userId, label).map(([id, l]) => `<@${id}|${l}>`),
);
const malformed = fc.oneof(
  fc.tuple(userId, label).map(([id, l]) => `<@${id}|${l}`),
  userId.map((id) => `<@${id.toLowerCase()}>`),
  userId.map((id) => `@${id}`),
  userId.map((id) => `<@ ${id}>`),
  userId.map((id) => `<#C${id.slice(1)}|sales>`),
  fc.tuple(userId, label).map(([id, l]) => `<@${id}|${l}<x>`),
);
const fragment = fc.oneof(wellFormed, malformed, fc.constantFrom('last', 'week', 'this', 'lastweek', 'last week', 'this week', '<', '>', '|'), fc.string({ maxLength: 8 }));
const separator = fc.constantFrom(' ', '  ', '\t', '\n', '');

describe('slash command text (properties)', () => {
  it('returns a mention only when the text holds that mention well-formed, as Slack escapes it', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fragment, separator), { maxLength: 6 }), (parts) => {
        const text = parts.map(([f, s]) => f + s).join('');
        const result = mykpis(text);
        if (result.kind === 'report' && result.subjectSlackUserId !== null) {
          expect(wellFormedMentionIds(text)).toContain(result.subjectSlackUserId);
        }
        if (result.kind === 'help' && result.unknown !== null) expect(text).toContain(result.unknown);
      }),
      { numRuns: 200 },
    );
  });

  it('reads any well-formed mention with any label, beside a period in either order', () => {
    fc.assert(
      fc.property(userId, fc.option(label), fc.constantFrom('', 'last', 'last week', 'this week', 'lastweek'), fc.boolean(), (id, l, period, first) => {
        const mention = l === null ? `<@${id}>` : `<@${id}|${l}>`;
        const result = mykpis(first ? `${mention} ${period}` : `${period} ${mention}`);
        expect(result).toEqual({ kind: 'report', period: period.startsWith('last') ? 'last_week' : 'this_week', subjectSlackUserId: id });
      }),
      { numRuns: 200 },
    );
  });
});
