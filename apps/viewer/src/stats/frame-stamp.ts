/**
 * Reads the frame counter that face-synth's `clip --stamp` draws into test clips: 16 blocks of 8 px along
 * the bottom-left edge, least significant bit first, white = 1 (the layout of face-synth's
 * `stampFrameNumber`). The page reads it from both videos to measure capture → display latency.
 */
export const STAMP_BITS = 16;
/** Block size (px) in a clip of this width; scale for other widths. */
export const STAMP_BLOCK = 8;
export const STAMP_REFERENCE_WIDTH = 640;

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
