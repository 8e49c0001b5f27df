import { describe, expect, it } from 'vitest';
import { cropAligned, cropToFrame } from '../align/align';
import { pasteAligned } from './paste';

describe('crop and paste', () => {
  const W = 160;
  const H = 120;
  const frame = (): { width: number; height: number; data: Uint8Array } => {
    const data = new Uint8Array(W * H * 3);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let k = 0; k < 3; k++) data[(y * W + x) * 3 + k] = (x * (k + 1) + y * 2) % 256 > 200 ? 40 : ((x * (k + 1) + y * 2) % 256);
    return { width: W, height: H, data };
  };

  it('pasting the unchanged crop back leaves the frame (nearly) as it was, and only inside the mask box', () => {
    const f = frame();
    const orig = Uint8Array.from(f.data);
    const a = { cx: 80, cy: 55, scale: 90, roll: 0.2 };
    const crop = cropAligned(f, a, 96);
    const box = pasteAligned(f, a, crop, 96, { colorMatch: false });
    let err = 0;
    let n = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const inside = x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height;
        for (let k = 0; k < 3; k++) {
          const i = (y * W + x) * 3 + k;
          if (!inside) expect(f.data[i]).toBe(orig[i]);
          else {
            err += Math.abs(f.data[i]! - orig[i]!);
            n++;
          }
        }
      }
    }
    expect(box.width).toBeGreaterThan(40);
    // Resampling a sharp pattern twice blurs it a little; nothing moves.
    expect(err / n).toBeLessThan(12);
  });

  it('alpha 0 changes nothing; a white crop whitens the face region; colour matching shifts toward the frame', () => {
    const f = frame();
    const orig = Uint8Array.from(f.data);
    const a = { cx: 80, cy: 60, scale: 80, roll: 0 };
    const white = new Float32Array(32 * 32 * 3).fill(1);
    pasteAligned(f, a, white, 32, { alpha: 0 });
    expect(f.data).toEqual(orig);
    pasteAligned(f, a, white, 32, { colorMatch: false });
    const centre = (Math.round(a.cy + 0.02 * a.scale) * W + Math.round(a.cx)) * 3;
    expect(f.data[centre]).toBe(255);
    const g = frame();
    pasteAligned(g, a, white, 32, { colorMatch: true });
    expect(g.data[centre]!).toBeLessThan(255);
  });

  it("mode 'delta' adds the change to the frame's own pixels under the mask and rejects unknown modes", () => {
    const f = frame();
    const orig = Uint8Array.from(f.data);
    const a = { cx: 80, cy: 60, scale: 80, roll: 0.1 };
    pasteAligned(f, a, new Float32Array(32 * 32 * 3), 32, { mode: 'delta' });
    expect(f.data).toEqual(orig); // no change: the frame keeps every pixel (no resampling blur)
    const up = new Float32Array(32 * 32 * 3).fill(0.2);
    const box = pasteAligned(f, a, up, 32, { mode: 'delta', colorMatch: true });
    const centre = (Math.round(a.cy + 0.02 * a.scale) * W + Math.round(a.cx)) * 3;
    for (let k = 0; k < 3; k++) expect(f.data[centre + k]).toBe(Math.min(255, orig[centre + k]! + Math.round(0.2 * 127.5)));
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        if (x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height) continue;
        for (let k = 0; k < 3; k++) expect(f.data[(y * W + x) * 3 + k]).toBe(orig[(y * W + x) * 3 + k]);
      }
    }
    // @ts-expect-error: checked at run time too
    expect(() => pasteAligned(f, a, up, 32, { mode: 'add' })).toThrow(/mode/);
  });

  it('a crop-space mask limits the paste to its region: all-ones equals no mask, zeros keep the frame, a half mask pastes one half', () => {
    const a = { cx: 80, cy: 60, scale: 80, roll: 0.2 };
    const white = new Float32Array(32 * 32 * 3).fill(1);
    const plain = frame();
    pasteAligned(plain, a, white, 32, { colorMatch: false });
    const ones = frame();
    pasteAligned(ones, a, white, 32, { colorMatch: false, mask: new Float32Array(32 * 32).fill(1) });
    expect(ones.data).toEqual(plain.data);
    const zeros = frame();
    const orig = Uint8Array.from(zeros.data);
    pasteAligned(zeros, a, white, 32, { mask: new Float32Array(32 * 32) });
    expect(zeros.data).toEqual(orig);
    // Top half of the crop only (rows 0–15 at 1, the rest 0): the eyes (crop y ≈ 0.4) get it, the mouth (≈ 0.58) does not.
    const half = new Float32Array(32 * 32);
    half.fill(1, 0, 16 * 32);
    const f = frame();
    pasteAligned(f, a, white, 32, { colorMatch: false, mask: half });
    const at = (u: number, v: number): number => {
      const p = cropToFrame(a, u, v);
      return (Math.round(p.y) * W + Math.round(p.x)) * 3;
    };
    expect(f.data[at(0.5, 0.3)]).toBe(255);
    expect(f.data[at(0.5, 0.75)]).toBe(orig[at(0.5, 0.75)]);
    expect(() => pasteAligned(f, a, white, 32, { mask: new Float32Array(10) })).toThrow(/mask/);
  });

  it('with a mask, colour matching reads only where the masked crop meets the frame (the crop outside the mask may be anything)', () => {
    const a = { cx: 80, cy: 60, scale: 80, roll: 0 };
    const grey = 100;
    const f = { width: W, height: H, data: new Uint8Array(W * H * 3).fill(grey) };
    // A mask of 1 on a box, fading to 0 over 4 px around it; where it is above 0 the crop is 30
    // levels brighter than the frame, elsewhere black.
    const crop = new Float32Array(32 * 32 * 3).fill(-1);
    const mask = new Float32Array(32 * 32);
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const d = Math.max(6 - x, x - 25, 8 - y, y - 19, 0);
        mask[y * 32 + x] = Math.max(0, 1 - d / 4);
        if (mask[y * 32 + x]! > 0) for (let k = 0; k < 3; k++) crop[(y * 32 + x) * 3 + k] = (grey + 30) / 127.5 - 1;
      }
    }
    pasteAligned(f, a, crop, 32, { mask, colorMatch: true });
    // The shift takes out the 30 levels (the crop's black outside the mask plays no part).
    const centre = cropToFrame(a, 16 / 32, 14 / 32);
    const p = (Math.round(centre.y) * W + Math.round(centre.x)) * 3;
    expect(Math.abs(f.data[p]! - grey)).toBeLessThanOrEqual(1);
  });
});
