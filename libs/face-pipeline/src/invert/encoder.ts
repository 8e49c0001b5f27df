import * as tf from '@tensorflow/tfjs';
import { ParamStore } from '../runtime/params';

/** Architecture of the inversion encoder; stored in checkpoints and compared on load. */
export interface EncoderConfig {
  /** Input side (the generator's resolution). Each stage halves it. */
  resolution: number;
  /** Output channels of the 3×3 convs of each stage (one stage per 2× downsample). */
  channels: number[];
  /** 3×3 convs per stage. */
  convsPerStage: number;
  /** Width of the dense layer after the flattened final map. */
  featureDim: number;
  /** Generator's w size and number of W+ rows. */
  wDim: number;
  numWs: number;
}

export const DEFAULT_ENCODER_CONFIG: Omit<EncoderConfig, 'wDim' | 'numWs'> = {
  resolution: 64,
  channels: [32, 64, 96, 128],
  convsPerStage: 2,
  featureDim: 512,
};

export function validateEncoderConfig(c: EncoderConfig): EncoderConfig {
  if (typeof c !== 'object' || c === null) throw new TypeError('encoder config: must be an object');
  for (const k of ['resolution', 'convsPerStage', 'featureDim', 'wDim', 'numWs'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new TypeError(`encoder config: ${k} must be a positive integer, got ${String(c[k])}`);
  }
  if (!Array.isArray(c.channels) || c.channels.length === 0 || c.channels.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new TypeError('encoder config: channels must be a non-empty array of positive integers');
  }
  if (c.resolution % 2 ** c.channels.length !== 0) throw new TypeError(`encoder config: resolution ${c.resolution} is not divisible by 2^${c.channels.length}`);
  return { ...c, channels: [...c.channels] };
}

/**
 * The inversion encoder (the method's "VGG-style CNN", step 1): image [B,R,R,3] in [-1, 1] → W+
 * [B, numWs, wDim]. Stages of 3×3 convs with LeakyReLU, each ending in a half-size resize (a 2×2
 * average: cheaper to train on our runtime than a strided conv); the final map is flattened (it
 * keeps where things are) into a dense layer, then one linear head predicts every W+ row as an
 * offset from the generator's mean w (passed in, so the encoder starts at the average face).
 */
export class Encoder {
  readonly config: EncoderConfig;
  readonly params = new ParamStore('Encoder');
  #disposed = false;

  constructor(config: EncoderConfig, seed = 7) {
    this.config = validateEncoderConfig(config);
    const c = this.config;
    let k = (seed * 104729 + 13) >>> 0;
    const he = (shape: number[], fanIn: number): tf.Tensor => tf.randomNormal(shape, 0, Math.sqrt(2 / (1.04 * fanIn)), 'float32', k++);
    let ci = 3;
    c.channels.forEach((co, i) => {
      for (let j = 0; j < c.convsPerStage; j++) {
        this.params.add(`s${i}/conv${j}/w`, he([3, 3, ci, co], 9 * ci));
        this.params.add(`s${i}/conv${j}/b`, tf.zeros([co]));
        ci = co;
      }
    });
    const side = c.resolution / 2 ** c.channels.length;
    const flat = side * side * ci;
    this.params.add('fc/w', he([flat, c.featureDim], flat));
    this.params.add('fc/b', tf.zeros([c.featureDim]));
    // Small head: the first prediction is (close to) the mean face.
    this.params.add('out/w', tf.randomNormal([c.featureDim, c.numWs * c.wDim], 0, 0.1 / Math.sqrt(c.featureDim), 'float32', k++));
    this.params.add('out/b', tf.zeros([c.numWs * c.wDim]));
  }

  /** images [B,R,R,3] → W+ [B,numWs,wDim] = wAvg + predicted offset. Caller disposes. */
  encode(images: tf.Tensor4D, wAvg: tf.Tensor): tf.Tensor3D {
    if (this.#disposed) throw new Error('encoder: used after dispose()');
    const c = this.config;
    const s = images.shape;
    if (s.length !== 4 || s[1] !== c.resolution || s[2] !== c.resolution || s[3] !== 3) {
      throw new TypeError(`encoder: images must be [B,${c.resolution},${c.resolution},3] in [-1,1], got [${s.join(',')}]`);
    }
    return tf.tidy(() => {
      const p = this.params;
      let x: tf.Tensor4D = images;
      c.channels.forEach((_, i) => {
        for (let j = 0; j < c.convsPerStage; j++) {
          x = tf.leakyRelu(tf.add(tf.conv2d(x, p.get(`s${i}/conv${j}/w`) as tf.Tensor4D, 1, 'same'), p.get(`s${i}/conv${j}/b`)), 0.2) as tf.Tensor4D;
        }
        x = tf.image.resizeBilinear(x, [x.shape[1] / 2, x.shape[2] / 2], false, true);
      });
      const flat = tf.reshape(x, [s[0]!, -1]) as tf.Tensor2D;
      const h = tf.leakyRelu(tf.add(tf.matMul(flat, p.get('fc/w') as tf.Tensor2D), p.get('fc/b')), 0.2) as tf.Tensor2D;
      const offset = tf.reshape(tf.add(tf.matMul(h, p.get('out/w') as tf.Tensor2D), p.get('out/b')), [s[0]!, c.numWs, c.wDim]);
      return tf.add(offset, tf.reshape(wAvg, [1, 1, c.wDim])) as tf.Tensor3D;
    });
  }

  trainableVariables(): tf.Variable[] {
    return this.params.trainable();
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.params.dispose();
  }
}
