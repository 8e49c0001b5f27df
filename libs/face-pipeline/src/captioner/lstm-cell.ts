import * as tf from '@tensorflow/tfjs';

/** Added to the forget gate's pre-activation so a fresh cell keeps its memory (Gers et al. 2000; Jozefowicz et al. 2015). */
export const FORGET_BIAS = 1;

export interface LstmState {
  h: tf.Tensor2D;
  c: tf.Tensor2D;
}

/**
 * One LSTM step. The gates are `[input, h] · W + b`, split into `inputPart = input · W_x + b`
 * (computed by the caller, for all time steps at once where the inputs are known in advance) and
 * `h · W_h` computed here. Gate order in the 4H columns: input, forget, candidate, output.
 *   c' = σ(f + 1) ⊙ c + σ(i) ⊙ tanh(g),   h' = σ(o) ⊙ tanh(c')
 * Returns new tensors; not wrapped in tidy so callers can chain it inside their own tidy / tape.
 */
export function lstmStep(inputPart: tf.Tensor2D, state: LstmState, wh: tf.Tensor2D): LstmState {
  const hidden = state.h.shape[1];
  const gates = tf.add(inputPart, tf.matMul(state.h, wh)) as tf.Tensor2D;
  const [i, f, g, o] = tf.split(gates, [hidden, hidden, hidden, hidden], 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const c = tf.add(tf.mul(tf.sigmoid(tf.add(f, FORGET_BIAS)), state.c), tf.mul(tf.sigmoid(i), tf.tanh(g))) as tf.Tensor2D;
  const h = tf.mul(tf.sigmoid(o), tf.tanh(c)) as tf.Tensor2D;
  return { h, c };
}

/** The full cell with gates from `[input, h] · W + b`, W = [W_x; W_h] of shape [I + H, 4H]. */
export function lstmCell(input: tf.Tensor2D, state: LstmState, w: tf.Tensor2D, b: tf.Tensor1D): LstmState {
  const inDim = input.shape[1];
  const hidden = state.h.shape[1];
  const wx = tf.slice(w, [0, 0], [inDim, 4 * hidden]);
  const wh = tf.slice(w, [inDim, 0], [hidden, 4 * hidden]);
  return lstmStep(tf.add(tf.matMul(input, wx), b) as tf.Tensor2D, state, wh);
}
