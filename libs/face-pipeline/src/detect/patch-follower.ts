import type { Point, RgbImageLike } from '../align/align';

/** Samples per side of the reference patch. */
const N = 24;

export interface FollowResult {
  /** Shift of the face since the reference frame, in frame pixels. */
  dx: number;
  dy: number;
  /** Mean absolute difference (0…255 grey levels, patch means removed) at the best shift. */
  error: number;
}

/**
 * Follows a face between landmark fixes by matching a small grey-level patch of the previous fix
 * (translation only, ≈ 1 ms): between landmark frames a face moves a few pixels and barely turns.
 * The patch spans `2.4 ×` the eye distance around the face centre, sampled on a 24 × 24 grid of
 * 2 × 2-pixel means; the search is coarse (2-pixel steps over ±`searchFraction` of the patch side)
 * then ±1 pixel around the best, as lookups into one 2 × 2 grey map of the search region.
 * Comparisons subtract each patch's mean, so a global brightness change does not move the match.
 * Moves beyond the search reach give a poor match: the caller runs the landmark net then.
 */
export class PatchFollower {
  readonly #ref = new Float32Array(N * N);
  readonly #cur = new Float32Array(N * N);
  #x0 = 0;
  #y0 = 0;
  #step = 0;
  #has = false;
  readonly #searchFraction: number;

  constructor(opts: { searchFraction?: number } = {}) {
    this.#searchFraction = opts.searchFraction ?? 0.12;
  }

  get anchored(): boolean {
    return this.#has;
  }

  /** Take the reference patch from `frame` around a face with these eye and mouth centres. */
  anchor(frame: RgbImageLike, leftEye: Point, rightEye: Point, mouth: Point): void {
    const eyeDist = Math.hypot(rightEye.x - leftEye.x, rightEye.y - leftEye.y);
    const cx = (leftEye.x + rightEye.x + mouth.x * 2) / 4;
    const cy = (leftEye.y + rightEye.y + mouth.y * 2) / 4;
    const side = eyeDist * 2.4;
    this.#step = side / N;
    this.#x0 = cx - side / 2;
    this.#y0 = cy - side / 2;
    this.#has = sample(frame, this.#x0, this.#y0, this.#step, this.#ref);
  }

  /** Forget the reference (the next `follow` returns null). */
  reset(): void {
    this.#has = false;
  }

  /** Where the reference patch moved to in `frame`; null without a reference or at the frame edge. */
  follow(frame: RgbImageLike): FollowResult | null {
    if (!this.#has) return null;
    const { width: W, height: H, data } = frame;
    const reach = Math.max(2, Math.round(this.#searchFraction * this.#step * N));
    // Grid positions of the reference patch; a shift by whole pixels shifts them exactly.
    const bx = new Int32Array(N);
    const by = new Int32Array(N);
    for (let i = 0; i < N; i++) {
      bx[i] = Math.round(this.#x0 + this.#step * i);
      by[i] = Math.round(this.#y0 + this.#step * i);
    }
    // 2 × 2 grey means once over the whole search region (clipped to the frame), then every
    // candidate shift is lookups into it.
    const x0 = Math.max(0, bx[0]! - reach - 1);
    const y0 = Math.max(0, by[0]! - reach - 1);
    const x1 = Math.min(W - 2, bx[N - 1]! + reach + 1);
    const y1 = Math.min(H - 2, by[N - 1]! + reach + 1);
    if (x1 < x0 || y1 < y0) return null;
    const gw = x1 - x0 + 1;
    const grey = new Float32Array(gw * (y1 - y0 + 1));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const a = (y * W + x) * 3;
        const b = a + W * 3;
        grey[(y - y0) * gw + (x - x0)] = (data[a]! + data[a + 1]! + data[a + 2]! + data[a + 3]! + data[a + 4]! + data[a + 5]! + data[b]! + data[b + 1]! + data[b + 2]! + data[b + 3]! + data[b + 4]! + data[b + 5]!) / 12;
      }
    }
    const cur = this.#cur;
    let best = { dx: 0, dy: 0, error: Infinity };
    const tryShift = (dx: number, dy: number): void => {
      if (bx[0]! + dx < x0 || by[0]! + dy < y0 || bx[N - 1]! + dx > x1 || by[N - 1]! + dy > y1) return;
      for (let j = 0; j < N; j++) {
        const row = (by[j]! + dy - y0) * gw - x0 + dx;
        for (let i = 0; i < N; i++) cur[j * N + i] = grey[row + bx[i]!]!;
      }
      const e = meanAbsDiff(this.#ref, cur);
      if (e < best.error) best = { dx, dy, error: e };
    };
    for (let dy = -reach; dy <= reach; dy += 2) for (let dx = -reach; dx <= reach; dx += 2) tryShift(dx, dy);
    if (!Number.isFinite(best.error)) return null;
    const coarse = best;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) if (dx !== 0 || dy !== 0) tryShift(coarse.dx + dx, coarse.dy + dy);
    return best;
  }
}

/** 2 × 2 grey means on an N × N grid from (x0, y0) with spacing `step`; false if it leaves the frame. */
function sample(frame: RgbImageLike, x0: number, y0: number, step: number, out: Float32Array): boolean {
  const { width: W, height: H, data } = frame;
  const xs = Math.round(x0);
  const ys = Math.round(y0);
  if (xs < 0 || ys < 0 || Math.round(x0 + step * (N - 1)) + 1 >= W || Math.round(y0 + step * (N - 1)) + 1 >= H) return false;
  for (let j = 0; j < N; j++) {
    const y = Math.round(y0 + step * j);
    for (let i = 0; i < N; i++) {
      const x = Math.round(x0 + step * i);
      const a = (y * W + x) * 3;
      const b = a + W * 3;
      out[j * N + i] = (data[a]! + data[a + 1]! + data[a + 2]! + data[a + 3]! + data[a + 4]! + data[a + 5]! + data[b]! + data[b + 1]! + data[b + 2]! + data[b + 3]! + data[b + 4]! + data[b + 5]!) / 12;
    }
  }
  return true;
}

function meanAbsDiff(a: Float32Array, b: Float32Array): number {
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < a.length; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  const off = (mb - ma) / a.length;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(b[i]! - off - a[i]!);
  return s / a.length;
}
