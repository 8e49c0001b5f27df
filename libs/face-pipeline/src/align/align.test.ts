import { faceLandmarks, hashInts, portraitPlacement, sample } from '@lfe/face-synth';
import { describe, expect, it } from 'vitest';
import { TEMPLATE, alignmentFromLandmarks, cropToFrame } from './align';

describe('alignment template', () => {
  it('matches the framing of the training renders (re-measured on 500 faces)', () => {
    let mx = 0;
    let my = 0;
    let ed = 0;
    let md = 0;
    const n = 500;
    for (let k = 0; k < n; k++) {
      const d = sample(hashInts(11, k));
      const L = faceLandmarks(d, portraitPlacement(d, 1));
      const cx = (L.leftEye.x + L.rightEye.x) / 2;
      const cy = (L.leftEye.y + L.rightEye.y) / 2;
      mx += cx / n;
      my += cy / n;
      ed += Math.hypot(L.rightEye.x - L.leftEye.x, L.rightEye.y - L.leftEye.y) / n;
      md += Math.hypot(L.mouth.x - cx, L.mouth.y - cy) / n;
    }
    expect(Math.abs(mx - TEMPLATE.eyeMid.x)).toBeLessThan(0.005);
    expect(Math.abs(my - TEMPLATE.eyeMid.y)).toBeLessThan(0.005);
    expect(Math.abs(ed - TEMPLATE.eyeDistance)).toBeLessThan(0.005);
    expect(Math.abs(md - TEMPLATE.mouthDistance)).toBeLessThan(0.005);
  });
});

describe('alignmentFromLandmarks', () => {
  it('puts template landmarks back where they came from, at any roll and scale', () => {
    for (const roll of [-0.4, 0, 0.25]) {
      const truth = { cx: 300, cy: 200, scale: 250, roll };
      const le = cropToFrame(truth, TEMPLATE.eyeMid.x - TEMPLATE.eyeDistance / 2, TEMPLATE.eyeMid.y);
      const re = cropToFrame(truth, TEMPLATE.eyeMid.x + TEMPLATE.eyeDistance / 2, TEMPLATE.eyeMid.y);
      const mo = cropToFrame(truth, TEMPLATE.eyeMid.x, TEMPLATE.eyeMid.y + TEMPLATE.mouthDistance);
      const a = alignmentFromLandmarks(le, re, mo);
      expect(a.cx).toBeCloseTo(300, 6);
      expect(a.cy).toBeCloseTo(200, 6);
      expect(a.scale).toBeCloseTo(250, 6);
      expect(a.roll).toBeCloseTo(roll, 6);
    }
    expect(() => alignmentFromLandmarks({ x: 1, y: 1 }, { x: 1, y: 1 }, { x: 1, y: 5 })).toThrow(RangeError);
  });
});
