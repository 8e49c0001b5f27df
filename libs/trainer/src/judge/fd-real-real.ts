import * as tf from '@tensorflow/tfjs';
import { renderFaces } from './face-batch';
import { gaussianStats, frechetDistanceFromStats, type GaussianStats } from './frechet';
import type { Judge } from './judge';

/** Judge features of `n` faces of stream `seed` (faces 0…n-1), batch by batch. */
export function renderedFeatureStats(judge: Judge, seed: number, n: number, batchSize = 100): GaussianStats {
  const r = judge.config.resolution;
  const dim = judge.config.featureDim;
  const data = new Float32Array(n * dim);
  for (let start = 0; start < n; start += batchSize) {
    const count = Math.min(batchSize, n - start);
    const x = tf.tensor4d(renderFaces(seed, start, count, r).images, [count, r, r, 3]);
    try {
      const f = judge.features(x);
      data.set(f.dataSync(), start * dim);
      f.dispose();
    } finally {
      x.dispose();
    }
  }
  return gaussianStats({ rows: n, cols: dim, data });
}

/**
 * FD between two independent sets of `n` renders (streams seedA and seedB): the floor a generator's
 * FD against `n` real faces can reach — sampling noise alone. Report GAN FDs next to it.
 */
export function fdRealReal(judge: Judge, opts: { n: number; seedA: number; seedB: number; batchSize?: number }): number {
  if (opts.seedA === opts.seedB) throw new TypeError('fdRealReal: seedA and seedB must differ (independent sets)');
  return frechetDistanceFromStats(renderedFeatureStats(judge, opts.seedA, opts.n, opts.batchSize), renderedFeatureStats(judge, opts.seedB, opts.n, opts.batchSize));
}
