import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff';

describe('Backoff', () => {
  it('grows by the factor and stops at the cap (no jitter)', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, factor: 2, jitter: 0 });
    expect(Array.from({ length: 6 }, () => b.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(b.attempt).toBe(6);
  });

  it('keeps every jittered delay within [base·(1−jitter), base]', () => {
    for (const r of [0, 0.25, 0.999, 1]) {
      const b = new Backoff({ initialMs: 100, maxMs: 10_000, factor: 3, jitter: 0.5 }, () => r);
      let base = 100;
      for (let i = 0; i < 8; i++) {
        const d = b.next();
        expect(d).toBeGreaterThanOrEqual(Math.round(base * 0.5));
        expect(d).toBeLessThanOrEqual(base);
        base = Math.min(10_000, base * 3);
      }
    }
  });

  it('starts over after reset', () => {
    const b = new Backoff({ initialMs: 50, maxMs: 400, jitter: 0 });
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(50);
  });

  it('never overflows after many attempts', () => {
    const b = new Backoff({ initialMs: 1, maxMs: 5000, jitter: 0 });
    for (let i = 0; i < 5000; i++) b.next();
    expect(b.next()).toBe(5000);
  });

  it('rejects nonsense options with a RangeError', () => {
    expect(() => new Backoff({ initialMs: 0 })).toThrow(RangeError);
    expect(() => new Backoff({ initialMs: 10, maxMs: 5 })).toThrow(RangeError);
    expect(() => new Backoff({ factor: 0.5 })).toThrow(RangeError);
    expect(() => new Backoff({ jitter: 2 })).toThrow(RangeError);
  });
});
