import type { RgbFrame } from './frame';

/**
 * Frame counter in pixels, exactly the layout of face-synth's `stampFrameNumber` (@lfe/face-synth
 * is only a dev dependency here): 16 square blocks of `STAMP_BLOCK` = 8 px along the bottom-left
 * edge, least significant bit first, white = 1. The viewer page reads the same strip. Read back by
 * averaging each block's centre (face-synth's reader samples one pixel) so codec noise does not
 * flip bits. Used by tests and the benchmark to match frames;
 * frame-stamp.test.ts checks it against a clip rendered by face-synth's own `clip --stamp`.
 */
export const STAMP_BITS = 16;
export const STAMP_BLOCK = 8;

export function stampFrameNumber(frame: RgbFrame, n: number, block = STAMP_BLOCK): void {
  const { width, height, data } = frame;
  const y0 = height - block;
  for (let bit = 0; bit < STAMP_BITS; bit++) {
    const v = (n >> bit) & 1 ? 255 : 0;
    for (let y = y0; y < height; y++) {
      const row = y * width;
      for (let x = bit * block; x < (bit + 1) * block && x < width; x++) data.fill(v, (row + x) * 3, (row + x) * 3 + 3);
    }
  }
}

export function readFrameNumber(frame: RgbFrame, block = STAMP_BLOCK): number {
  const { width, height, data } = frame;
  const r = Math.max(1, Math.floor(block / 4));
  const cy = height - Math.ceil(block / 2);
  let n = 0;
  for (let bit = 0; bit < STAMP_BITS; bit++) {
    const cx = bit * block + Math.floor(block / 2);
    let sum = 0;
    let count = 0;
    for (let y = cy - r; y < cy + r; y++) {
      for (let x = cx - r; x < cx + r; x++) {
        const i = (y * width + x) * 3;
        sum += (data[i] as number) + (data[i + 1] as number) + (data[i + 2] as number);
        count += 3;
      }
    }
    if (sum / count > 127) n |= 1 << bit;
  }
  return n;
}
