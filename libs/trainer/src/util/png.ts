import { encodeImage } from '@lfe/face-pipeline';

/**
 * Encode 8-bit RGB pixels (row-major, 3 bytes per pixel) as a PNG file, through the image codec the
 * photo path uses (`encodeImage`, @napi-rs/canvas); the hand-written encoder this replaced is gone.
 */
export function encodePng(rgb: Uint8Array, width: number, height: number): Buffer {
  if (rgb.length !== width * height * 3) throw new TypeError(`png: expected ${width * height * 3} bytes, got ${rgb.length}`);
  return encodeImage({ width, height, data: rgb }, 'png');
}

/** Tile `count` square RGB images of side `size` into a grid `cols` wide (with a 2-px gap). */
export function imageGrid(images: Uint8Array, count: number, size: number, cols: number): { rgb: Uint8Array; width: number; height: number } {
  const rows = Math.ceil(count / cols);
  const gap = 2;
  const width = cols * size + (cols + 1) * gap;
  const height = rows * size + (rows + 1) * gap;
  const rgb = new Uint8Array(width * height * 3).fill(255);
  for (let i = 0; i < count; i++) {
    const ox = gap + (i % cols) * (size + gap);
    const oy = gap + Math.floor(i / cols) * (size + gap);
    for (let y = 0; y < size; y++) {
      const src = (i * size * size + y * size) * 3;
      rgb.set(images.subarray(src, src + size * 3), ((oy + y) * width + ox) * 3);
    }
  }
  return { rgb, width, height };
}
