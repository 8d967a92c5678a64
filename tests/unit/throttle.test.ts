import { describe, expect, it } from 'vitest';
import { Throttle } from '../../src/sync/rate-limit.js';

/** Acquires in every class at once; returns when each was let through (ms from the start). */
async function race(throttle: Throttle, classes: Record<string, { kinds: string[]; n: number }>): Promise<Record<string, number[]>> {
  const start = performance.now();
  const out: Record<string, number[]> = {};
  await Promise.all(
    Object.entries(classes).flatMap(([name, { kinds, n }]) =>
      Array.from({ length: n }, async () => {
        await throttle.acquire(kinds);
        (out[name] ??= []).push(performance.now() - start);
      }),
    ),
  );
  return out;
}

describe('Throttle', () => {
  it('never lets more through a rolling window than its limit', async () => {
    const throttle = new Throttle({ general: [{ limit: 5, windowMs: 100 }] });
    const { all } = await race(throttle, { all: { kinds: ['general'], n: 12 } });
    const times = all!.sort((a, b) => a - b);
    for (const t of times) expect(times.filter((u) => u >= t && u < t + 95).length).toBeLessThanOrEqual(5);
    expect(times.at(-1)).toBeGreaterThanOrEqual(200);
  });

  it('while searching, leaves the searches their share of the general window', async () => {
    // 20 requests per 200 ms in all; searches 1 per 20 ms (10 per 200 ms); the others then keep to 10.
    const limits = { general: [{ limit: 20, windowMs: 200 }], search: [{ limit: 1, windowMs: 20 }] };
    const reserved = new Throttle(limits, undefined, { kind: 'search', others: { limit: 10, windowMs: 200 } });
    const withReservation = await race(reserved, { search: { kinds: ['general', 'search'], n: 12 }, other: { kinds: ['general'], n: 30 } });
    const inFirstWindow = (times: number[] | undefined) => (times ?? []).filter((t) => t < 190).length;
    expect(inFirstWindow(withReservation.search)).toBeGreaterThanOrEqual(8);
    expect(inFirstWindow(withReservation.other)).toBeLessThanOrEqual(10);
    // Without it the others take the whole window at once and the searches wait for the next.
    const plain = await race(new Throttle(limits), { other: { kinds: ['general'], n: 30 }, search: { kinds: ['general', 'search'], n: 12 } });
    expect(inFirstWindow(plain.search)).toBeLessThanOrEqual(1);
  });

  it('gives the others the whole window once the searches are idle', async () => {
    const throttle = new Throttle({ general: [{ limit: 20, windowMs: 200 }], search: [{ limit: 1, windowMs: 20 }] }, undefined, { kind: 'search', others: { limit: 10, windowMs: 200 } });
    const { other } = await race(throttle, { other: { kinds: ['general'], n: 20 } });
    expect(other!.filter((t) => t < 50)).toHaveLength(20);
  });
});
