import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initRuntime } from './init-runtime';
import { randomNormal } from './testing/compare-backends';

beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
});

/**
 * L(x) = Σ resize(x) ⊙ r is linear in x, so its central difference along e_k is the exact gradient
 * (up to float rounding) — a reference that only trusts the forward kernel.
 */
function fdGradient(shape: [number, number, number, number], size: [number, number], align: boolean, half: boolean, r: tf.Tensor4D): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  const base = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const at = (d: number): number => {
      base.fill(0);
      base[k] = d;
      return tf.tidy(() => tf.sum(tf.mul(tf.image.resizeBilinear(tf.tensor4d(base, shape), size, align, half), r)).dataSync()[0]!);
    };
    out[k] = (at(1) - at(-1)) / 2;
  }
  return out;
}

describe('ResizeBilinear gradient (fixed)', () => {
  it.each([
    ['×2 up, half-pixel centres (generator upsampling)', [2, 4, 5, 3], [8, 10], false, true],
    ['×½ down, half-pixel centres (2×2 average pooling)', [2, 8, 6, 2], [4, 3], false, true],
    ['5→7, align corners', [1, 5, 5, 2], [7, 7], true, false],
    ['5→3, legacy (neither)', [1, 5, 4, 2], [3, 2], false, false],
    ['odd → odd, half-pixel', [1, 7, 5, 1], [4, 9], false, true],
  ] as const)('%s matches the exact linear gradient', (_n, shape, size, align, half) => {
    const s = [...shape] as [number, number, number, number];
    const x = tf.tensor4d(randomNormal(s.reduce((a, b) => a * b, 1), 1), s);
    const r = tf.tensor4d(randomNormal(s[0] * size[0] * size[1] * s[3], 2), [s[0], size[0], size[1], s[3]]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.image.resizeBilinear(t as tf.Tensor4D, [size[0], size[1]], align, half), r)))(x);
    const want = fdGradient(s, [size[0], size[1]], align, half, r);
    const got = g.dataSync();
    let err = 0;
    for (let k = 0; k < want.length; k++) err = Math.max(err, Math.abs(got[k]! - want[k]!));
    expect(err).toBeLessThan(1e-4);
    tf.dispose([x, r, g]);
  });

  it('×½ half-pixel resize has exactly the 2×2 average-pool gradient (¼ to each pixel of the block)', () => {
    const x = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.image.resizeBilinear(t as tf.Tensor4D, [2, 2], false, true)))(x);
    expect(Array.from(g.dataSync())).toEqual(new Array(16).fill(0.25));
    tf.dispose([x, g]);
  });
});
