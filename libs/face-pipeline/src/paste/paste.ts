/**
 * Paste: the model's crop back into the video frame through the inverse of its alignment
 * (`align/align.ts`), under a feathered elliptical mask, optionally a per-pixel region mask.
 */
import { TEMPLATE, cropToFrame, type Alignment } from '../align/align';

export interface PasteOptions {
  /** Opacity of the pasted face, 0…1 (edit ramps fade through it). */
  alpha?: number;
  /**
   * Mask: an ellipse in crop units centred at (0.5, 0.55) with these radii; its edge fades over
   * `feather` crop units. Covers face and hair, not the crop's background corners.
   */
  radiusX?: number;
  radiusY?: number;
  feather?: number;
  /** Shift the pasted colours so their mean on the mask's outer ring matches the frame's there. */
  colorMatch?: boolean;
  /**
   * 'replace' (default): the crop is a face (floats in [-1, 1]) that replaces the frame's under the
   * mask. 'delta': the crop is a change (edited − reconstructed face, in the same units, so in
   * [-2, 2]) that is added to the frame's own pixels under the mask: the frame keeps its full
   * resolution and everything the edit does not touch. Colour matching does not apply to a delta.
   */
  mode?: 'replace' | 'delta';
  /**
   * A per-pixel opacity over the crop (`size`² floats in [0, 1], row-major), multiplied into the
   * ellipse: only where it is above 0 does the crop reach the frame (a local replace pastes the
   * regenerated face inside the edited attributes' region, `regionMask`, and keeps the frame's own
   * pixels elsewhere). Colour matching then measures where the pasted region meets the frame (the
   * combined mask's feather), so the crop need not hold a face outside the mask.
   */
  mask?: Float32Array;
}

/**
 * Paste an RGB crop (`size`×`size`, floats in [-1, 1], HWC) back into the frame in place, through
 * the inverse of the alignment, with a feathered elliptical mask and optional colour matching; or,
 * with `mode: 'delta'`, add a crop-sized change to the frame's pixels there.
 * Returns the frame's bounding box that changed.
 */
