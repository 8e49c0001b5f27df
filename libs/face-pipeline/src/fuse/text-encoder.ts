import * as tf from '@tensorflow/tfjs';
import { fofe } from './fofe';
import { lstmStep } from './lstm';
import { dense, ParamStore } from '../runtime/params';

export interface TextEncoderConfig {
  vocabSize: number;
  /** FOFE forgetting factor α in (0, 1). */
  alpha: number;
  /** Hidden size of each LSTM direction. */
  hidden: number;
  /** Size of the text code f. */
  codeDim: number;
}

/**
 * The method's text encoder: tokens → FOFE codes z_1…z_T (size K each) → BiLSTM → f. The forward
 * direction's last state and the backward direction's state at the first token are concatenated and
 * projected to `codeDim`. Works for any tokens of the shared vocabulary (English and Chinese).
 */
export class TextEncoder {
  readonly config: TextEncoderConfig;
  readonly params = new ParamStore('TextEncoder');

  constructor(config: TextEncoderConfig, seed = 3) {
    this.config = { ...config };
    const { vocabSize: k, hidden: h, codeDim } = config;
    let s = seed * 7331 + 5;
    const normal = (shape: number[], std: number): tf.Tensor => tf.randomNormal(shape, 0, std, 'float32', s++);
    for (const dir of ['fw', 'bw']) {
      // Input projection K → h first (the FOFE code is wide and sparse), then the LSTM on [x, h].
      this.params.add(`${dir}/in/w`, normal([k, h], 1), true, 1 / Math.sqrt(k));
      this.params.add(`${dir}/in/b`, tf.zeros([h]));
      this.params.add(`${dir}/lstm/w`, normal([2 * h, 4 * h], 1 / Math.sqrt(2 * h)));
      this.params.add(`${dir}/lstm/b`, tf.zeros([4 * h]));
    }
    this.params.add('out/w', normal([2 * h, codeDim], 1), true, 1 / Math.sqrt(2 * h));
    this.params.add('out/b', tf.zeros([codeDim]));
  }

  /** ids [B,T] (padded with 0 at the end) → text code f [B, codeDim]. */
  encode(ids: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const { vocabSize, alpha, hidden } = this.config;
      const [b, t] = ids.shape;
      const z = fofe(ids, vocabSize, alpha); // [B,T,K]
      const mask = tf.cast(tf.notEqual(ids, 0), 'float32'); // [B,T]
      const run = (dir: 'fw' | 'bw'): tf.Tensor2D => {
        const p = this.params;
        const x = tf.reshape(dense(tf.reshape(z, [b * t, vocabSize]) as tf.Tensor2D, p.get(`${dir}/in/w`), p.get(`${dir}/in/b`)), [b, t, hidden]);
        let h = tf.zeros([b, hidden]) as tf.Tensor2D;
        let c = tf.zeros([b, hidden]) as tf.Tensor2D;
        for (let k = 0; k < t; k++) {
          const step = dir === 'fw' ? k : t - 1 - k; // the backward pass meets padding first: masked
          const xt = tf.reshape(tf.slice(x, [0, step, 0], [b, 1, hidden]), [b, hidden]) as tf.Tensor2D;
          const m = tf.slice(mask, [0, step], [b, 1]) as tf.Tensor2D;
          [h, c] = lstmStep(xt, h, c, p.get(`${dir}/lstm/w`) as tf.Tensor2D, p.get(`${dir}/lstm/b`) as tf.Tensor1D, m);
        }
        return h;
      };
      return dense(tf.concat([run('fw'), run('bw')], 1) as tf.Tensor2D, this.params.get('out/w'), this.params.get('out/b'));
    });
  }

  trainableVariables(): tf.Variable[] {
    return this.params.trainable();
  }

  dispose(): void {
    this.params.dispose();
  }
}
