import { describe, expect, it } from 'vitest';
import { enlargeForDetection } from './enlarge';

const img = { width: 3, height: 2, data: Uint8Array.from({ length: 18 }, (_, i) => i * 10) };

describe('enlargeForDetection', () => {
  it('returns the picture itself when it is big enough and no border is asked for', () => {
    const e = enlargeForDetection(img, 2);
    expect(e).toEqual({ img, scale: 1, dx: 0, dy: 0 });
  });

  it('scales up by an integer factor, nearest neighbour, until the short side reaches minSide', () => {
    const e = enlargeForDetection(img, 5); // short side 2 → ×3
    expect([e.scale, e.img.width, e.img.height, e.dx, e.dy]).toEqual([3, 9, 6, 0, 0]);
    for (let y = 0; y < 6; y++) for (let x = 0; x < 9; x++) for (let c = 0; c < 3; c++) {
      expect(e.img.data[(y * 9 + x) * 3 + c]).toBe(img.data[(Math.floor(y / 3) * 3 + Math.floor(x / 3)) * 3 + c]);
    }
  });

  it('puts the picture inside a mid-grey border, and original = (p − offset) / scale', () => {
    const e = enlargeForDetection(img, 4, 0.25); // ×2 → 6×4, border 2 (x) and 1 (y)
    expect([e.scale, e.dx, e.dy, e.img.width, e.img.height]).toEqual([2, 2, 1, 10, 6]);
    expect(e.img.data[0]).toBe(128);
    const at = (x: number, y: number): number[] => [...e.img.data.subarray((y * 10 + x) * 3, (y * 10 + x) * 3 + 3)];
    // enlarged pixel (7, 3) → original ((7 − 2) / 2, (3 − 1) / 2) = (2.5, 1) → pixel (2, 1)
    expect(at(7, 3)).toEqual([...img.data.subarray((1 * 3 + 2) * 3, (1 * 3 + 2) * 3 + 3)]);
    expect(at(9, 5)).toEqual([128, 128, 128]);
  });
});
