import { describe, expect, it } from 'vitest';
import { FpsMeter } from './fps-meter';
import { LatencyTracker } from './latency-tracker';
import { percentile } from './percentile';

describe('LatencyTracker', () => {
  it('matches displayed frames to captures and counts each once', () => {
    const t = new LatencyTracker();
    t.captured(1, 1000);
    t.captured(2, 1033);
    expect(t.displayed(1, 1040)).toBe(40);
    expect(t.displayed(1, 1070)).toBeUndefined();
    expect(t.displayed(2, 1083)).toBe(50);
    expect(t.displayed(3, 1100)).toBeUndefined();
    expect(t.toJSON()).toEqual({ count: 2, p50: 40, p95: 50 });
  });

  it('uses the latest capture of a number when the clip loops', () => {
    const t = new LatencyTracker({ maxLatencyMs: 2000 });
    t.captured(0, 0);
    t.captured(0, 5000); // the clip came round again
    expect(t.displayed(0, 5060)).toBe(60);
  });

  it('ignores impossible matches (negative or too late) and keeps a bounded window', () => {
    const t = new LatencyTracker({ maxSamples: 3, maxLatencyMs: 100 });
    t.captured(9, 500);
    expect(t.displayed(9, 400)).toBeUndefined();
    expect(t.displayed(9, 700)).toBeUndefined();
    for (let i = 0; i < 10; i++) {
      t.captured(i + 100, i * 10);
      t.displayed(i + 100, i * 10 + i);
    }
    expect(t.samples).toEqual([7, 8, 9]);
    expect(t.toJSON().count).toBe(10);
  });
});

describe('percentile and FpsMeter', () => {
  it('nearest-rank percentiles stay within the input range', () => {
    const v = [5, 1, 4, 2, 3];
    expect(percentile(v, 50)).toBe(3);
    expect(percentile(v, 95)).toBe(5);
    expect(percentile(v, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
    expect(v).toEqual([5, 1, 4, 2, 3]);
  });

  it('counts frames in the last second', () => {
    const m = new FpsMeter(1000);
    for (let i = 0; i < 60; i++) m.process(i * 33.3);
    expect(m.rate(60 * 33.3)).toBe(30);
    expect(m.rate(10_000)).toBe(0);
  });
});
