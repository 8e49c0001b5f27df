import type { RgbImageLike } from '../align/align';

/** An enlarged picture and how to map its pixels back: original = (p − offset) / scale. */
export interface Enlarged {
  img: RgbImageLike;
  /** Integer scale factor (1: the picture was big enough). */
  scale: number;
  /** Border added on each side, in enlarged pixels. */
  dx: number;
  dy: number;
}

/**
 * Scale a picture up by an integer factor (nearest neighbour) so its short side is at least
 * `minSide`, optionally inside a mid-grey border of `border` × its enlarged size on each side. The
 * face detector misses faces of a few dozen pixels and faces that fill the picture; this gives it
 * pixels and margin. Returns the input itself when nothing is to be done.
 */
export function enlargeForDetection(img: RgbImageLike, minSide: number, border = 0): Enlarged {
  const k = Math.max(1, Math.ceil(minSide / Math.min(img.width, img.height)));
  if (k === 1 && border === 0) return { img, scale: 1, dx: 0, dy: 0 };
  const W = img.width * k;
  const H = img.height * k;
  const dx = Math.round(W * border);
  const dy = Math.round(H * border);
  const PW = W + 2 * dx;
  const data = new Uint8Array(PW * (H + 2 * dy) * 3);
  if (border > 0) data.fill(128);
  for (let y = 0; y < H; y++) {
    const sy = Math.floor(y / k);
    for (let x = 0; x < W; x++) {
      const s = (sy * img.width + Math.floor(x / k)) * 3;
      const d = ((y + dy) * PW + x + dx) * 3;
      data[d] = img.data[s]!;
      data[d + 1] = img.data[s + 1]!;
      data[d + 2] = img.data[s + 2]!;
    }
  }
  return { img: { width: PW, height: H + 2 * dy, data }, scale: k, dx, dy };
}
