import { stampFrameNumber, type RgbImage } from '@lfe/face-synth';

/**
 * A fake camera made from one real face photo (a square face crop in the data set's framing, e.g. a
 * 256-px test face): the photo is panned, zoomed, rolled and squeezed a little sideways (a head
 * turning) over a plain room-like background, as a webcam would show a person who moves. Frames are
 * a pure function of (photo, options, index), and where the photo lies in each frame is known
 * exactly (`stateAt`), so a test can cut the face back out of any frame (`cropFace`) in the data
 * set's own framing — the crop the real judge and the face descriptor were made for — whether or
 * not a detector still finds the face after an edit.
 *
 * Made at test time from the shared data set (never committed: the data's terms forbid copies).
 */
export interface RealFaceClipOptions {
  width: number;
  height: number;
  fps: number;
  /** Side of the photo's square in the frame, as a share of the frame height at zoom 1 (default 0.5). */
  faceSize?: number;
  /** Stamp the frame number into the picture (face-synth's `stampFrameNumber`, bottom-left). */
  stamp?: boolean;
}

/** Photo pixel (u, v) → frame pixel: x = a·u + b·v + c, y = d·u + e·v + f (pixel corners at integers). */
export interface Affine2D {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
}

export interface RealClipFrameState {
  /** Where the photo lies in the frame. */
  transform: Affine2D;
  /** The motion that made it: centre (px), zoom, roll (radians), sideways squeeze (1 = none). */
  cx: number;
  cy: number;
  zoom: number;
  roll: number;
  squeeze: number;
}

/** Share of the photo's side over which its border fades into the background. */
const FEATHER = 0.04;

export class RealFaceClip {
  readonly options: Readonly<Required<RealFaceClipOptions>>;
  readonly #face: RgbImage;
  readonly #background: Uint8Array;
  readonly #out: Uint8Array;

  constructor(face: RgbImage, options: RealFaceClipOptions) {
    this.options = { faceSize: 0.5, stamp: false, ...options };
    const { width: w, height: h, fps, faceSize } = this.options;
    if (!Number.isInteger(w) || !Number.isInteger(h) || w < 64 || h < 64) throw new TypeError('real-face clip: width and height must be integers ≥ 64');
    if (!(fps > 0)) throw new TypeError('real-face clip: fps must be positive');
    if (!(faceSize > 0.1 && faceSize <= 0.8)) throw new RangeError(`real-face clip: faceSize must be in (0.1, 0.8], got ${faceSize}`);
    if (face.width !== face.height || face.width < 16) throw new TypeError(`real-face clip: the face photo must be a square of at least 16 px (got ${face.width}×${face.height})`);
    if (face.data.length !== face.width * face.height * 3) throw new TypeError('real-face clip: face data must be RGB, width × height × 3 bytes');
    this.#face = face;
    this.#background = background(w, h);
    this.#out = new Uint8Array(w * h * 3);
  }

  /** The pose of frame `index`: the photo drifts, zooms 0.9–1.1×, rolls ±6° and turns (squeezes) up to 8 %. */
  stateAt(index: number): RealClipFrameState {
    const { width: w, height: h, fps, faceSize } = this.options;
    const t = index / fps;
    const tau = 2 * Math.PI;
    const cx = w / 2 + 0.12 * w * Math.sin((tau * t) / 4.1);
    const cy = h * 0.5 + 0.05 * h * Math.sin((tau * t) / 3.3 + 1);
    const zoom = 1 + 0.1 * Math.sin((tau * t) / 4.7 + 0.5);
    const roll = ((6 * Math.PI) / 180) * Math.sin((tau * t) / 5.3);
    const squeeze = 1 - 0.08 * (0.5 - 0.5 * Math.cos((tau * t) / 3.7));
    const s = (faceSize * h * zoom) / this.#face.width;
    const cos = Math.cos(roll);
    const sin = Math.sin(roll);
    const half = this.#face.width / 2;
    // frame = centre + R(roll) · diag(s·squeeze, s) · (photo − half)
    const a = cos * s * squeeze;
    const b = -sin * s;
    const d = sin * s * squeeze;
    const e = cos * s;
    return { transform: { a, b, c: cx - a * half - b * half, d, e, f: cy - d * half - e * half }, cx, cy, zoom, roll, squeeze };
  }

