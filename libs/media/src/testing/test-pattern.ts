import { stampFrameNumber } from '@lfe/protocol';
import type { RgbFrame } from '../frame';

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

/**
 * The worst 16×16 block's mean absolute difference: codec noise stays low everywhere, while a
 * frame decoded against the wrong reference is badly off somewhere (a moving edge in the wrong
 * place) even when the whole-frame mean barely moves.
 */
export function maxBlockDiff(a: RgbFrame, b: RgbFrame, block = 16): number {
  if (a.width !== b.width || a.height !== b.height || a.data.length !== b.data.length) throw new TypeError('maxBlockDiff: frames differ in size');
  let worst = 0;
  for (let by = 0; by < a.height; by += block) {
    for (let bx = 0; bx < a.width; bx += block) {
      let sum = 0;
      let count = 0;
      for (let y = by; y < Math.min(by + block, a.height); y++) {
        const row = (y * a.width + bx) * 3;
        const end = (y * a.width + Math.min(bx + block, a.width)) * 3;
        for (let i = row; i < end; i++) sum += Math.abs((a.data[i] as number) - (b.data[i] as number));
        count += end - row;
      }
      worst = Math.max(worst, sum / count);
    }
  }
  return worst;
}
