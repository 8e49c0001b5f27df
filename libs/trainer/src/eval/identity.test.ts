import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initRuntime } from '@lfe/face-pipeline';
import { faceVariant, otherDistances, pairedDistances, quantile, summarize } from './identity';

beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
});

describe('identity calibration helpers', () => {
  it('zooms every face of a batch larger than 2^24 values the same as one face alone (wasm cropAndResize bug)', () => {
    const n = 1400;
    const x = tf.randomUniform([n, 64, 64, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
    const all = faceVariant(x, 'zoom6');
    const lastAlone = faceVariant(tf.slice(x, [n - 1, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D, 'zoom6');
    const diff = tf.max(tf.abs(tf.sub(tf.slice(all, [n - 1, 0, 0, 0], [1, -1, -1, -1]), lastAlone))).dataSync()[0]!;
    expect(diff).toBeLessThan(1e-6);
    tf.dispose([x, all, lastAlone]);
  });
  it('mirrors and shifts', () => {
    const x = tf.tensor4d(Float32Array.from({ length: 2 * 4 * 4 * 3 }, (_, i) => i), [2, 4, 4, 3]);
    const f = faceVariant(x, 'flip').arraySync();
    expect(f[0]![0]![0]).toEqual([9, 10, 11]);
    const s = faceVariant(x, 'shift2').arraySync();
    expect(s[1]![2]![3]).toEqual(x.arraySync()[1]![2]![1]);
    x.dispose();
  });
  it('summarises distances', () => {
    const a = [Float32Array.from([0, 0]), Float32Array.from([3, 4]), Float32Array.from([6, 8])];
    expect(pairedDistances(a, [a[1]!, a[1]!, a[1]!])).toEqual([5, 0, 5]);
    expect(otherDistances(a, 1)).toHaveLength(3);
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(summarize([0.1, 0.2, 0.5], 0.3).underThreshold).toBeCloseTo(2 / 3);
  });
});
