import { describe, expect, it } from 'vitest';
import { hashInts, Rng } from './random';

describe('Rng', () => {
  it('repeats for a seed and differs between seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 10 }, () => a.next());
    expect(Array.from({ length: 10 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 10 }, () => c.next())).not.toEqual(xs);
  });

  it('is uniform enough: each decile holds about a tenth', () => {
    const r = new Rng(1);
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 20000; i++) bins[Math.floor(r.next() * 10)]! += 1;
    for (const b of bins) expect(Math.abs(b - 2000)).toBeLessThan(200);
  });

  it('draws weighted indices in proportion and permutations that hold every index once', () => {
    const r = new Rng(2);
    const counts = [0, 0, 0];
    for (let i = 0; i < 10000; i++) counts[r.weighted([1, 2, 7])]! += 1;
    expect(counts[0]! / 10000).toBeCloseTo(0.1, 1);
    expect(counts[2]! / 10000).toBeCloseTo(0.7, 1);
    const p = r.permutation(100);
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('hashInts is order-sensitive', () => {
    expect(hashInts(1, 2)).not.toBe(hashInts(2, 1));
    expect(hashInts(1, 2)).toBe(hashInts(1, 2));
  });
});
