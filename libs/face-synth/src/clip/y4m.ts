import type { RgbImage } from '../face/render';

/**
 * YUV4MPEG2 (y4m) encoding: the raw format Chrome's `--use-file-for-fake-video-capture` and ffmpeg
 * read. 4:2:0 chroma (2×2 averages), BT.601 limited range.
 */
export function y4mHeader(width: number, height: number, fps: number): string {
  if (width % 2 !== 0 || height % 2 !== 0) throw new RangeError('y4m: width and height must be even for 4:2:0');
  return `YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`;
}

const FRAME = Buffer.from('FRAME\n');

/** One frame ("FRAME\n" + Y, U, V planes), writing into `out` when given (reuse it per frame). */
export function y4mFrame(img: RgbImage, out?: Buffer): Buffer {
  const { width: w, height: h, data } = img;
  const ySize = w * h;
  const cSize = (w / 2) * (h / 2);
  const total = FRAME.length + ySize + 2 * cSize;
  const buf = out && out.length === total ? out : Buffer.alloc(total);
  FRAME.copy(buf, 0);
  const Y = FRAME.length;
  const U = Y + ySize;
  const V = U + cSize;
  for (let i = 0, p = 0; i < ySize; i++, p += 3) {
    const r = data[p] as number;
    const g = data[p + 1] as number;
    const b = data[p + 2] as number;
    buf[Y + i] = Math.round(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255);
  }
  for (let cy = 0; cy < h / 2; cy++) {
    for (let cx = 0; cx < w / 2; cx++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < 4; k++) {
        const p = ((2 * cy + (k >> 1)) * w + 2 * cx + (k & 1)) * 3;
        r += data[p] as number;
        g += data[p + 1] as number;
        b += data[p + 2] as number;
      }
      r /= 4 * 255;
      g /= 4 * 255;
      b /= 4 * 255;
      const c = cy * (w / 2) + cx;
      buf[U + c] = Math.round(128 - 37.797 * r - 74.203 * g + 112 * b);
      buf[V + c] = Math.round(128 + 112 * r - 93.786 * g - 18.214 * b);
    }
  }
  return buf;
}
