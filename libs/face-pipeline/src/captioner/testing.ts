import * as tf from '@tensorflow/tfjs';

/**
 * Central finite difference of a scalar function with respect to element `index` of variable `v`
 * (the value is restored afterwards).
 */
export function finiteDifference(f: () => number, v: tf.Variable, index: number, eps: number): number {
  const values = v.dataSync().slice() as Float32Array;
  const at = (delta: number): number => {
    const copy = values.slice();
    copy[index] = values[index]! + delta;
    tf.tidy(() => v.assign(tf.tensor(copy, v.shape)));
    return f();
  };
  try {
    return (at(eps) - at(-eps)) / (2 * eps);
  } finally {
    tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
  }
}

/**
 * Richardson-extrapolated central difference: (4·D(eps/2) − D(eps)) / 3 cancels the O(eps²) term
 * of the central difference D, leaving O(eps⁴). Layers behind instance norm on tiny maps curve
 * enough that D alone is off by a few % at float32-friendly step sizes.
 */
export function richardsonDifference(f: () => number, v: tf.Variable, index: number, eps: number): number {
  return (4 * finiteDifference(f, v, index, eps / 2) - finiteDifference(f, v, index, eps)) / 3;
}

/**
 * Indices of the `count` largest-magnitude gradient entries among a seeded random sample of
 * `pool` entries: spread over the tensor, but big enough that float32 noise in the difference
 * quotient stays far below the tolerance.
 */
export function pickIndices(grad: Float32Array | Int32Array | Uint8Array, count: number, seed: number, pool = 40): number[] {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const cands = new Set<number>();
  for (let i = 0; i < Math.min(pool, grad.length); i++) cands.add(Math.floor(rand() * grad.length));
  return [...cands].sort((a, b) => Math.abs(grad[b]!) - Math.abs(grad[a]!)).slice(0, count);
}
