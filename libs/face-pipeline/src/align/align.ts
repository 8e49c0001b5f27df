/**
 * Alignment between a video frame and the model's square crop (the way back is `paste/paste.ts`).
 *
 * The model's crop is the framing of its training renders (face-synth `portraitPlacement`): in crop
 * units (side = 1) the midpoint of the eyes sits at `TEMPLATE.eyeMid`, the eyes are
 * `TEMPLATE.eyeDistance` apart and the mouth is `TEMPLATE.mouthDistance` below the eye midpoint
 * (means over 2000 sampled faces; `align.test.ts` re-measures them). A similarity transform
 * (centre, scale, roll) puts a detected face into that framing.
 */

export interface Point {
  x: number;
  y: number;
}

/** An RGB24 image: row-major, width·height·3 bytes. */
export interface RgbImageLike {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/**
 * Where a model's crop puts a face (crop units, side = 1): the eye midpoint, the eye distance, and the
 * mouth's distance below the eye midpoint. A property of the model: what its training images look like.
 */
export interface FaceTemplate {
  readonly eyeMid: { readonly x: number; readonly y: number };
  readonly eyeDistance: number;
  readonly mouthDistance: number;
}

/** The synthetic world's framing (face-synth renders). The real world's is measured (models/real/framing.json). */
export const TEMPLATE: FaceTemplate = {
  eyeMid: { x: 0.502, y: 0.529 },
  eyeDistance: 0.187,
  mouthDistance: 0.179,
} as const;

/** Crop ↔ frame similarity: frame = eyeMid + scale · R(roll) · (crop − TEMPLATE.eyeMid). */
export interface Alignment {
  /** The eye midpoint in frame pixels. */
  cx: number;
  cy: number;
  /** Frame pixels per crop unit (the crop's side in frame pixels). */
  scale: number;
  /** Radians, positive = clockwise in image coordinates. */
  roll: number;
  /** The model framing this alignment maps to (default `TEMPLATE`, the synthetic world's). */
  template?: FaceTemplate;
}

/** Alignment from the two eye centres (left of the image first) and the mouth centre. */
export function alignmentFromLandmarks(leftEye: Point, rightEye: Point, mouth: Point, template?: FaceTemplate): Alignment {
  const t = template ?? TEMPLATE;
  const cx = (leftEye.x + rightEye.x) / 2;
  const cy = (leftEye.y + rightEye.y) / 2;
  const eye = Math.hypot(rightEye.x - leftEye.x, rightEye.y - leftEye.y);
  const mouthD = Math.hypot(mouth.x - cx, mouth.y - cy);
  if (!(eye > 0) || !(mouthD > 0)) throw new RangeError('align: degenerate landmarks (eyes or mouth coincide)');
  // Roll from the eye line, refined by the eye→mouth axis (which is perpendicular to it).
  const rollEyes = Math.atan2(rightEye.y - leftEye.y, rightEye.x - leftEye.x);
  const rollMouth = Math.atan2(-(mouth.x - cx), mouth.y - cy);
  const roll = Math.atan2(Math.sin(rollEyes) + Math.sin(rollMouth), Math.cos(rollEyes) + Math.cos(rollMouth));
  const scale = 0.5 * (eye / t.eyeDistance + mouthD / t.mouthDistance);
  return template === undefined ? { cx, cy, scale, roll } : { cx, cy, scale, roll, template };
}

/** Frame coordinates of crop point (u, v) in [0, 1]². */
export function cropToFrame(a: Alignment, u: number, v: number): Point {
  const mid = (a.template ?? TEMPLATE).eyeMid;
  const du = (u - mid.x) * a.scale;
  const dv = (v - mid.y) * a.scale;
  const c = Math.cos(a.roll);
  const s = Math.sin(a.roll);
  return { x: a.cx + c * du - s * dv, y: a.cy + s * du + c * dv };
}

/**
 * The aligned crop, `size`×`size`, as floats in [-1, 1] (HWC), bilinearly sampled at pixel
 * centres; outside the frame the nearest edge pixel is repeated.
 */
export function cropAligned(frame: RgbImageLike, a: Alignment, size: number, out: Float32Array = new Float32Array(size * size * 3)): Float32Array {
  const { width: W, height: H, data } = frame;
  const c = Math.cos(a.roll) * (a.scale / size);
  const s = Math.sin(a.roll) * (a.scale / size);
  const mid = (a.template ?? TEMPLATE).eyeMid;
  const ox = a.cx - (c * (mid.x * size - 0.5) - s * (mid.y * size - 0.5)) - 0.5;
  const oy = a.cy - (s * (mid.x * size - 0.5) + c * (mid.y * size - 0.5)) - 0.5;
  let o = 0;
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      // Crop pixel centre (i + 0.5)/size → frame position; −0.5 turns it into sample space.
      const fx = ox + c * i - s * j;
      const fy = oy + s * i + c * j;
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const tx = fx - x0;
      const ty = fy - y0;
      const xa = Math.min(W - 1, Math.max(0, x0));
      const xb = Math.min(W - 1, Math.max(0, x0 + 1));
      const ya = Math.min(H - 1, Math.max(0, y0));
      const yb = Math.min(H - 1, Math.max(0, y0 + 1));
      const p00 = (ya * W + xa) * 3;
      const p01 = (ya * W + xb) * 3;
      const p10 = (yb * W + xa) * 3;
      const p11 = (yb * W + xb) * 3;
      for (let k = 0; k < 3; k++) {
        const top = data[p00 + k]! + (data[p01 + k]! - data[p00 + k]!) * tx;
        const bot = data[p10 + k]! + (data[p11 + k]! - data[p10 + k]!) * tx;
        out[o++] = (top + (bot - top) * ty) / 127.5 - 1;
      }
    }
  }
  return out;
}
