import { describe, expect, it } from 'vitest';
import { OneEuroFilter, Ramp } from './one-euro';

function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

describe('OneEuroFilter', () => {
  it('passes the first value and a constant signal through unchanged', () => {
    const f = new OneEuroFilter({ minCutoff: 1, beta: 0 });
    expect(Array.from(f.filter([1, 2], 0))).toEqual([1, 2]);
    for (let t = 33; t < 1000; t += 33) expect(Array.from(f.filter([1, 2], t))).toEqual([1, 2]);
  });

  it('cuts jitter on a still signal and follows a moving one with less lag when beta > 0', () => {
    const r = rng(3);
    const still = new OneEuroFilter({ minCutoff: 1, beta: 0 });
    let rawVar = 0;
    let outVar = 0;
    for (let i = 0; i < 300; i++) {
      const v = r();
      const o = still.filter([v], i * 33)[0]!;
      if (i > 30) {
        rawVar += v * v;
        outVar += o * o;
      }
    }
    expect(outVar).toBeLessThan(rawVar * 0.2);
    const lagOf = (beta: number): number => {
      const f = new OneEuroFilter({ minCutoff: 1, beta });
      let o = 0;
      for (let i = 0; i < 30; i++) o = f.filter([i * 10], i * 33)[0]!;
      return 290 - o;
    };
    expect(lagOf(1)).toBeLessThan(lagOf(0) / 2);
  });

  it('depends on the timestamps given, not on when it is called; a non-increasing timestamp restarts it', () => {
    const a = new OneEuroFilter({ minCutoff: 2, beta: 0.1 });
    const b = new OneEuroFilter({ minCutoff: 2, beta: 0.1 });
    for (let i = 0; i < 10; i++) expect(a.filter([Math.sin(i)], i * 40)).toEqual(b.filter([Math.sin(i)], i * 40));
    expect(Array.from(a.filter([5], 0))).toEqual([5]);
  });
});

describe('Ramp', () => {
  it('goes 0 → 1 over its duration from the restart time', () => {
    const r = new Ramp(200);
    expect(r.at(0)).toBe(1);
    r.restart(1000);
    expect(r.at(1000)).toBe(0);
    expect(r.at(1100)).toBeCloseTo(0.5);
    expect(r.at(1300)).toBe(1);
  });
});
