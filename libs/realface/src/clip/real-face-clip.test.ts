import { describe, expect, it } from 'vitest';
import { DatasetError, readFrameNumber, type RgbImage } from '@lfe/face-synth';
import { RealFaceClip } from './real-face-clip';
import { firstFullSizeFaceWithout, loadFullSizeFace } from './full-size-face';
import { RealFaceDataset } from '../real-face-dataset';

/** A smooth, asymmetric test photo (so a flipped or rotated crop would not match). */
function photo(size: number): RgbImage {
  const data = new Uint8Array(size * size * 3);
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      const i = (v * size + u) * 3;
      data[i] = Math.round(128 + 100 * Math.sin(u / 11));
      data[i + 1] = Math.round(128 + 100 * Math.cos(v / 13));
      data[i + 2] = Math.round((255 * (u + 2 * v)) / (3 * size));
    }
  }
  return { width: size, height: size, data };
}

/** The photo box-filtered to `r`×`r`, in [-1, 1] (what `cropFace` should give back). */
function shrink(img: RgbImage, r: number): Float32Array {
  const f = img.width / r;
  const out = new Float32Array(r * r * 3);
  for (let q = 0; q < r; q++) {
    for (let p = 0; p < r; p++) {
      for (let k = 0; k < 3; k++) {
        let s = 0;
        for (let y = 0; y < f; y++) for (let x = 0; x < f; x++) s += img.data[((q * f + y) * img.width + p * f + x) * 3 + k]!;
        out[(q * r + p) * 3 + k] = s / (f * f) / 127.5 - 1;
      }
    }
  }
  return out;
}

/** Half-size copy (2×2 means): a page showing the video scaled. */
function half(img: RgbImage): RgbImage {
  const w = img.width / 2;
  const h = img.height / 2;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < 3; k++) {
        let s = 0;
        for (let j = 0; j < 2; j++) for (let i = 0; i < 2; i++) s += img.data[((2 * y + j) * img.width + 2 * x + i) * 3 + k]!;
        data[(y * w + x) * 3 + k] = Math.round(s / 4);
      }
    }
  }
  return { width: w, height: h, data };
}

/** Mean absolute difference of two 64×64 crops inside the photo's feathered border (the outer 4 px). */
function meanAbs(a: Float32Array, b: Float32Array): number {
  let s = 0;
  let n = 0;
  for (let q = 4; q < 60; q++) {
    for (let p = 4; p < 60; p++) {
      for (let k = 0; k < 3; k++) s += Math.abs(a[(q * 64 + p) * 3 + k]! - b[(q * 64 + p) * 3 + k]!);
      n += 3;
    }
  }
  return s / n;
}

describe('RealFaceClip', () => {
  const face = photo(256);
  const clip = new RealFaceClip(face, { width: 640, height: 480, fps: 30, stamp: true });

  it('cuts the photo back out of any frame where stateAt says it is, also from a frame shown at half size', () => {
    const want = shrink(face, 64);
    for (const n of [0, 17, 45, 88, 149]) {
      const f = clip.frame(n);
      const err = meanAbs(clip.cropFace(f, n, 64), want);
      // Resampling twice (photo → frame → crop) blurs a little; a wrong transform is ≥ 0.2 off.
      expect(err, `frame ${n}`).toBeLessThan(0.04);
      expect(meanAbs(clip.cropFace(half({ ...f, data: Uint8Array.from(f.data) }), n, 64), want), `frame ${n} at half size`).toBeLessThan(0.06);
      // The geometry of another frame does not fit this one.
      if (n > 0) expect(meanAbs(clip.cropFace(f, 0, 64), want)).toBeGreaterThan(0.1);
    }
  });

  it('moves: drifts, zooms, rolls and turns within the frame, clear of the frame stamp, which reads back', () => {
    const states = Array.from({ length: 150 }, (_, i) => clip.stateAt(i));
    const span = (k: 'cx' | 'cy' | 'zoom' | 'roll' | 'squeeze'): number => Math.max(...states.map((s) => s[k])) - Math.min(...states.map((s) => s[k]));
    expect(span('cx')).toBeGreaterThan(100);
    expect(span('cy')).toBeGreaterThan(30);
    expect(span('zoom')).toBeGreaterThan(0.15);
    expect(span('roll')).toBeGreaterThan((8 * Math.PI) / 180);
    expect(span('squeeze')).toBeGreaterThan(0.05);
    for (const [i, s] of states.entries()) {
      const m = s.transform;
      for (const [u, v] of [[0, 0], [256, 0], [0, 256], [256, 256]] as const) {
        const x = m.a * u + m.b * v + m.c;
        const y = m.d * u + m.e * v + m.f;
        expect(x, `frame ${i}`).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(640);
        expect(y).toBeGreaterThanOrEqual(0);
        expect(y, `frame ${i}: the photo must stay above the stamp`).toBeLessThan(480 - 8);
      }
    }
    for (const n of [0, 1, 77, 149]) expect(readFrameNumber(clip.frame(n))).toBe(n);
  });

  it('frames are a pure function of the index', () => {
    const a = Uint8Array.from(clip.frame(33).data);
    clip.frame(90);
    expect(Buffer.compare(Buffer.from(a), Buffer.from(clip.frame(33).data))).toBe(0);
  });

  it('refuses a photo that is not a square RGB image, and bad options', () => {
    expect(() => new RealFaceClip({ width: 64, height: 32, data: new Uint8Array(64 * 32 * 3) }, { width: 640, height: 480, fps: 30 })).toThrow(/square/);
    expect(() => new RealFaceClip({ width: 64, height: 64, data: new Uint8Array(10) }, { width: 640, height: 480, fps: 30 })).toThrow(/RGB/);
    expect(() => new RealFaceClip(face, { width: 640, height: 480, fps: 0 })).toThrow(/fps/);
    expect(() => clip.cropFace(clip.frame(0), 0, 0)).toThrow(/crop size/);
  });
});

describe('loadFullSizeFace (the shared data set)', () => {
  it('decodes a 256-px test face; a face the folder does not hold is an error naming the file', async () => {
    const f = await loadFullSizeFace(28501);
    expect([f.width, f.height, f.data.length]).toEqual([256, 256, 256 * 256 * 3]);
    const small = await loadFullSizeFace(28501, { size: 64 });
    expect(small.width).toBe(64);
    await expect(loadFullSizeFace(1)).rejects.toThrow(DatasetError);
    await expect(loadFullSizeFace(1)).rejects.toThrow(/celebahq-256-test\/1\.jpg/);
  });

  it('firstFullSizeFaceWithout: a test face with a full-size copy whose label lacks the attribute; an unknown label is an error', async () => {
    const set = await RealFaceDataset.open();
    for (const label of ['Eyeglasses', 'Smiling']) {
      const n = firstFullSizeFaceWithout(label);
      expect(n).toBeGreaterThanOrEqual(set.config.split.test[0]);
      expect(set.label(set.numbers.indexOf(n), label), `face ${n}, ${label}`).toBe(false);
      await expect(loadFullSizeFace(n)).resolves.toHaveProperty('width', 256);
    }
    expect(() => firstFullSizeFaceWithout('Wings')).toThrow(/no label "Wings"/);
  });
});
