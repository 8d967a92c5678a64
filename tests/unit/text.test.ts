import { describe, expect, it } from 'vitest';
import { clip, findTextProblems, quoteList, unstorableText } from '../../src/text.js';

describe('text a stranger sends', () => {
  it('tells storable text from a NUL and from unpaired surrogates, but keeps pairs', () => {
    expect(unstorableText('emoji 🎉 עברית e\u0301 \ufeff')).toBeNull();
    expect(unstorableText('a\u0000')).toBe('contains a NUL character (U+0000) at position 1, which cannot be stored; remove it');
    expect(unstorableText('\ud83d')).toMatch(/^contains an unpaired surrogate \(U\+D83D\) at position 0,/);
    expect(unstorableText('x\ude00')).toMatch(/^contains an unpaired surrogate \(U\+DE00\) at position 1,/);
    expect(unstorableText('\ude00\ud83d')).toMatch(/^contains an unpaired surrogate \(U\+DE00\) at position 0,/);
  });

  it('cuts echoes to 100 characters without splitting a surrogate pair', () => {
    expect(clip('x'.repeat(100))).toBe('x'.repeat(100));
    expect(clip('x'.repeat(101))).toBe(`${'x'.repeat(100)}…`);
    expect(clip(`${'x'.repeat(98)}🎉`)).toBe(`${'x'.repeat(98)}🎉`);
    expect(clip(`${'x'.repeat(99)}🎉y`)).toBe(`${'x'.repeat(99)}…`);
    expect(quoteList(['a', 'b', 'c', 'd', 'e', 'f', 'g'])).toBe('"a", "b", "c", "d", "e" and 2 more');
  });

  it('walks a million levels without recursion, reporting the depth once and the bad strings and keys by path', () => {
    let deep: unknown = [];
    for (let i = 0; i < 1_000_000; i += 1) deep = [deep];
    expect(findTextProblems(deep)).toEqual({ tooDeep: true, problems: [{ path: [], message: 'is nested more than 32 levels deep; at most 32 levels of objects and arrays are allowed' }] });
    expect(findTextProblems({ a: ['ok', 'b\u0000'], 'k\ud800': { c: 1 } })).toEqual({
      tooDeep: false,
      problems: [
        { path: ['a', 1], message: 'contains a NUL character (U+0000) at position 1, which cannot be stored; remove it' },
        { path: ['k\ud800'], message: 'the key contains an unpaired surrogate (U+D800) at position 1, which is not valid Unicode; send whole characters' },
      ],
    });
  });
});
