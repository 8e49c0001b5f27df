import { describe, expect, it } from 'vitest';
import { FpsMeter } from './fps-meter';
import { STAMP_BITS, readStampStrip, stampRect } from './frame-stamp';
import { LatencyTracker } from './latency-tracker';
import { percentile } from './percentile';

/** The strip as drawImage would give it: 16 cells of `cell`² RGBA pixels, with optional noise. */
function strip(n: number, cell: number, noise = 0, mid = false): Uint8ClampedArray {
  const width = STAMP_BITS * cell;
  const data = new Uint8ClampedArray(width * cell * 4);
  let seed = 7;
  for (let y = 0; y < cell; y++) {
    for (let x = 0; x < width; x++) {
      const bit = Math.floor(x / cell);
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const v = (mid && bit === 3 ? 128 : (n >> bit) & 1 ? 235 : 16) + Math.round(((seed / 0x7fffffff) * 2 - 1) * noise);
      const i = (y * width + x) * 4;
      data[i] = v;
      data[i + 1] = v;
      data[i + 2] = v;
      data[i + 3] = 255;
    }
  }
  return data;
}

describe('readStampStrip', () => {
  it('reads back numbers across the 16-bit range, with codec-like noise', () => {
    for (const n of [0, 1, 2, 149, 0x5555, 0xffff]) expect(readStampStrip(strip(n, 8, 20), 8)).toBe(n);
  });

  it('refuses a frame with an ambiguous block (no stamp)', () => {
    expect(readStampStrip(strip(5, 8, 0, true), 8)).toBeUndefined();
    expect(readStampStrip(new Uint8ClampedArray(10), 8)).toBeUndefined();
  });

  it('scales the strip with the video width', () => {
    expect(stampRect(640, 480)).toEqual({ x: 0, y: 472, w: 128, h: 8 });
    expect(stampRect(1280, 960)).toEqual({ x: 0, y: 944, w: 256, h: 16 });
  });
});

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