  /** Frame `index` (RGB); the returned image's buffer is reused by the next call. */
  frame(index: number): RgbImage {
    const { width: w, height: h } = this.options;
    const out = this.#out;
    out.set(this.#background);
    const { transform: m } = this.stateAt(index);
    const inv = invert(m);
    const S = this.#face.width;
    // The photo's bounding box in the frame.
    const xs = [0, S].flatMap((u) => [0, S].map((v) => m.a * u + m.b * v + m.c));
    const ys = [0, S].flatMap((u) => [0, S].map((v) => m.d * u + m.e * v + m.f));
    const x0 = Math.max(0, Math.floor(Math.min(...xs)));
    const x1 = Math.min(w, Math.ceil(Math.max(...xs)));
    const y0 = Math.max(0, Math.floor(Math.min(...ys)));
    const y1 = Math.min(h, Math.ceil(Math.max(...ys)));
    const rgb = [0, 0, 0];
    const feather = FEATHER * S;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const px = x + 0.5;
        const py = y + 0.5;
        const u = inv.a * px + inv.b * py + inv.c;
        const v = inv.d * px + inv.e * py + inv.f;
        const edge = Math.min(u, v, S - u, S - v);
        if (edge <= 0) continue;
        const alpha = edge >= feather ? 1 : smooth(edge / feather);
        sampleBilinear(this.#face, u, v, rgb);
        const i = (y * w + x) * 3;
        for (let k = 0; k < 3; k++) out[i + k] = Math.round(alpha * rgb[k]! + (1 - alpha) * out[i + k]!);
      }
    }
    const img = { width: w, height: h, data: out };
    if (this.options.stamp) stampFrameNumber(img, index);
    return img;
  }

  /**
   * The photo's square cut back out of a frame of this clip (as made, or as a page showed it, scaled
   * to any size: landmarks scale with it), resampled to `size`×`size` with a 4×4 box filter. RGB in
   * [-1, 1], row-major [size, size, 3]: the data set's framing at the judge's resolution.
   */
  cropFace(img: RgbImage, index: number, size: number): Float32Array {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`real-face clip: crop size must be a positive integer, got ${size}`);
    const { transform: m } = this.stateAt(index);
    const sx = img.width / this.options.width;
    const sy = img.height / this.options.height;
    const S = this.#face.width;
    const out = new Float32Array(size * size * 3);
    const rgb = [0, 0, 0];
    const SUB = 4;
    for (let q = 0; q < size; q++) {
      for (let p = 0; p < size; p++) {
        const acc = [0, 0, 0];
        for (let j = 0; j < SUB; j++) {
          for (let i = 0; i < SUB; i++) {
            const u = ((p + (i + 0.5) / SUB) * S) / size;
            const v = ((q + (j + 0.5) / SUB) * S) / size;
            sampleBilinear(img, (m.a * u + m.b * v + m.c) * sx, (m.d * u + m.e * v + m.f) * sy, rgb);
            for (let k = 0; k < 3; k++) acc[k]! += rgb[k]!;
          }
        }
        for (let k = 0; k < 3; k++) out[(q * size + p) * 3 + k] = acc[k]! / (SUB * SUB) / 127.5 - 1;
      }
    }
    return out;
  }
}

function smooth(t: number): number {
  return t * t * (3 - 2 * t);
}

function invert(m: Affine2D): Affine2D {
  const det = m.a * m.e - m.b * m.d;
  const a = m.e / det;
  const b = -m.b / det;
  const d = -m.d / det;
  const e = m.a / det;
  return { a, b, c: -(a * m.c + b * m.f), d, e, f: -(d * m.c + e * m.f) };
}

/** Bilinear sample at continuous pixel coordinates (pixel centres at k + 0.5), edges clamped. */
function sampleBilinear(img: RgbImage, x: number, y: number, out: number[]): void {
  const fx = Math.min(Math.max(x - 0.5, 0), img.width - 1);
  const fy = Math.min(Math.max(y - 0.5, 0), img.height - 1);
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const x1 = Math.min(x0 + 1, img.width - 1);
  const y1 = Math.min(y0 + 1, img.height - 1);
  const tx = fx - x0;
  const ty = fy - y0;
  const d = img.data;
  const i00 = (y0 * img.width + x0) * 3;
  const i01 = (y0 * img.width + x1) * 3;
  const i10 = (y1 * img.width + x0) * 3;
  const i11 = (y1 * img.width + x1) * 3;
  for (let k = 0; k < 3; k++) {
    const top = d[i00 + k]! * (1 - tx) + d[i01 + k]! * tx;
    const bottom = d[i10 + k]! * (1 - tx) + d[i11 + k]! * tx;
    out[k] = top * (1 - ty) + bottom * ty;
  }
}

/** A plain indoor-looking background: a warm wall gradient, a darker band (a shelf) and a soft lamp glow. */
function background(w: number, h: number): Uint8Array {
  const bg = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const gy = y / h;
      const gx = x / w;
      const lamp = Math.exp(-(((gx - 0.85) ** 2 + (gy - 0.2) ** 2) / 0.02));
      const shelf = gy > 0.78 && gy < 0.83 ? 0.65 : 1;
      const base = [176 - 40 * gy, 168 - 44 * gy, 150 - 46 * gy];
      const i = (y * w + x) * 3;
      for (let k = 0; k < 3; k++) bg[i + k] = Math.max(0, Math.min(255, Math.round(base[k]! * shelf + 60 * lamp)));
    }
  }
  return bg;
}
