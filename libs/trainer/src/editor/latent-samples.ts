import * as tf from '@tensorflow/tfjs';
import type { Generator } from '@lfe/face-pipeline';

export interface LatentSampleOptions {
  /** Truncation ψ drawn uniformly from [psiMin, 1] per sample (toward the generator's mean w). */
  psiMin: number;
  /** Probability that a sample mixes two w's at a random W+ row (so the encoder sees true W+ codes). */
  mixingProb: number;
}

/**
 * Random W+ codes of a generator and their images (constant noise: what `Editor.generate` draws).
 * A pure function of (seed, count): training step s draws with seed hash(seed, s).
 * Returns tensors the caller disposes; nothing is recorded for gradients.
 */
export function sampleLatents(g: Generator, count: number, seed: number, opts: LatentSampleOptions): { w: tf.Tensor3D; images: tf.Tensor4D } {
  return tf.tidy(() => {
    const { zDim, wDim } = g.config;
    const n = g.numWs;
    const w1 = g.mapping(tf.randomNormal([count, zDim], 0, 1, 'float32', seed));
    const w2 = g.mapping(tf.randomNormal([count, zDim], 0, 1, 'float32', seed + 1));
    const u = tf.randomUniform([count, 3], 0, 1, 'float32', seed + 2).arraySync() as number[][];
    // Per sample: the row where w2 takes over (n = never), and ψ.
    const cut = new Float32Array(count * n);
    const psi = new Float32Array(count);
    u.forEach(([a, b, c], i) => {
      const at = a! < opts.mixingProb ? 1 + Math.floor(b! * (n - 1)) : n;
      for (let r = 0; r < n; r++) cut[i * n + r] = r >= at ? 1 : 0;
      psi[i] = opts.psiMin + (1 - opts.psiMin) * c!;
    });
    const m = tf.tensor3d(cut, [count, n, 1]);
    const wp = tf.add(tf.mul(tf.expandDims(w1, 1), tf.sub(1, m)), tf.mul(tf.expandDims(w2, 1), m));
    const avg = tf.reshape(g.params.get('mapping/w_avg'), [1, 1, wDim]);
    const w = tf.add(avg, tf.mul(tf.sub(wp, avg), tf.reshape(tf.tensor1d(psi), [count, 1, 1]))) as tf.Tensor3D;
    return { w, images: g.synthesis(w, { noise: 'const' }) };
  });
}
