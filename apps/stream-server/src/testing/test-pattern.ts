import type { RgbFrame } from '../media/frame';
import { stampFrameNumber } from '../media/frame-stamp';

/**
 * A moving test picture with the frame number stamped in (tests and the benchmark). Smooth
 * gradients and a moving bar so a codec has something real to do, pure function of `n`.
 */
export function testPattern(width: number, height: number, n: number, into?: Buffer): RgbFrame {
  const data = into ?? Buffer.allocUnsafe(width * height * 3);
  const bar = (n * 8) % width;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const onBar = x >= bar && x < bar + 40;
      data[i] = onBar ? 230 : (x * 255) / width;
      data[i + 1] = onBar ? 40 : (y * 255) / height;
      data[i + 2] = onBar ? 40 : 128;
    }
  }
  const frame = { width, height, data };
  stampFrameNumber(frame, n);
  return frame;
}

/** Mean absolute difference per channel value between two same-size frames. */
export function meanAbsDiff(a: RgbFrame, b: RgbFrame): number {
  if (a.data.length !== b.data.length) throw new TypeError('meanAbsDiff: frames differ in size');
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs((a.data[i] as number) - (b.data[i] as number));
  return sum / a.data.length;
}
