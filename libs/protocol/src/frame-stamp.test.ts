import { describe, expect, it } from 'vitest';
import { STAMP_BITS, readFrameNumber, readStampStrip, stampFrameNumber, stampRect } from './frame-stamp';

describe('frame stamp', () => {
  it('round-trips numbers, also with noise added', () => {
    const frame = { width: 320, height: 240, data: Buffer.alloc(320 * 240 * 3, 90) };
    for (const n of [0, 1, 12345, 65535]) {
      stampFrameNumber(frame, n);
      expect(readFrameNumber(frame)).toBe(n);
      for (let i = 0; i < frame.data.length; i += 7) frame.data[i] = Math.max(0, Math.min(255, (frame.data[i] as number) + ((i % 61) - 30)));
      expect(readFrameNumber(frame)).toBe(n);
    }
  });
});

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
