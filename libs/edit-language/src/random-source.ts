/**
 * The randomness captions draw from. Structural, so face-synth's `Rng` (or anything with `next()`)
 * can be passed directly; captions never touch Math.random, so the same seed gives the same text.
 */
export interface RandomSource {
  /** Uniform in [0, 1). */
  next(): number;
}

/** A small seeded source (mulberry32) for callers that have none of their own. */
export function seededRandom(seed: number): RandomSource {
  let state = (seed ^ 0x9e3779b9) >>> 0;
  return {
    next(): number {
      state = (state + 0x6d2b79f5) | 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** Integer in [0, n). */
export function randomInt(rng: RandomSource, n: number): number {
  return Math.min(n - 1, Math.floor(rng.next() * n));
}

/** One element of a non-empty list. */
export function pick<T>(rng: RandomSource, items: readonly T[]): T {
  const item = items[randomInt(rng, items.length)];
  if (item === undefined) throw new RangeError('pick: empty list');
  return item;
}

/** A shuffled copy (Fisher–Yates). */
export function shuffled<T>(rng: RandomSource, items: readonly T[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const t = out[i] as T;
    out[i] = out[j] as T;
    out[j] = t;
  }
  return out;
}
