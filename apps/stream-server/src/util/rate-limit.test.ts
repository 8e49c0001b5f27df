import { describe, expect, it } from 'vitest';
import { TokenBucket } from './rate-limit';

describe('TokenBucket', () => {
  it('allows a burst, then the steady rate, and never more', () => {
    let t = 0;
    const b = new TokenBucket(5, 10, () => t);
    expect(Array.from({ length: 8 }, () => b.take())).toEqual([true, true, true, true, true, false, false, false]);
    t += 100; // one token back at 10/s
    expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
    t += 10_000; // refills to the burst, not beyond
    expect(Array.from({ length: 6 }, () => b.take()).filter(Boolean)).toHaveLength(5);
    // Over a long flood the accepted count follows the rate: 10/s for 3 s (+ nothing saved up).
    let ok = 0;
    for (let i = 0; i < 3000; i++) {
      t += 1;
      if (b.take()) ok++;
    }
    expect(ok).toBe(30);
    expect(() => new TokenBucket(0, 1)).toThrow(/burst/);
  });
});
