/**
 * Seeded randomness for the generator. The generator is pure-rand's xoroshiro128+; every
 * independent part of the data (one learner, one registration, the catalogue…) draws from its
 * own stream, whose 128-bit state is derived from (seed, domain, index). A part can thus be
 * generated again, in any pass and in any order, with the same result, and the whole dataset is
 * a function of the seed and the anchor alone.
 */
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';

/** murmur3's 32-bit finaliser: a bijection of 32-bit integers with good avalanche. */
export function fmix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Independent streams of the generator. */
export const enum Domain {
  Catalogue = 1,
  Counts = 2,
  Learner = 3,
  Registration = 4,
  Days = 5,
  Guid = 6,
}

const TWO_32 = 4294967296;

export class Rng {
  private constructor(private readonly generator: RandomGenerator) {}

  /** The stream of one part of the data. `index` is any integer below 2^53. */
  static stream(seed: number, domain: Domain, index = 0): Rng {
    const s = fmix32(fmix32(seed | 0) ^ Math.imul(domain, 0x9e3779b9));
    const lo = (index % TWO_32) >>> 0;
    const hi = Math.floor(index / TWO_32) >>> 0;
    const a = fmix32(s ^ lo); // a bijection of lo for a given (seed, domain): distinct indexes, distinct states
    const b = fmix32(a ^ fmix32(hi ^ 0x27d4eb2f));
    const c = fmix32(a + 0x165667b1);
    const d = fmix32(b ^ s) | 1; // never an all-zero state
    return new Rng(xoroshiro128plusFromState([a, b, c, d]));
  }

  /** Uniform in [0, 1). */
  float(): number {
    return (this.generator.next() >>> 0) / TWO_32;
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)]!;
  }

  /** An index drawn from cumulative weights (increasing, last = total). */
  weighted(cumulative: ArrayLike<number>): number {
    const target = this.float() * cumulative[cumulative.length - 1]!;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** A geometric count: how many successes of probability p before the first failure, capped. */
  geometric(p: number, cap: number): number {
    let n = 0;
    while (n < cap && this.float() < p) n++;
    return n;
  }

  /** An integer in [min, max] leaning towards min (the square of a uniform). */
  skewedLow(min: number, max: number): number {
    const u = this.float();
    return min + Math.floor(u * u * (max - min + 1));
  }
}

/** Cumulative sums of weights, for {@link Rng.weighted}. */
export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => (out[i] = sum += w));
  return out;
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex32 = (v: number) => HEX[(v >>> 24) & 255]! + HEX[(v >>> 16) & 255]! + HEX[(v >>> 8) & 255]! + HEX[v & 255]!;

/**
 * A version-4-shaped UUID for row `id` of table number `table`, derived from the seed. The first
 * 32 bits are a bijection of the id (ids below 2^32), so two rows of one table never share a GUID.
 */
export function guidFor(seed: number, table: number, id: number): string {
  const salt = fmix32(fmix32(seed | 0) ^ Math.imul(table + Domain.Guid * 97, 0x9e3779b9));
  const a = fmix32(salt ^ (id >>> 0));
  const b = fmix32(a ^ 0x68e31da4);
  const c = fmix32(b + salt);
  const d = fmix32(c ^ 0x1b56c4e9);
  const s1 = hex32(b);
  const s2 = hex32((c & 0x3fffffff) | 0x80000000);
  return `${hex32(a)}-${s1.slice(0, 4)}-4${s1.slice(5, 8)}-${s2.slice(0, 4)}-${s2.slice(4, 8)}${hex32(d)}`;
}
