import * as tf from '@tensorflow/tfjs';

/** Non-saturating logistic GAN losses (StyleGAN): D: softplus(D(fake)) + softplus(−D(real)); G: softplus(−D(fake)). */
export function discriminatorLoss(realScores: tf.Tensor1D, fakeScores: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.add(tf.mean(tf.softplus(fakeScores)), tf.mean(tf.softplus(tf.neg(realScores)))) as tf.Scalar);
}

export function generatorLoss(fakeScores: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.softplus(tf.neg(fakeScores))) as tf.Scalar);
}

/**
 * R1 penalty E‖∇ₓD(x)‖² on real images, estimated by finite differences instead of double
 * backprop (several of our runtime's gradient kernels have no gradient of their own):
 *   for v ~ N(0, I):  E_v[(vᵀ∇D)²] = ‖∇D‖²,   vᵀ∇D ≈ (D(x + εv) − D(x)) / ε.
 * Unbiased up to O(ε) per sample, first-order only, so it backpropagates like any loss. Its extra
 * variance (one direction per image) is averaged over the batch and over lazy-regularisation steps.
 */
export function r1FiniteDifference(d: (x: tf.Tensor4D) => tf.Tensor1D, real: tf.Tensor4D, directions: tf.Tensor4D, eps = 1e-2): tf.Scalar {
  return tf.tidy(() => {
    const both = d(tf.concat([real, tf.add(real, tf.mul(directions, eps))], 0) as tf.Tensor4D);
    const [s0, s1] = tf.split(both, 2, 0) as [tf.Tensor1D, tf.Tensor1D];
    return tf.mean(tf.square(tf.div(tf.sub(s1, s0), eps))) as tf.Scalar;
  });
}
