import { describe, expect, it } from 'vitest';
import { LatencyWindow, RateMeter, percentileOfSorted } from './stats';

describe('RateMeter', () => {
  it('counts events in the last second', () => {
    const m = new RateMeter(1000);
    for (let t = 0; t < 2000; t += 33.3) m.record(t);
    expect(m.rate(2000)).toBe(30);
    expect(m.rate(5000)).toBe(0);
  });
});

describe('LatencyWindow', () => {
  it('gives nearest-rank percentiles within the sample range', () => {
    const w = new LatencyWindow(100);
    for (let i = 1; i <= 100; i++) w.record(i);
    expect(w.percentile(50)).toBe(50);
    expect(w.percentile(95)).toBe(95);
    expect(w.percentile(100)).toBe(100);
    expect(w.percentile(0)).toBe(1);
  });

  it('keeps only the last `capacity` samples', () => {
    const w = new LatencyWindow(10);
    for (let i = 0; i < 100; i++) w.record(i < 90 ? 1000 : 1);
    expect(w.percentile(95)).toBe(1);
    expect(w.count).toBe(10);
    expect(new LatencyWindow().percentile(50)).toBe(0);
    expect(percentileOfSorted([], 50)).toBe(0);
  });
});
