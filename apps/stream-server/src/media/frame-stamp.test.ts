import { describe, expect, it } from 'vitest';
import { readFrameNumber, stampFrameNumber } from './frame-stamp';

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
