import * as tf from '@tensorflow/tfjs';
import { dense, ParamStore } from '../runtime/params';

export type FusionMode = 'patent' | 'residual';

export interface FusionConfig {
  mode: FusionMode;
  wDim: number;
  codeDim: number;
  /** Rows of W+ the fusion writes (the generator's numWs). */
  numWs: number;
  /** Hidden width of the residual mode's MLP. */
  hidden: number;
}

/**
 * Fuses a latent w with a text code f.
 * - `patent`: the method's w' = tanh(A·w + B·f + b), per W+ row, A initialised to the identity,
 *   B small, b = 0. tanh bounds every coordinate to (−1, 1), which clips the generator's W space.
 * - `residual`: w' = w + s·g(w̄, f) with g an MLP producing one offset per W+ row, s the edit
 *   strength; s = 0 (or f = 0 with a zero-initialised last layer) leaves the face untouched.
 * Inputs: w as W [B,wDim] or W+ [B,numWs,wDim]; output W+ [B,numWs,wDim].
 */
export class Fusion {
  readonly config: FusionConfig;
  readonly params = new ParamStore('Fusion');

  constructor(config: FusionConfig, seed = 5) {
    this.config = { ...config };
    const { wDim, codeDim, numWs, hidden } = config;
    let s = seed * 911 + 3;
    const normal = (shape: number[], std: number): tf.Tensor => tf.randomNormal(shape, 0, std, 'float32', s++);
    if (config.mode === 'patent') {
      this.params.add('A', tf.eye(wDim));
      this.params.add('B', normal([codeDim, wDim], 0.01));
      this.params.add('b', tf.zeros([wDim]));
    } else {
      this.params.add('fc0/w', normal([wDim + codeDim, hidden], 1), true, 1 / Math.sqrt(wDim + codeDim));
      this.params.add('fc0/b', tf.zeros([hidden]));
      this.params.add('fc1/w', normal([hidden, hidden], 1), true, Math.SQRT2 / Math.sqrt(hidden));
      this.params.add('fc1/b', tf.zeros([hidden]));
      this.params.add('out/w', tf.zeros([hidden, numWs * wDim]), true, Math.SQRT2 / Math.sqrt(hidden));
      this.params.add('out/b', tf.zeros([numWs * wDim]));
    }
  }

  fuse(w: tf.Tensor, f: tf.Tensor2D, strength = 1): tf.Tensor3D {
    return tf.tidy(() => {
      const { wDim, numWs, mode } = this.config;
      const b = f.shape[0];
      const wp = (w.rank === 2 ? tf.tile(tf.expandDims(w, 1), [1, numWs, 1]) : w) as tf.Tensor3D;
      if (wp.shape[1] !== numWs || wp.shape[2] !== wDim) throw new TypeError(`fusion: w must be [B,${wDim}] or [B,${numWs},${wDim}]`);
      const p = this.params;
      if (mode === 'patent') {
        const aw = tf.reshape(tf.matMul(tf.reshape(wp, [b * numWs, wDim]), p.get('A')), [b, numWs, wDim]);
        const bf = tf.expandDims(tf.matMul(f, p.get('B')), 1);
        const fused = tf.tanh(tf.add(tf.add(aw, bf), p.get('b')));
        // Strength interpolates between the input and the method's fused code.
        return (strength === 1 ? fused : tf.add(wp, tf.mul(tf.sub(fused, wp), strength))) as tf.Tensor3D;
      }
      const wMean = tf.mean(wp, 1) as tf.Tensor2D;
      let h = tf.leakyRelu(dense(tf.concat([wMean, f], 1) as tf.Tensor2D, p.get('fc0/w'), p.get('fc0/b')), 0.2) as tf.Tensor2D;
      h = tf.leakyRelu(dense(h, p.get('fc1/w'), p.get('fc1/b'), 1, Math.SQRT2), 0.2) as tf.Tensor2D;
      const delta = tf.reshape(dense(h, p.get('out/w'), p.get('out/b'), 1, Math.SQRT2), [b, numWs, wDim]);
      return tf.add(wp, tf.mul(delta, strength)) as tf.Tensor3D;
    });
  }

  trainableVariables(): tf.Variable[] {
    return this.params.trainable();
  }

  dispose(): void {
    this.params.dispose();
  }
}
