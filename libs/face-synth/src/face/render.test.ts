import { EDITABLE_ATTRIBUTES, IDENTITY_TRAITS, valueOfLevel, type FaceDescription } from '@lfe/edit-language';
import { describe, expect, it } from 'vitest';
import { faceLandmarks, type Point } from './landmarks';
import { portraitPlacement } from './placement';
import { render, type RgbImage } from './render';
import { sample } from './sample';

const SIZE = 64;

function withAttr(desc: FaceDescription, name: keyof FaceDescription['attributes'], value: number): FaceDescription {
  return { identity: { ...desc.identity }, attributes: { ...desc.attributes, [name]: value } };
}

/** Pixels within `r` of `p`, as [r, g, b] triples. */
function region(img: RgbImage, p: Point, r: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let y = Math.floor(p.y - r); y <= Math.ceil(p.y + r); y++) {
    for (let x = Math.floor(p.x - r); x <= Math.ceil(p.x + r); x++) {
      if (x < 0 || y < 0 || x >= img.width || y >= img.height || Math.hypot(x + 0.5 - p.x, y + 0.5 - p.y) > r) continue;
      const i = (y * img.width + x) * 3;
      out.push([img.data[i]!, img.data[i + 1]!, img.data[i + 2]!]);
    }
  }
  return out;
}

const luma = ([r, g, b]: [number, number, number]): number => 0.299 * r + 0.587 * g + 0.114 * b;
const meanLuma = (px: [number, number, number][]): number => px.reduce((s, p) => s + luma(p), 0) / px.length;

/** Pixels whose colour moved by more than `threshold` (max over channels). */
function changed(a: RgbImage, b: RgbImage, threshold = 24): number {
  let n = 0;
  for (let i = 0; i < a.data.length; i += 3) {
    const d = Math.max(Math.abs(a.data[i]! - b.data[i]!), Math.abs(a.data[i + 1]! - b.data[i + 1]!), Math.abs(a.data[i + 2]! - b.data[i + 2]!));
    if (d > threshold) n++;
  }
  return n;
}

/** A plain face: no accessories that hide features. */
function plain(seed: number): FaceDescription {
  const d = sample(seed);
  return { identity: d.identity, attributes: { ...d.attributes, eyewear: 0, hat: 0, bangs: 0, expression: 0, beard: 0, moustache: 0 } };
}

