import { describe, expect, it } from 'vitest';
import { Throttle } from '../../src/sync/rate-limit.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Acquires in every class at once, each answered at once; returns when each was let through (ms from the start). */
async function race(throttle: Throttle, classes: Record<string, { kinds: string[]; n: number }>): Promise<Record<string, number[]>> {
  const start = performance.now();
  const out: Record<string, number[]> = {};
  await Promise.all(
    Object.entries(classes).flatMap(([name, { kinds, n }]) =>
      Array.from({ length: n }, async () => {
        (await throttle.acquire(kinds)).done();
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

  it('keeps a request in its window until a window after its answer arrived', async () => {
    const throttle = new Throttle({ general: [{ limit: 1, windowMs: 50 }] });
    const start = performance.now();
    const first = await throttle.acquire(['general']);
    const second = throttle.acquire(['general']).then((p) => {
      p.done();
      return performance.now() - start;
    });
    // The first request is answered 80 ms after it left: its window runs from then, not from its start.
    await sleep(80);
    const answeredAt = performance.now() - start;
    first.done();
    first.done();
    expect(await second).toBeGreaterThanOrEqual(answeredAt + 49);
  });

  it('frees places in the order answers arrive, not the order requests left', async () => {
    const throttle = new Throttle({ general: [{ limit: 2, windowMs: 100 }] });
    const start = performance.now();
    const [a, b] = [await throttle.acquire(['general']), await throttle.acquire(['general'])];
    const third = throttle.acquire(['general']).then((permit) => {
      permit.done();
      return performance.now() - start;
    });
    await sleep(40);
    const bAnswered = performance.now() - start;
    b.done();
    await sleep(250);
    const aAnswered = performance.now() - start;
    a.done();
    // b's place frees a window after b's answer, while a (sent first) is still in flight.
    const thirdAt = await third;
    expect(thirdAt).toBeGreaterThanOrEqual(bAnswered + 99);
    expect(thirdAt).toBeLessThan(aAnswered);
  });
});
