import * as tf from '@tensorflow/tfjs';

/**
 * FOFE (fixed-size ordinally-forgetting encoding) of every prefix of a token sequence:
 *   z_t = α·z_{t−1} + e_t,  z_0 = 0,
 * with e_t the one-hot of token t over a vocabulary of size K. As a matrix product
 *   Z = L·E,  L[t,s] = α^{t−s} (s ≤ t),
 * one [T,T]×[T,K] product per batch. Padding ids (`padId`, trailing) add no one-hot; their positions
 * hold the decayed code of the real prefix and are masked by whatever reads them (the BiLSTM).
 */
export function fofe(ids: tf.Tensor2D, vocabSize: number, alpha: number, padId = 0): tf.Tensor3D {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`fofe: alpha must be in (0, 1), got ${alpha}`);
  return tf.tidy(() => {
    const [b, t] = ids.shape;
    const l = new Float32Array(t * t);
    for (let i = 0; i < t; i++) for (let j = 0; j <= i; j++) l[i * t + j] = alpha ** (i - j);
    const onehot = tf.mul(tf.oneHot(ids, vocabSize), tf.expandDims(tf.cast(tf.notEqual(ids, padId), 'float32'), 2)); // [B,T,K]
    const lt = tf.tile(tf.expandDims(tf.tensor2d(l, [t, t]), 0), [b, 1, 1]);
    return tf.matMul(lt, onehot) as tf.Tensor3D;
  });
}
