import { describe, expect, it } from 'vitest';
import { percentile, seededRandom, wordErrors } from './metrics';

describe('bench metrics', () => {
  it('counts word errors as an edit distance', () => {
    expect(wordErrors('a bit bigger eyes', 'a bit bigger eyes')).toBe(0);
    expect(wordErrors('a bit bigger eyes', 'bigger eyes')).toBe(2);
    expect(wordErrors('long hair', 'short hair')).toBe(1);
    expect(wordErrors('long hair', '')).toBe(2);
    expect(wordErrors('', 'undo')).toBe(1);
  });

  it('percentiles lie within the data and are monotone', () => {
    const rng = seededRandom(7);
    const xs = Array.from({ length: 101 }, () => rng() * 100);
    let last = -Infinity;
    for (let p = 0; p <= 100; p += 5) {
      const v = percentile(xs, p);
      expect(v).toBeGreaterThanOrEqual(Math.min(...xs));
      expect(v).toBeLessThanOrEqual(Math.max(...xs));
      expect(v).toBeGreaterThanOrEqual(last);
      last = v;
    }
    expect(percentile([1, 2, 3], 50)).toBe(2);
  });
});
