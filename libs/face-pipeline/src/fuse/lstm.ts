import * as tf from '@tensorflow/tfjs';

/**
 * One LSTM step: gates = [x, h]·W + b split into input, forget, cell, output (forget bias +1 so a
 * fresh cell remembers by default). `mask` [B,1] (1 = real token, 0 = padding) keeps the state
 * unchanged on padding, so padded batches give the same result as unpadded sequences.
 */
export function lstmStep(x: tf.Tensor2D, h: tf.Tensor2D, c: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, mask?: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
  return tf.tidy(() => {
    const hid = h.shape[1];
    const z = tf.add(tf.matMul(tf.concat([x, h], 1), w), b);
    const [i, f, g, o] = tf.split(z, [hid, hid, hid, hid], 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const cNew = tf.add(tf.mul(tf.sigmoid(tf.add(f, 1)), c), tf.mul(tf.sigmoid(i), tf.tanh(g))) as tf.Tensor2D;
    const hNew = tf.mul(tf.sigmoid(o), tf.tanh(cNew)) as tf.Tensor2D;
    if (mask === undefined) return [hNew, cNew];
    const keep = tf.sub(1, mask);
    return [tf.add(tf.mul(mask, hNew), tf.mul(keep, h)) as tf.Tensor2D, tf.add(tf.mul(mask, cNew), tf.mul(keep, c)) as tf.Tensor2D];
  });
}
