import * as tf from '@tensorflow/tfjs';
import { convScale } from './params';

/**
 * StyleGAN2 modulated convolution without grouped convs (wasm has none):
 *   y = demod ⊙ conv(x ⊙ s, W),  demod[b,co] = rsqrt(Σ_ci s[b,ci]² · Σ_k W[k,ci,co]² + ε)
 * which equals convolving each sample with its own weights W[b] = W ⊙ s[b] normalised per output
 * channel. One shared conv keeps XNNPACK's fast path for the whole batch.
 */
export function modulatedConv(x: tf.Tensor4D, w: tf.Tensor4D, style: tf.Tensor2D, demodulate = true, gain = 1): tf.Tensor4D {
  const [b, , , ci] = x.shape;
  const scale = convScale(w);
  const xs = tf.mul(x, tf.reshape(style, [b, 1, 1, ci]));
  // The equalized-lr scale and `gain` (which scales the input) fold into one multiply of the conv
  // weights (far smaller than activations). Demodulation normalises by weights and styles only,
  // so it uses the scale without the gain, applied to the small [ci, co] sum instead of to W.
  const y = tf.conv2d(xs as tf.Tensor4D, tf.mul(w, scale * gain) as tf.Tensor4D, 1, 'same');
  if (!demodulate) return y;
  const wsq = tf.mul(tf.sum(tf.square(w), [0, 1]), scale * scale) as tf.Tensor2D; // [ci, co]
  const d = tf.rsqrt(tf.add(tf.matMul(tf.square(style), wsq), 1e-8)); // [b, co]
  return tf.mul(y, tf.reshape(d, [b, 1, 1, -1]));
}

/** Reference: explicit per-sample weight modulation/demodulation (slow; for tests). */
export function modulatedConvReference(x: tf.Tensor4D, w: tf.Tensor4D, style: tf.Tensor2D, demodulate = true): tf.Tensor4D {
  const b = x.shape[0];
  const ws = tf.mul(w, convScale(w)) as tf.Tensor4D;
  const outs: tf.Tensor4D[] = [];
  for (let i = 0; i < b; i++) {
    const s = tf.reshape(tf.slice(style, [i, 0], [1, -1]), [1, 1, -1, 1]);
    let wi = tf.mul(ws, s) as tf.Tensor4D; // scale input channels
    if (demodulate) wi = tf.mul(wi, tf.rsqrt(tf.add(tf.sum(tf.square(wi), [0, 1, 2], true), 1e-8)));
    outs.push(tf.conv2d(tf.slice(x, [i, 0, 0, 0], [1, -1, -1, -1]), wi, 1, 'same'));
  }
  return tf.concat(outs, 0);
}
