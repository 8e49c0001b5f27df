/**
 * The frame counter drawn into the pixels of test clips, exactly the layout of face-synth's
 * `stampFrameNumber` (`clip --stamp`): 16 square blocks of `STAMP_BLOCK` = 8 px along the
 * bottom-left edge of a 640-px-wide picture, least significant bit first, white = 1.
 *
 * - The server's tests and benchmark write and read it in RGB24 frames (`stampFrameNumber`,
 *   `readFrameNumber`) to match frames; the reader averages each block's centre (face-synth's
 *   samples one pixel) so codec noise does not flip bits. apps/stream-server's frame-stamp.test.ts
 *   reads a clip rendered by face-synth's own `clip --stamp`, raw and after VP8.
 * - The page reads it from both videos to measure capture → display latency: `stampRect` gives the
 *   strip's source rectangle in a video of any size, `readStampStrip` reads the strip once drawn.
 */
export const STAMP_BITS = 16;
/** Block size (px) in a clip of `STAMP_REFERENCE_WIDTH`; scale for other widths. */
export const STAMP_BLOCK = 8;
export const STAMP_REFERENCE_WIDTH = 640;

/** A packed RGB24 picture, row-major, `width * height * 3` bytes (the server's `RgbFrame` fits). */
export interface StampFrame {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export function stampFrameNumber(frame: StampFrame, n: number, block = STAMP_BLOCK): void {
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

export function readFrameNumber(frame: StampFrame, block = STAMP_BLOCK): number {
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

/**
 * `rgba` holds a strip sampled so that each stamp block became `cell`×`cell` pixels, laid out
 * side by side: width = 16·cell, height = cell (what `drawImage` of the strip gives). Returns the
 * number, or undefined when a block is neither clearly black nor clearly white (no stamp, or a
 * real camera).
 */
export function readStampStrip(rgba: Uint8ClampedArray | Uint8Array, cell: number): number | undefined {
  const width = STAMP_BITS * cell;
  if (rgba.length < width * cell * 4) return undefined;
  const r = Math.max(1, Math.floor(cell / 4));
  const cy = Math.floor(cell / 2);
  let n = 0;
  for (let bit = 0; bit < STAMP_BITS; bit++) {
    const cx = bit * cell + Math.floor(cell / 2);
    let sum = 0;
    let count = 0;
    for (let y = cy - r; y < cy + r; y++) {
      for (let x = cx - r; x < cx + r; x++) {
        const i = (y * width + x) * 4;
        sum += (rgba[i] as number) + (rgba[i + 1] as number) + (rgba[i + 2] as number);
        count += 3;
      }
    }
    const mean = sum / count;
    // Codec noise moves a block by a few levels; a face or a room moves it anywhere.
    if (mean > 64 && mean < 191) return undefined;
    if (mean >= 191) n |= 1 << bit;
  }
  return n;
}

/** The source rectangle of the stamp strip in a video of the given size. */
export function stampRect(videoWidth: number, videoHeight: number): { x: number; y: number; w: number; h: number } {
  const block = (STAMP_BLOCK * videoWidth) / STAMP_REFERENCE_WIDTH;
  return { x: 0, y: videoHeight - block, w: block * STAMP_BITS, h: block };
}
