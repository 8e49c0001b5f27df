import * as tf from '@tensorflow/tfjs';
import { initRuntime } from '../runtime/index';
import { beforeAll, describe, expect, it } from 'vitest';
import { instanceNorm } from './instance-norm';

beforeAll(async () => {
  await initRuntime();
});

describe('instanceNorm', () => {
  it('gives every sample and channel zero mean and unit variance over H×W (identity affine)', () => {
    // Channels with very different offsets and scales, per sample.
    const x = tf.tidy(() => tf.add(tf.mul(tf.randomNormal([3, 7, 5, 4], 0, 1, 'float32', 1), tf.tensor([0.1, 1, 10, 100])), tf.randomUniform([3, 1, 1, 4], -50, 50, 'float32', 2))) as tf.Tensor4D;
    const y = instanceNorm(x, tf.ones([4]), tf.zeros([4]));
    const { mean, variance } = tf.moments(y, [1, 2]);
    const m = mean.dataSync();
    const v = variance.dataSync();
    expect(m.length).toBe(12);
    for (const a of m) expect(Math.abs(a)).toBeLessThan(1e-4);
    // Variance is σ²/(σ² + ε): for the 0.1-scale channel that is 0.999.
    for (const a of v) expect(Math.abs(a - 1)).toBeLessThan(2e-3);
    tf.dispose([x, y, mean, variance]);
  });

  it('applies the learned per-channel affine after normalising', () => {
    const x = tf.randomNormal([2, 4, 4, 3], 3, 2, 'float32', 5) as tf.Tensor4D;
    const gamma = tf.tensor1d([2, -1, 0.5]);
    const beta = tf.tensor1d([1, 0, -3]);
    const y = instanceNorm(x, gamma, beta);
    const { mean, variance } = tf.moments(y, [1, 2]);
    const m = mean.arraySync() as number[][];
    const v = variance.arraySync() as number[][];
    for (let b = 0; b < 2; b++) {
      [1, 0, -3].forEach((want, c) => expect(m[b]![c]).toBeCloseTo(want, 4));
      [4, 1, 0.25].forEach((want, c) => expect(v[b]![c]).toBeCloseTo(want, 2));
    }
    tf.dispose([x, gamma, beta, y, mean, variance]);
  });

  it('does not couple the samples of a batch', () => {
    const a = tf.randomNormal([1, 6, 6, 2], 0, 1, 'float32', 8) as tf.Tensor4D;
    const b = tf.randomNormal([1, 6, 6, 2], 5, 3, 'float32', 9) as tf.Tensor4D;
    const g = tf.ones([2]);
    const z = tf.zeros([2]);
    const alone = instanceNorm(a, g, z);
    const both = instanceNorm(tf.concat([a, b]) as tf.Tensor4D, g, z);
    const first = tf.slice(both, [0, 0, 0, 0], [1, 6, 6, 2]);
    expect(tf.max(tf.abs(tf.sub(alone, first))).dataSync()[0]).toBeLessThan(1e-6);
    tf.dispose([a, b, g, z, alone, both, first]);
  });
});
