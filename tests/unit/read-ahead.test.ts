import { describe, expect, it } from 'vitest';
import { readAhead } from '../../src/sync/read-ahead.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('readAhead', () => {
  it('hands every item on in order, reading at most `capacity` ahead of the consumer', async () => {
    let produced = 0;
    async function* source() {
      for (let i = 0; i < 10; i += 1) {
        produced += 1;
        yield i;
      }
    }
    const got: number[] = [];
    const aheadOf: number[] = [];
    for await (const x of readAhead(source(), 3)) {
      await tick();
      aheadOf.push(produced - got.length);
      got.push(x);
    }
    expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // While the consumer works on one item, up to three more are read (four started, with the one in hand).
    expect(Math.max(...aheadOf)).toBe(4);
  });

  it('passes a failure on after the items read before it', async () => {
    async function* source() {
      yield 1;
      yield 2;
      throw new Error('boom');
    }
    const got: number[] = [];
    await expect(
      (async () => {
        for await (const x of readAhead(source(), 5)) got.push(x);
      })(),
    ).rejects.toThrow('boom');
    expect(got).toEqual([1, 2]);
  });

  it('stops reading when the consumer stops', async () => {
    let produced = 0;
    let closed = false;
    async function* source() {
      try {
        for (let i = 0; ; i += 1) {
          produced += 1;
          await tick();
          yield i;
        }
      } finally {
        closed = true;
      }
    }
    for await (const x of readAhead(source(), 2)) if (x === 3) break;
    expect(closed).toBe(true);
    expect(produced).toBeLessThanOrEqual(7);
  });
});