export function pasteAligned(frame: { width: number; height: number; data: Uint8Array }, a: Alignment, crop: Float32Array, size: number, opts: PasteOptions = {}): { x: number; y: number; width: number; height: number } {
  const alpha = Math.min(1, Math.max(0, opts.alpha ?? 1));
  const delta = (opts.mode ?? 'replace') === 'delta';
  if (opts.mode !== undefined && opts.mode !== 'replace' && opts.mode !== 'delta') throw new TypeError(`paste: mode must be 'replace' or 'delta', got ${JSON.stringify(opts.mode)}`);
  const rx = opts.radiusX ?? 0.42;
  const ry = opts.radiusY ?? 0.46;
  const feather = opts.feather ?? 0.08;
  const { width: W, height: H, data } = frame;
  if (crop.length !== size * size * 3) throw new TypeError(`paste: crop must be ${size}×${size}×3`);
  const mk = opts.mask;
  if (mk !== undefined && mk.length !== size * size) throw new TypeError(`paste: mask must be ${size}×${size} floats`);
  // Bounding box of the mask ellipse in the frame.
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [u, v] of [[0.5 - rx, 0.55 - ry], [0.5 + rx, 0.55 - ry], [0.5 - rx, 0.55 + ry], [0.5 + rx, 0.55 + ry]] as const) {
    const p = cropToFrame(a, u, v);
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x);
    maxY = Math.max(maxY, p.y);
  }
  const x0 = Math.max(0, Math.floor(minX));
  const y0 = Math.max(0, Math.floor(minY));
  const x1 = Math.min(W, Math.ceil(maxX));
  const y1 = Math.min(H, Math.ceil(maxY));
  if (alpha === 0 || x1 <= x0 || y1 <= y0) return { x: 0, y: 0, width: 0, height: 0 };
  // Inverse similarity: frame (x, y) → crop (u, v).
  const c = Math.cos(a.roll) / a.scale;
  const s = Math.sin(a.roll) / a.scale;
  const toCrop = (x: number, y: number): [number, number] => {
    const dx = x - a.cx;
    const dy = y - a.cy;
    const mid = (a.template ?? TEMPLATE).eyeMid;
    return [mid.x + c * dx + s * dy, mid.y - s * dx + c * dy];
  };
  // Bilinear taps at crop point (u, v): the four pixel indices and the fractions between them.
  const taps = (u: number, v: number): [number, number, number, number, number, number] => {
    const fx = Math.min(size - 1, Math.max(0, u * size - 0.5));
    const fy = Math.min(size - 1, Math.max(0, v * size - 0.5));
    const xa = Math.floor(fx);
    const ya = Math.floor(fy);
    const xb = Math.min(size - 1, xa + 1);
    const yb = Math.min(size - 1, ya + 1);
    return [ya * size + xa, ya * size + xb, yb * size + xa, yb * size + xb, fx - xa, fy - ya];
  };
  const sample = (u: number, v: number, k: number): number => {
    const [p00, p01, p10, p11, tx, ty] = taps(u, v);
    const top = crop[p00 * 3 + k]! + (crop[p01 * 3 + k]! - crop[p00 * 3 + k]!) * tx;
    const bot = crop[p10 * 3 + k]! + (crop[p11 * 3 + k]! - crop[p10 * 3 + k]!) * tx;
    return ((top + (bot - top) * ty) + 1) * 127.5;
  };
  // Mask value from the normalised elliptical radius ρ: 1 inside, fading to 0 over the feather.
  const fr = feather / Math.min(rx, ry);
  const maskAt = (u: number, v: number): number => {
    const rho = Math.hypot((u - 0.5) / rx, (v - 0.55) / ry);
    if (rho <= 1 - fr) return 1;
    if (rho >= 1) return 0;
    const t = (1 - rho) / fr;
    return t * t * (3 - 2 * t);
  };
  // Colour matching: the mask (when given) at crop point (u, v), bilinear; 0 where a tap is outside it.
  const maskSample = (u: number, v: number): number => {
    const [p00, p01, p10, p11, tx, ty] = taps(u, v);
    const m00 = mk![p00]!;
    const m01 = mk![p01]!;
    const m10 = mk![p10]!;
    const m11 = mk![p11]!;
    // Where a tap is outside the mask the crop is not defined there: no colour sample.
    if (!(m00 > 0 && m01 > 0 && m10 > 0 && m11 > 0)) return 0;
    const top = m00 + (m01 - m00) * tx;
    const bot = m10 + (m11 - m10) * tx;
    return top + (bot - top) * ty;
  };
  const shift = [0, 0, 0];
  if (!delta && (opts.colorMatch ?? true)) {
    // The ring mean on a 4-px grid: plenty of samples for three numbers.
    const sumF = [0, 0, 0];
    const sumC = [0, 0, 0];
    let n = 0;
    for (let y = y0; y < y1; y += 4) {
      for (let x = x0; x < x1; x += 4) {
        const [u, v] = toCrop(x + 0.5, y + 0.5);
        const m = maskAt(u, v) * (mk === undefined ? 1 : maskSample(u, v));
        if (m <= 0 || m >= 1) continue; // the feather ring only (with a mask: where the pasted region meets the frame)
        const p = (y * W + x) * 3;
        for (let k = 0; k < 3; k++) {
          sumF[k]! += data[p + k]!;
          sumC[k]! += sample(u, v, k);
        }
        n++;
      }
    }
    if (n > 0) for (let k = 0; k < 3; k++) shift[k] = (sumF[k]! - sumC[k]!) / n;
  }
  // Main loop: (u, v) steps affinely along each row; mask and bilinear sampling inlined.
  const inner = 1 - fr;
  const s0 = shift[0]!;
  const s1 = shift[1]!;
  const s2 = shift[2]!;
  const last = size - 1;
  for (let y = y0; y < y1; y++) {
    let [u, v] = toCrop(x0 + 0.5, y + 0.5);
    for (let x = x0; x < x1; x++, u += c, v -= s) {
      const ex = (u - 0.5) / rx;
      const ey = (v - 0.55) / ry;
      const rho2 = ex * ex + ey * ey;
      if (rho2 >= 1) continue;
      let m = alpha;
      if (rho2 > inner * inner) {
        const t = (1 - Math.sqrt(rho2)) / fr;
        m *= t * t * (3 - 2 * t);
      }
      let fx = u * size - 0.5;
      let fy = v * size - 0.5;
      fx = fx < 0 ? 0 : fx > last ? last : fx;
      fy = fy < 0 ? 0 : fy > last ? last : fy;
      const xa = fx | 0;
      const ya = fy | 0;
      const xb = xa < last ? xa + 1 : last;
      const yb = ya < last ? ya + 1 : last;
      const tx = fx - xa;
      const ty = fy - ya;
      const i00 = (ya * size + xa) * 3;
      const i01 = (ya * size + xb) * 3;
      const i10 = (yb * size + xa) * 3;
      const i11 = (yb * size + xb) * 3;
      if (mk !== undefined) {
        const q0 = ya * size;
        const q1 = yb * size;
        const mt = mk[q0 + xa]! + (mk[q0 + xb]! - mk[q0 + xa]!) * tx;
        const mb = mk[q1 + xa]! + (mk[q1 + xb]! - mk[q1 + xa]!) * tx;
        m *= mt + (mb - mt) * ty;
        if (!(m > 0)) continue;
      }
      const p = (y * W + x) * 3;
      for (let k = 0; k < 3; k++) {
        const top = crop[i00 + k]! + (crop[i01 + k]! - crop[i00 + k]!) * tx;
        const bot = crop[i10 + k]! + (crop[i11 + k]! - crop[i10 + k]!) * tx;
        const val = delta
          ? data[p + k]! + (top + (bot - top) * ty) * 127.5 * m
          : data[p + k]! + ((top + (bot - top) * ty + 1) * 127.5 + (k === 0 ? s0 : k === 1 ? s1 : s2) - data[p + k]!) * m;
        data[p + k] = val < 0 ? 0 : val > 255 ? 255 : Math.round(val);
      }
    }
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}
