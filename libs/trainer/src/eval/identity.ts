import * as tf from '@tensorflow/tfjs';
import { descriptorDistance, type FaceDescriptor } from '@lfe/face-pipeline';

/** How a face was changed before its descriptor is compared with the original's. */
export type IdentityVariant = 'flip' | 'shift2' | 'zoom6';

/**
 * tfjs-wasm's cropAndResize reads wrong pixels once the image tensor holds more than 2^24 values
 * (measured: from 1366 faces of 64×64×3 on, the last faces come out of other faces): batches
 * larger than this go through in chunks.
 */
const CROP_CHUNK = 512;

/** A same-face variant of aligned faces [B,R,R,3]: mirrored, shifted 2 px right, or zoomed in 6 %. */
export function faceVariant(x: tf.Tensor4D, v: IdentityVariant): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, r] = x.shape;
    if (v === 'flip') return tf.reverse(x, 2) as tf.Tensor4D;
    if (v === 'shift2') return tf.concat([tf.slice(x, [0, 0, 0, 0], [b, r, 2, 3]), tf.slice(x, [0, 0, 0, 0], [b, r, r - 2, 3])], 2) as tf.Tensor4D;
    const m = 0.03;
    const parts: tf.Tensor4D[] = [];
    for (let i = 0; i < b; i += CROP_CHUNK) {
      const n = Math.min(CROP_CHUNK, b - i);
      const boxes = tf.tensor2d(Array.from({ length: n }, () => [m, m, 1 - m, 1 - m]), [n, 4]);
      parts.push(tf.image.cropAndResize(tf.slice(x, [i, 0, 0, 0], [n, -1, -1, -1]) as tf.Tensor4D, boxes, tf.range(0, n, 1, 'int32') as tf.Tensor1D, [r, r], 'bilinear'));
    }
    return tf.concat(parts) as tf.Tensor4D;
  });
}

/** Descriptors of a batch of aligned faces, in chunks (the recognition net is ~20-60 ms per face here). */
export async function describeAll(d: FaceDescriptor, images: tf.Tensor4D, chunk = 50): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let i = 0; i < images.shape[0]; i += chunk) {
    const n = Math.min(chunk, images.shape[0] - i);
    const part = tf.slice(images, [i, 0, 0, 0], [n, -1, -1, -1]) as tf.Tensor4D;
    try {
      out.push(...(await d.describe(part)));
    } finally {
      part.dispose();
    }
  }
  return out;
}

/** Distances between each face and its counterpart (same index). */
export function pairedDistances(a: readonly Float32Array[], b: readonly Float32Array[]): number[] {
  return a.map((v, i) => descriptorDistance(v, b[i]!));
}

/** Distances between different faces: each face with the `per` faces after it (cyclic), so every face counts equally. */
export function otherDistances(a: readonly Float32Array[], per = 10): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) for (let k = 1; k <= per && k < a.length; k++) out.push(descriptorDistance(a[i]!, a[(i + k * 7) % a.length]!));
  return out;
}

export function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((x, y) => x - y);
  if (s.length === 0) return Number.NaN;
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export const shareBelow = (values: readonly number[], t: number): number => values.filter((v) => v < t).length / Math.max(1, values.length);

/** A distribution in one line of a table: median, p5, p95, and the share under the threshold. */
export interface DistanceSummary {
  n: number;
  p5: number;
  median: number;
  p95: number;
  underThreshold: number;
}

export function summarize(values: readonly number[], threshold: number): DistanceSummary {
  return { n: values.length, p5: quantile(values, 0.05), median: quantile(values, 0.5), p95: quantile(values, 0.95), underThreshold: shareBelow(values, threshold) };
}
