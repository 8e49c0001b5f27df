import * as tf from '@tensorflow/tfjs';
import { initRuntime } from '../runtime/index';
import { beforeAll, describe, expect, it } from 'vitest';
import { pool2x } from './pool2x';

beforeAll(async () => {
  await initRuntime();
});

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describe('pool2x', () => {
  const x = tf.randomNormal([2, 6, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const r = tf.randomNormal([2, 3, 4, 3], 0, 1, 'float32', 2);
  const loss = (pool: (a: tf.Tensor4D) => tf.Tensor) => (a: tf.Tensor) => tf.sum(tf.mul(pool(a as tf.Tensor4D), r));

  it('equals 2×2 average pooling, forward and gradient', () => {
    const want = tf.avgPool(x, 2, 2, 'valid');
    const got = pool2x(x);
    expect(maxAbsDiff(got, want)).toBeLessThan(1e-6);
    const g = tf.grad(loss(pool2x))(x);
    const gw = tf.grad(loss((a) => tf.avgPool(a, 2, 2, 'valid')))(x);
    expect(maxAbsDiff(g, gw)).toBeLessThan(1e-6);
    tf.dispose([want, got, g, gw]);
  });

  it('gradient is a quarter of the output gradient on each pixel of its block (linear map: exact)', () => {
    const g = tf.grad(loss(pool2x))(x).arraySync() as number[][][][];
    const rr = r.arraySync() as number[][][][];
    for (let b = 0; b < 2; b++) for (let i = 0; i < 6; i++) for (let j = 0; j < 8; j++) for (let c = 0; c < 3; c++) {
      expect(g[b]![i]![j]![c]).toBeCloseTo(rr[b]![i >> 1]![j >> 1]![c]! / 4, 6);
    }
  });

  it('agrees with a half-pixel bilinear half-size resize, forward and gradient (with the gradient fix initRuntime registers)', () => {
    const resize = (a: tf.Tensor4D): tf.Tensor => tf.image.resizeBilinear(a, [a.shape[1] / 2, a.shape[2] / 2], false, true);
    const fwd = resize(x);
    const want = pool2x(x);
    expect(maxAbsDiff(fwd, want)).toBeLessThan(1e-5);
    const g = tf.grad(loss(resize))(x);
    const gw = tf.grad(loss(pool2x))(x);
    expect(maxAbsDiff(g, gw)).toBeLessThan(1e-5);
    tf.dispose([fwd, want, g, gw]);
  });

  it('refuses odd sizes', () => {
    const odd = tf.zeros([1, 5, 4, 1]) as tf.Tensor4D;
    expect(() => pool2x(odd)).toThrow(TypeError);
    odd.dispose();
  });
});
