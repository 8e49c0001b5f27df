import { TestClip, faceLandmarks, hashInts, sample, type FaceLandmarks } from '@lfe/face-synth';
import { describe, expect, it } from 'vitest';
import { PatchFollower } from './patch-follower';
import { MAX_FOLLOW_ERROR } from './tracker';

const centre = (l: FaceLandmarks): { x: number; y: number } => ({ x: (l.leftEye.x + l.rightEye.x + 2 * l.mouth.x) / 4, y: (l.leftEye.y + l.rightEye.y + 2 * l.mouth.y) / 4 });

describe('PatchFollower', () => {
  it('follows a moving face over the next frames far better than keeping the old position', () => {
    const shiftErrors: number[] = [];
    const staleErrors: number[] = [];
    for (let k = 0; k < 6; k++) {
      const face = sample(hashInts(41, k));
      const size = k % 2 === 0 ? { width: 320, height: 240 } : { width: 640, height: 480 };
      const clip = new TestClip(face, { ...size, fps: 30 });
      const f = new PatchFollower();
      for (const start of [3, 40, 77]) {
        const s0 = clip.stateAt(start);
        const l0 = faceLandmarks(face, s0.placement, s0.nuisance);
        const img0 = clip.frame(start);
        f.anchor({ ...img0, data: Uint8Array.from(img0.data) }, l0.leftEye, l0.rightEye, l0.mouth);
        const ed = Math.hypot(l0.rightEye.x - l0.leftEye.x, l0.rightEye.y - l0.leftEye.y);
        for (const ahead of [1, 2, 3]) {
          const st = clip.stateAt(start + ahead);
          const l = faceLandmarks(face, st.placement, st.nuisance);
          const m = f.follow(clip.frame(start + ahead));
          expect(m, `face ${k}, frame ${start}+${ahead}`).not.toBeNull();
          expect(m!.error).toBeLessThan(MAX_FOLLOW_ERROR);
          const c0 = centre(l0);
          const c = centre(l);
          shiftErrors.push(Math.hypot(c0.x + m!.dx - c.x, c0.y + m!.dy - c.y) / ed);
          staleErrors.push(Math.hypot(c0.x - c.x, c0.y - c.y) / ed);
        }
      }
    }
    const median = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1]!;
    const max = (v: number[]): number => Math.max(...v);
    // In eye distances: following stays within a few percent; the stale position drifts.
    expect(median(shiftErrors)).toBeLessThan(0.05);
    expect(max(shiftErrors)).toBeLessThan(0.15);
    expect(median(shiftErrors)).toBeLessThan(median(staleErrors) / 2);
  });

  it('has nothing to follow before an anchor or after a reset, and at the frame edge', () => {
    const face = sample(hashInts(41, 9));
    const clip = new TestClip(face, { width: 320, height: 240, fps: 30 });
    const img = clip.frame(0);
    const f = new PatchFollower();
    expect(f.follow(img)).toBeNull();
    const st = clip.stateAt(0);
    const l = faceLandmarks(face, st.placement, st.nuisance);
    f.anchor(img, l.leftEye, l.rightEye, l.mouth);
    expect(f.anchored).toBe(true);
    f.reset();
    expect(f.follow(img)).toBeNull();
    // A "face" so close to the corner that its patch leaves the frame.
    f.anchor(img, { x: 2, y: 2 }, { x: 40, y: 2 }, { x: 21, y: 40 });
    expect(f.anchored).toBe(false);
    expect(f.follow(img)).toBeNull();
  });

  it('reports a poor match when the face is gone', () => {
    const face = sample(hashInts(41, 10));
    const clip = new TestClip(face, { width: 320, height: 240, fps: 30 });
    const st = clip.stateAt(5);
    const l = faceLandmarks(face, st.placement, st.nuisance);
    const f = new PatchFollower();
    f.anchor(clip.frame(5), l.leftEye, l.rightEye, l.mouth);
    const blank = { width: 320, height: 240, data: new Uint8Array(320 * 240 * 3).fill(90) };
    expect(f.follow(blank)!.error).toBeGreaterThan(MAX_FOLLOW_ERROR);
  });
});