describe('render', () => {
  it('is deterministic and sized as asked (any size 32…256)', () => {
    const d = sample(7);
    for (const size of [32, 64, 97, 256]) {
      const a = render(d, size);
      expect(a.width).toBe(size);
      expect(a.height).toBe(size);
      expect(a.data.length).toBe(size * size * 3);
      expect(Buffer.from(render(d, size).data).equals(Buffer.from(a.data))).toBe(true);
    }
  });

  it('rejects sizes outside 32…256 and bad descriptions, naming the field, without touching the input', () => {
    const d = sample(1);
    expect(() => render(d, 31)).toThrow(RangeError);
    expect(() => render(d, 257)).toThrow(RangeError);
    expect(() => render(d, 64.5)).toThrow(RangeError);
    const bad = withAttr(d, 'beard', Number.NaN);
    expect(() => render(bad, 64)).toThrow(/attributes\.beard/);
    const frozen = structuredClone(d);
    frozen.attributes.eyeSize = 7; // out of range: clamped in the copy, not in the caller's object
    render(frozen, 64);
    expect(frozen.attributes.eyeSize).toBe(7);
  });

  it('changes pixels visibly for every level of every attribute at 64×64', () => {
    for (let seed = 0; seed < 12; seed++) {
      const base = plain(seed);
      for (const spec of EDITABLE_ATTRIBUTES) {
        const levels = spec.levels.map((_, l) => valueOfLevel(spec.name, l));
        const images = levels.map((v) => render(withAttr(base, spec.name, v), SIZE));
        for (let i = 0; i < images.length; i++) {
          for (let j = i + 1; j < images.length; j++) {
            // Hair colour black → brown is the subtlest step; everything else moves far more pixels.
            expect(changed(images[i]!, images[j]!), `${spec.name}: ${spec.levels[i]} vs ${spec.levels[j]} (seed ${seed})`).toBeGreaterThanOrEqual(12);
          }
        }
      }
    }
  });

  it('changes pixels for every identity trait', () => {
    const base = plain(3);
    for (const spec of IDENTITY_TRAITS) {
      const v = base.identity[spec.name];
      const other = spec.kind === 'categorical' ? (v + 1) % spec.levels.length : v < 0.5 ? v + 0.45 : v - 0.45;
      const d = { attributes: base.attributes, identity: { ...base.identity, [spec.name]: other } };
      expect(changed(render(base, SIZE), render(d, SIZE), 12), spec.name).toBeGreaterThan(6);
    }
  });

  it('draws eyes with whites and dark pupils, and closes them for a blink', () => {
    for (let seed = 0; seed < 20; seed++) {
      const d = plain(seed);
      const lm = faceLandmarks(d, portraitPlacement(d, 128));
      for (const eye of [lm.leftEye, lm.rightEye]) {
        const open = region(render(d, 128), eye, 5);
        expect(Math.max(...open.map(luma)), `whites (seed ${seed})`).toBeGreaterThan(200);
        expect(Math.min(...open.map(luma)), `pupil (seed ${seed})`).toBeLessThan(60);
        const closed = region(render(d, 128, { eyeOpen: 0 }), eye, 5);
        expect(Math.max(...closed.map(luma)), `closed (seed ${seed})`).toBeLessThan(Math.max(...open.map(luma)) - 20);
      }
    }
  });

  it('shows sunglasses as dark lenses (the eyes dimmed but showing through), glasses as rims over visible eyes', () => {
    for (let seed = 0; seed < 20; seed++) {
      const d = plain(seed);
      const eye = faceLandmarks(d, portraitPlacement(d, SIZE)).leftEye;
      const none = meanLuma(region(render(d, SIZE), eye, 3));
      const glasses = meanLuma(region(render(withAttr(d, 'eyewear', 1), SIZE), eye, 3));
      const sun = meanLuma(region(render(withAttr(d, 'eyewear', 2), SIZE), eye, 3));
      // Lenses are 55 % opaque: at least a fifth darker, never black.
      expect(sun, `seed ${seed}`).toBeLessThan(glasses * 0.8);
      expect(sun, `seed ${seed}`).toBeGreaterThan(glasses * 0.3);
      expect(Math.abs(glasses - none), `seed ${seed}`).toBeLessThan(25);
    }
  });

  it('shows an open mouth as a dark interior', () => {
    for (let seed = 0; seed < 20; seed++) {
      const d = plain(seed);
      const mouth = faceLandmarks(d, portraitPlacement(d, SIZE)).mouth;
      const neutral = region(render(d, SIZE), { x: mouth.x, y: mouth.y + 1 }, 2);
      const open = region(render(withAttr(d, 'expression', 2), SIZE), { x: mouth.x, y: mouth.y + 1 }, 2);
      expect(Math.min(...open.map(luma)), `seed ${seed}`).toBeLessThan(45);
      expect(meanLuma(open), `seed ${seed}`).toBeLessThan(meanLuma(neutral) - 30);
    }
  });

  it('separates the face from its background (for face detectors)', () => {
    for (let seed = 0; seed < 200; seed++) {
      const d = sample(seed);
      const img = render(d, SIZE);
      const lm = faceLandmarks(d, portraitPlacement(d, SIZE));
      const cheek = region(img, { x: (lm.leftEye.x + lm.noseTip.x) / 2, y: lm.noseTip.y }, 1.5);
      const corner = region(img, { x: 2, y: 2 }, 1.5);
      const dist = (p: [number, number, number], q: [number, number, number]): number => Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
      expect(dist(cheek[0]!, corner[0]!), `seed ${seed}`).toBeGreaterThan(40);
    }
  });

  it('keeps the head inside the frame and the face well short of filling it', () => {
    for (let seed = 0; seed < 200; seed++) {
      const d = sample(seed);
      const { box } = faceLandmarks(d, portraitPlacement(d, SIZE));
      expect(box.height / SIZE).toBeLessThan(0.7);
      expect(box.x).toBeGreaterThan(0);
      expect(box.x + box.width).toBeLessThan(SIZE);
      expect(box.y).toBeGreaterThan(0);
    }
  });

  it('lets an edit change only what it names: the background corner stays identical', () => {
    const d = sample(11);
    const a = render(d, SIZE);
    const b = render(withAttr(withAttr(d, 'eyewear', 2), 'beard', 1), SIZE);
    expect(Array.from(a.data.subarray(0, 12))).toEqual(Array.from(b.data.subarray(0, 12)));
  });
});
