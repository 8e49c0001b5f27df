import * as tf from '@tensorflow/tfjs';

/**
 * Instance normalisation (Ulyanov et al. 2016): each sample's each channel is normalised by its own
 * mean and variance over H×W, then scaled and shifted by a learned per-channel affine. Unlike batch
 * norm it has no running statistics and no batch coupling, so a caption of one image never depends
 * on the other images of its batch (and the joint training's gradient into one generated face stays
 * that face's own).
 */
export function instanceNorm(x: tf.Tensor4D, gamma: tf.Tensor, beta: tf.Tensor, epsilon = 1e-5): tf.Tensor4D {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, [1, 2], true);
    const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon)));
    return tf.add(tf.mul(normed, gamma), beta) as tf.Tensor4D;
  });
}
