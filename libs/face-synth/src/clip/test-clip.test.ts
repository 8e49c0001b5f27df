import { describe, expect, it } from 'vitest';
import { faceLandmarks } from '../face/landmarks';
import { sample } from '../face/sample';
import { readFrameNumber, stampFrameNumber, TestClip } from './test-clip';
import { y4mFrame, y4mHeader } from './y4m';

describe('TestClip', () => {
  const desc = { ...sample(3), attributes: { ...sample(3).attributes, eyewear: 0 } };

  it('renders deterministic frames that move and blink', () => {
    const clip = new TestClip(desc, { width: 160, height: 120, fps: 30 });
    const a = Buffer.from(clip.frame(10).data);
    expect(Buffer.from(new TestClip(desc, { width: 160, height: 120, fps: 30 }).frame(10).data).equals(a)).toBe(true);
    expect(Buffer.from(clip.frame(40).data).equals(a)).toBe(false);
    // Over 3 s the eyes shut at least once: the brightest pixel at the eye drops from white to skin.
    const eyeMax = Array.from({ length: 90 }, (_, i) => {
      const { placement, nuisance } = clip.stateAt(i);
      const eye = faceLandmarks(desc, placement, nuisance).leftEye;
      const img = clip.frame(i);
      let m = 0;
      for (let y = Math.round(eye.y) - 2; y <= Math.round(eye.y) + 2; y++) {
        for (let x = Math.round(eye.x) - 3; x <= Math.round(eye.x) + 3; x++) m = Math.max(m, img.data[(y * img.width + x) * 3]!);
      }
      return m;
    });
    expect(Math.max(...eyeMax)).toBeGreaterThan(200);
    expect(Math.min(...eyeMax)).toBeLessThan(Math.max(...eyeMax) - 40);
    expect(eyeMax.filter((m) => m > 200).length).toBeGreaterThan(80); // mostly open
  });

  it('stamps frame numbers that read back', () => {
    const clip = new TestClip(desc, { width: 160, height: 120, fps: 30, stamp: true });
    for (const n of [0, 1, 77, 299]) expect(readFrameNumber(clip.frame(n))).toBe(n);
    const img = { data: new Uint8Array(256 * 16 * 3), width: 256, height: 16 };
    stampFrameNumber(img, 0xbeef);
    expect(readFrameNumber(img)).toBe(0xbeef);
  });

  it('keeps the portrait landmarks consistent with the clip-free API', () => {
    const lm = faceLandmarks(desc, { cx: 50, cy: 50, unit: 40, roll: 0 });
    expect(lm.leftEye.x).toBeLessThan(lm.rightEye.x);
    expect(lm.mouth.y).toBeGreaterThan(lm.noseTip.y);
    expect(lm.chin.y).toBeGreaterThan(lm.mouth.y);
  });
});

describe('y4m', () => {
  it('writes a 4:2:0 header and frames of the right size with BT.601 levels', () => {
    expect(y4mHeader(640, 480, 30)).toBe('YUV4MPEG2 W640 H480 F30:1 Ip A1:1 C420jpeg\n');
    expect(() => y4mHeader(641, 480, 30)).toThrow(RangeError);
    const white = { data: new Uint8Array(4 * 2 * 3).fill(255), width: 4, height: 2 };
    const f = y4mFrame(white);
    expect(f.length).toBe(6 + 8 + 2 + 2);
    expect(f.subarray(0, 6).toString()).toBe('FRAME\n');
    expect(Array.from(f.subarray(6, 14))).toEqual(new Array(8).fill(235));
    expect(Array.from(f.subarray(14))).toEqual([128, 128, 128, 128]);
    const black = y4mFrame({ data: new Uint8Array(4 * 2 * 3), width: 4, height: 2 });
    expect(black[6]).toBe(16);
  });
});
