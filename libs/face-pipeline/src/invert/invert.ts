import * as tf from '@tensorflow/tfjs';
import type { Generator } from '../generate/generator';
import type { Encoder } from './encoder';

export interface InvertOptions {
  /**
   * The method's optional refinement: this many Adam steps on the latent against the input image
   * (pixel MSE through the generator). 0 = encoder only (the live path).
   */
  refineSteps?: number;
  /** Adam learning rate of the refinement (default 0.02). */
  refineLr?: number;
  /** Generator noise during refinement (default the stored constant maps). */
  noise?: 'const' | 'none';
}

/**
 * Inversion (the method's step 1): the encoder's W+, then optionally `refineSteps` Adam steps on
 * the latent against the images (pixel MSE through the frozen generator, its constant noise).
 * Returns a new tensor; everything else it makes is disposed.
 */
export function invertLatent(generator: Generator, encoder: Encoder, images: tf.Tensor4D, opts: InvertOptions = {}): tf.Tensor3D {
  const steps = opts.refineSteps ?? 0;
  if (!Number.isInteger(steps) || steps < 0 || steps > 10_000) throw new TypeError(`invert: refineSteps must be an integer in 0…10000, got ${String(steps)}`);
  const start = encoder.encode(images, generator.params.get('mapping/w_avg'));
  if (steps === 0) return start;
  const w = tf.variable(start, true);
  start.dispose();
  const opt = tf.train.adam(opts.refineLr ?? 0.02);
  try {
    for (let i = 0; i < steps; i++) {
      const cost = opt.minimize(() => tf.mean(tf.square(tf.sub(generator.synthesis(w, { noise: opts.noise ?? 'const' }), images))) as tf.Scalar, false, [w]);
      cost?.dispose();
    }
    return tf.clone(w) as tf.Tensor3D;
  } finally {
    opt.dispose();
    w.dispose();
  }
}
