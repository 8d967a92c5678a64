/**
 * The seeded randomness of the generator. Every stream (the org, each rep) gets its own
 * xoroshiro128+ generator derived from the seed and the stream's numbers, so a rep's events do
 * not depend on how many numbers other reps drew: generating one rep alone (tests, a benchmark)
 * gives exactly the events it gets in a full run.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

export interface Rng {
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Normal(mean, sd) (Box–Muller). */
  normal(mean: number, sd: number): number;
  /** Poisson(mean): Knuth's method for small means, a rounded normal above 30. */
  poisson(mean: number): number;
  /** A new array in random order (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[];
}

/** A 32-bit mix (murmur3's finaliser): nearby seeds and stream numbers land far apart. */
function mix(h: number): number {
  let x = h | 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x | 0;
}

/** The 32-bit seed of a stream: the run's seed folded with the stream's numbers. */
export function streamSeed(seed: number, ...stream: number[]): number {
  // Seeds past 32 bits fold their high bits in rather than being cut off.
  let h = mix((seed | 0) ^ mix(Math.floor(seed / 2 ** 32)) ^ 0x9e3779b9);
  for (const s of stream) h = mix(h ^ mix(s + 0x632be5ab));
  return h;
}

export function createRng(seed: number, ...stream: number[]): Rng {
  const gen: RandomGenerator = xoroshiro128plus(streamSeed(seed, ...stream));
  // xoroshiro's first outputs from a sparse state are weakly mixed; discard a few.
  for (let i = 0; i < 16; i += 1) gen.next();
  const float = () => uniformFloat64(gen);
  let spareNormal: number | null = null;
  const standardNormal = () => {
    if (spareNormal !== null) {
      const z = spareNormal;
      spareNormal = null;
      return z;
    }
    const u = 1 - float(); // (0, 1]: log(0) would be -Infinity
    const v = float();
    const r = Math.sqrt(-2 * Math.log(u));
    spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  const rng: Rng = {
    float,
    int: (min, max) => uniformInt(gen, min, max),
    between: (min, max) => min + (max - min) * float(),
    chance: (p) => float() < p,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[uniformInt(gen, 0, items.length - 1)]!;
    },
    normal: (mean, sd) => mean + sd * standardNormal(),
    poisson: (mean) => {
      if (mean <= 0) return 0;
      if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * standardNormal()));
      const limit = Math.exp(-mean);
      let k = 0;
      let p = float();
      while (p > limit) {
        k += 1;
        p *= float();
      }
      return k;
    },
    shuffle: (items) => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i -= 1) {
        const j = uniformInt(gen, 0, i);
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
  };
  return rng;
}
