import * as tf from '@tensorflow/tfjs';
import { PAD_ID, START_ID, VOCABULARY, VOCABULARY_FINGERPRINT, VOCABULARY_SIZE, decodeIds } from '@lfe/edit-language';
import { CheckpointError, loadCheckpoint, saveCheckpoint, type Provenance, type WeightDtype } from '../checkpoint/index';
import { ParamStore } from '../runtime/params';
import { CAPTION_STYLES, languageOf, styleIndex, type CaptionStyle } from './caption-style';
import { beamSearch, greedySearch, type DecodeStep } from './decode';
import { instanceNorm } from './instance-norm';
import { lstmStep, type LstmState } from './lstm-cell';
import { pool2x } from './pool2x';

export const CAPTIONER_KIND = 'lfe-captioner';

export interface CaptionerStage {
  /** Output channels of every 3×3 conv of the stage. */
  channels: number;
  convs: number;
}

export interface CaptionerConfig {
  /** Input side; each stage ends with a 2× average-pool downsample. */
  resolution: number;
  stages: CaptionerStage[];
  /** Size of the image feature vector x (the method's 1024×1). */
  featureDim: number;
  /** Visual context c = P·x fed to the LSTM and the output layer at every step. */
  contextDim: number;
  embeddingDim: number;
  styleDim: number;
  hiddenDim: number;
}

/**
 * ≈ 3.8 M parameters, ≈ 75 MFLOP per 64×64 image forward for the CNN. Channels stay small at high
 * resolution (where a conv's cost is) and grow as the map shrinks; the 4×4×128 map is flattened so
 * the feature keeps where things are (a hat is at the top, a beard at the bottom).
 */
export const DEFAULT_CAPTIONER_CONFIG: CaptionerConfig = {
  resolution: 64,
  stages: [
    { channels: 16, convs: 1 },
    { channels: 32, convs: 1 },
    { channels: 64, convs: 2 },
    { channels: 128, convs: 2 },
  ],
  featureDim: 1024,
  contextDim: 256,
  embeddingDim: 64,
  styleDim: 16,
  hiddenDim: 256,
};

export function validateCaptionerConfig(c: CaptionerConfig): CaptionerConfig {
  const int = (v: unknown, name: string, min: number): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new TypeError(`captioner config: ${name} must be an integer ≥ ${min}, got ${String(v)}`);
    return v;
  };
  if (typeof c !== 'object' || c === null) throw new TypeError('captioner config: must be an object');
  if (!Array.isArray(c.stages) || c.stages.length === 0) throw new TypeError('captioner config: stages must be a non-empty array');
  const resolution = int(c.resolution, 'resolution', 8);
  if (resolution % 2 ** c.stages.length !== 0) throw new TypeError(`captioner config: resolution ${resolution} is not divisible by 2^${c.stages.length} (one pool per stage)`);
  return {
    resolution,
    stages: c.stages.map((s, i) => ({ channels: int(s.channels, `stages[${i}].channels`, 1), convs: int(s.convs, `stages[${i}].convs`, 1) })),
    featureDim: int(c.featureDim, 'featureDim', 1),
    contextDim: int(c.contextDim, 'contextDim', 1),
    embeddingDim: int(c.embeddingDim, 'embeddingDim', 1),
    styleDim: int(c.styleDim, 'styleDim', 1),
    hiddenDim: int(c.hiddenDim, 'hiddenDim', 1),
  };
}

/** A decoded caption: tokens without `<start>`/`<end>`, and Σ log p of its ids and `<end>`. */
export interface Caption {
  tokens: string[];
  ids: number[];
  logProb: number;
  /** False when the decoder hit maxLength and `<end>` was forced. */
  ended: boolean;
}

export interface DecodeOptions {
  /** Default full English description. */
  style?: CaptionStyle;
  /** Most tokens before `<end>` is forced (default 40; training captions have ≤ 34). */
  maxLength?: number;
}

/** Per-image tensors the decoder reads at every step. */
interface Prepared {
  /** (c, style) · W_ctx + b: the gates' visual/style part [B, 4H]. */
  ctxGates: tf.Tensor2D;
  /** c · W_out_ctx + b_out: the output layer's visual part [B, V]. */
  ctxOut: tf.Tensor2D;
}

/**
 * The image-description network of the method: a CNN (3×3 conv groups, LeakyReLU, instance norm,
 * 2× average pooling — no strided convs) to a `featureDim` feature x, then an LSTM decoder that
 * reads `<start>` and the previous word's embedding, with the visual context c = P·x and a style
 * embedding concatenated to its input at every step; p(y_t | I, y_<t) = softmax(W_h h_t + W_c c +
 * W_e e(y_{t-1}) + b) (the method's f(h_t, c_t, y_{t-1})).
 *
 * The context is the same vector at every step rather than an attention over the final grid: the
 * grid is 4×4 at 64 px, the flattened feature already keeps position, and a constant context costs
 * one projection per image instead of one per step — which matters for beam search and for the
 * joint training, which backpropagates through all of this into the generator.
 */
export class Captioner {
  readonly config: CaptionerConfig;
  readonly params = new ParamStore('captioner');
  #disposed = false;

  constructor(config: CaptionerConfig = DEFAULT_CAPTIONER_CONFIG, seed = 1) {
    this.config = validateCaptionerConfig(config);
    const c = this.config;
    let k = (seed * 7919 + 23) >>> 0;
    const normal = (shape: number[], std: number): tf.Tensor => tf.randomNormal(shape, 0, std, 'float32', k++);
    const p = this.params;
    let ci = 3;
    c.stages.forEach((s, i) => {
      for (let j = 0; j < s.convs; j++) {
        const name = `cnn/s${i}/conv${j}`;
        p.add(`${name}/w`, normal([3, 3, ci, s.channels], Math.sqrt(2 / (1.04 * 9 * ci))));
        if (i === 0 && j === 0) {
          // The first conv is not normalised (as in pix2pix's discriminator): instance norm there
          // would divide out each image's absolute colour (black vs. brown hair, lipstick).
          p.add(`${name}/b`, tf.zeros([s.channels]));
        } else {
          p.add(`${name}/gamma`, tf.ones([s.channels]));
          p.add(`${name}/beta`, tf.zeros([s.channels]));
        }
        ci = s.channels;
      }
    });
    const side = c.resolution / 2 ** c.stages.length;
    const flat = side * side * ci;
    p.add('cnn/fc/w', normal([flat, c.featureDim], Math.sqrt(2 / (1.04 * flat))));
    p.add('cnn/fc/b', tf.zeros([c.featureDim]));
    const H = c.hiddenDim;
    const V = VOCABULARY_SIZE;
    p.add('dec/ctx/w', normal([c.featureDim, c.contextDim], Math.sqrt(1 / c.featureDim)));
    p.add('dec/ctx/b', tf.zeros([c.contextDim]));
    p.add('dec/style', normal([CAPTION_STYLES.length, c.styleDim], 1));
    p.add('dec/embed', normal([V, c.embeddingDim], 1));
    const inDim = c.embeddingDim + c.contextDim + c.styleDim;
    p.add('dec/lstm/w_embed', normal([c.embeddingDim, 4 * H], Math.sqrt(1 / (inDim + H))));
    p.add('dec/lstm/w_ctx', normal([c.contextDim + c.styleDim, 4 * H], Math.sqrt(1 / (inDim + H))));
    p.add('dec/lstm/w_h', normal([H, 4 * H], Math.sqrt(1 / (inDim + H))));
    p.add('dec/lstm/b', tf.zeros([4 * H]));
    const outIn = H + c.contextDim + c.embeddingDim;
    p.add('dec/out/w_h', normal([H, V], Math.sqrt(1 / outIn)));
    p.add('dec/out/w_ctx', normal([c.contextDim, V], Math.sqrt(1 / outIn)));
    p.add('dec/out/w_embed', normal([c.embeddingDim, V], Math.sqrt(1 / outIn)));
    p.add('dec/out/b', tf.zeros([V]));
  }

  trainableVariables(): tf.Variable[] {
    return this.params.trainable();
  }

  parameterCount(): number {
    return this.params.trainable().reduce((n, v) => n + v.size, 0);
  }

  #checkImages(images: tf.Tensor): void {
    if (this.#disposed) throw new Error('captioner: used after dispose()');
    const r = this.config.resolution;
    const s = images.shape;
    if (s.length !== 4 || s[1] !== r || s[2] !== r || s[3] !== 3) throw new TypeError(`captioner: images must be [B,${r},${r},3] in [-1,1], got [${s.join(',')}]`);
  }

  /** The image feature x [B, featureDim] (after LeakyReLU). Differentiable w.r.t. the images. */
  features(images: tf.Tensor4D): tf.Tensor2D {
    this.#checkImages(images);
    return tf.tidy(() => {
      const p = this.params;
      let x: tf.Tensor4D = images;
      this.config.stages.forEach((s, i) => {
        for (let j = 0; j < s.convs; j++) {
          const name = `cnn/s${i}/conv${j}`;
          let y = tf.conv2d(x, p.get(`${name}/w`) as tf.Tensor4D, 1, 'same');
          y = i === 0 && j === 0 ? tf.add(y, p.get(`${name}/b`)) : instanceNorm(y, p.get(`${name}/gamma`), p.get(`${name}/beta`));
          x = tf.leakyRelu(y, 0.2);
        }
        x = pool2x(x);
      });
      const b = x.shape[0];
      const flat = tf.reshape(x, [b, -1]) as tf.Tensor2D;
      return tf.leakyRelu(tf.add(tf.matMul(flat, p.get('cnn/fc/w') as tf.Tensor2D), p.get('cnn/fc/b')), 0.2) as tf.Tensor2D;
    });
  }

  /** Per-image decoder inputs from images and one style index per image. */
  #prepare(images: tf.Tensor4D, styles: readonly number[]): Prepared {
    return tf.tidy(() => {
      const p = this.params;
      const x = this.features(images);
      const ctx = tf.add(tf.matMul(x, p.get('dec/ctx/w') as tf.Tensor2D), p.get('dec/ctx/b')) as tf.Tensor2D;
      const style = tf.gather(p.get('dec/style'), tf.tensor1d([...styles], 'int32')) as tf.Tensor2D;
      const ctxGates = tf.add(tf.matMul(tf.concat([ctx, style], 1), p.get('dec/lstm/w_ctx') as tf.Tensor2D), p.get('dec/lstm/b')) as tf.Tensor2D;
      const ctxOut = tf.add(tf.matMul(ctx, p.get('dec/out/w_ctx') as tf.Tensor2D), p.get('dec/out/b')) as tf.Tensor2D;
      return { ctxGates, ctxOut };
    });
  }

  #styleIndices(b: number, ids: tf.Tensor2D, styles: readonly CaptionStyle[] | undefined): number[] {
    if (styles !== undefined) {
      if (styles.length !== b) throw new TypeError(`captioner: ${styles.length} styles for ${b} images`);
      return styles.map(styleIndex);
    }
    // Default: a partial caption in the language its words are in (what an edit command is).
    const t = ids.shape[1];
    const all = ids.dataSync();
    return [...Array(b).keys()].map((i) => styleIndex({ mode: 'partial', lang: languageOf(decodeIds([...all.subarray(i * t, (i + 1) * t)])) }));
  }

  /**
   * Teacher-forced log-probabilities [B, T, V]: position t is log p(· | I, <start>, y_0 … y_{t-1}).
   * `tokenIds` [B, T] int32: each row the caption's ids, `<end>`, then `<pad>` (see `captionIds`).
   */
  logProbs(images: tf.Tensor4D, tokenIds: tf.Tensor2D, styles?: readonly CaptionStyle[]): tf.Tensor3D {
    this.#checkImages(images);
    const [b, t] = tokenIds.shape;
    if (tokenIds.rank !== 2 || b !== images.shape[0] || tokenIds.dtype !== 'int32') {
      throw new TypeError(`captioner: tokenIds must be int32 [${images.shape[0]},T], got ${tokenIds.dtype} [${tokenIds.shape.join(',')}]`);
    }
    const styleIdx = this.#styleIndices(b, tokenIds, styles);
    return tf.tidy(() => {
      const p = this.params;
      const c = this.config;
      const V = VOCABULARY_SIZE;
      const { ctxGates, ctxOut } = this.#prepare(images, styleIdx);
      const inputs = tf.concat([tf.fill([b, 1], START_ID, 'int32'), tf.slice(tokenIds, [0, 0], [b, t - 1])], 1);
      const e = tf.reshape(tf.gather(p.get('dec/embed'), tf.reshape(inputs, [-1])), [b * t, c.embeddingDim]) as tf.Tensor2D;
      const eGates = tf.reshape(tf.matMul(e, p.get('dec/lstm/w_embed') as tf.Tensor2D), [b, t, 4 * c.hiddenDim]);
      let state: LstmState = { h: tf.zeros([b, c.hiddenDim]), c: tf.zeros([b, c.hiddenDim]) };
      const hs: tf.Tensor2D[] = [];
      for (const g of tf.unstack(eGates, 1) as tf.Tensor2D[]) {
        state = lstmStep(tf.add(g, ctxGates), state, p.get('dec/lstm/w_h') as tf.Tensor2D);
        hs.push(state.h);
      }
      const h = tf.reshape(tf.stack(hs, 1), [b * t, c.hiddenDim]) as tf.Tensor2D;
      const logits = tf.add(tf.add(tf.matMul(h, p.get('dec/out/w_h') as tf.Tensor2D), tf.matMul(e, p.get('dec/out/w_embed') as tf.Tensor2D)).reshape([b, t, V]), tf.expandDims(ctxOut, 1));
      return tf.logSoftmax(logits) as tf.Tensor3D;
    });
  }

  /** Per-sample Σ_t log p(y_t | I, y_<t) over the non-padding positions (so including `<end>`) [B]. */
  logProb(images: tf.Tensor4D, tokenIds: tf.Tensor2D, styles?: readonly CaptionStyle[]): tf.Tensor1D {
    return tf.tidy(() => {
      const lp = this.logProbs(images, tokenIds, styles);
      const picked = tf.sum(tf.mul(lp, tf.oneHot(tokenIds, VOCABULARY_SIZE)), 2);
      return tf.sum(tf.mul(picked, tf.cast(tf.notEqual(tokenIds, PAD_ID), 'float32')), 1) as tf.Tensor1D;
    });
  }

  /** Mean over the batch of −log p(caption | image): the method's loss without its L2 term. */
  loss(images: tf.Tensor4D, tokenIds: tf.Tensor2D, styles?: readonly CaptionStyle[]): tf.Scalar {
    return tf.tidy(() => tf.neg(tf.mean(this.logProb(images, tokenIds, styles))) as tf.Scalar);
  }

  /** Teacher-forced most probable token at every position [B, T] (for per-token accuracy). */
  predictNext(images: tf.Tensor4D, tokenIds: tf.Tensor2D, styles?: readonly CaptionStyle[]): tf.Tensor2D {
    return tf.tidy(() => tf.argMax(this.logProbs(images, tokenIds, styles), 2) as tf.Tensor2D);
  }

  /** The decoder as a step function over rows that each belong to one image (for greedy and beam search). */
  #stepper(prepared: Prepared): DecodeStep {
    const p = this.params;
    return (rows, tokens, state) => {
      const [logProbs, h, c] = tf.tidy(() => {
        const r = tf.tensor1d(rows, 'int32');
        const e = tf.gather(p.get('dec/embed'), tf.tensor1d(tokens, 'int32')) as tf.Tensor2D;
        const gates = tf.add(tf.matMul(e, p.get('dec/lstm/w_embed') as tf.Tensor2D), tf.gather(prepared.ctxGates, r)) as tf.Tensor2D;
        const next = lstmStep(gates, state, p.get('dec/lstm/w_h') as tf.Tensor2D);
        const logits = tf.add(tf.add(tf.matMul(next.h, p.get('dec/out/w_h') as tf.Tensor2D), tf.matMul(e, p.get('dec/out/w_embed') as tf.Tensor2D)), tf.gather(prepared.ctxOut, r));
        return [tf.logSoftmax(logits) as tf.Tensor2D, next.h, next.c];
      });
      return { logProbs: logProbs!, state: { h: h!, c: c! } };
    };
  }

  #decodeWith<T>(images: tf.Tensor4D, opts: DecodeOptions, run: (step: DecodeStep, b: number, maxLength: number) => T): T {
    this.#checkImages(images);
    const maxLength = opts.maxLength ?? 40;
    if (!Number.isInteger(maxLength) || maxLength < 1) throw new TypeError(`captioner: maxLength must be a positive integer, got ${maxLength}`);
    const b = images.shape[0];
    const prepared = this.#prepare(images, Array<number>(b).fill(styleIndex(opts.style ?? { mode: 'full', lang: 'en' })));
    try {
      return run(this.#stepper(prepared), b, maxLength);
    } finally {
      tf.dispose([prepared.ctxGates, prepared.ctxOut]);
    }
  }

  /** Greedy decoding: the most probable word at every step, until `<end>` or maxLength. */
  greedy(images: tf.Tensor4D, opts: DecodeOptions = {}): Caption[] {
    return this.#decodeWith(images, opts, (step, b, maxLength) => greedySearch(step, b, this.config.hiddenDim, maxLength).map(toCaption));
  }

  /**
   * Beam search with `beamSize` hypotheses per image, scored by Σ log p (no length normalisation,
   * the same score as `logProb`). The greedy caption is kept as a candidate too (unless
   * `keepGreedy: false`), so the result never scores below greedy: plain beam search can prune the
   * greedy path and end lower.
   */
  beam(images: tf.Tensor4D, opts: DecodeOptions & { beamSize?: number; keepGreedy?: boolean } = {}): Caption[] {
    const k = opts.beamSize ?? 4;
    if (!Number.isInteger(k) || k < 1) throw new TypeError(`captioner: beamSize must be a positive integer, got ${k}`);
    return this.#decodeWith(images, opts, (step, b, maxLength) => {
      const beams = beamSearch(step, b, this.config.hiddenDim, maxLength, k);
      if (opts.keepGreedy === false) return beams.map(toCaption);
      const greedy = greedySearch(step, b, this.config.hiddenDim, maxLength);
      return beams.map((h, i) => toCaption(h.logProb >= greedy[i]!.logProb ? h : greedy[i]!));
    });
  }

  /** Save as a `lfe-captioner` checkpoint with the vocabulary fingerprint. */
  save(dir: string, provenance: Provenance, dtype: WeightDtype = 'float32'): void {
    saveCheckpoint(dir, {
      architecture: {
        kind: CAPTIONER_KIND,
        config: { ...this.config, vocabularySize: VOCABULARY_SIZE, vocabularyFingerprint: VOCABULARY_FINGERPRINT, styles: CAPTION_STYLES.map((s) => `${s.mode}-${s.lang}`) },
      },
      tensors: this.params.toArrays(),
      provenance: { ...provenance, vocabularyFingerprint: VOCABULARY_FINGERPRINT },
      dtype,
    });
  }

  /** Load a captioner; refuses another kind, another vocabulary, or any damaged file. */
  static load(dir: string): Captioner {
    const { manifest, tensors } = loadCheckpoint(dir, { kind: CAPTIONER_KIND });
    const cfg = manifest.architecture.config;
    if (cfg['vocabularyFingerprint'] !== VOCABULARY_FINGERPRINT || cfg['vocabularySize'] !== VOCABULARY.length) {
      throw new CheckpointError(
        `vocabulary fingerprint ${String(cfg['vocabularyFingerprint'])} (${String(cfg['vocabularySize'])} tokens) differs from this build's ${VOCABULARY_FINGERPRINT} (${VOCABULARY.length} tokens): the captioner was trained on another vocabulary`,
        `${dir}/manifest.json`,
      );
    }
    let config: CaptionerConfig;
    try {
      config = validateCaptionerConfig(cfg as unknown as CaptionerConfig);
    } catch (e) {
      throw new CheckpointError((e as Error).message, `${dir}/manifest.json`);
    }
    const m = new Captioner(config);
    try {
      m.params.fromArrays(tensors);
    } catch (e) {
      m.dispose();
      throw new CheckpointError((e as Error).message, `${dir}/weights.bin`);
    }
    return m;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.params.dispose();
  }
}

function toCaption(h: { ids: number[]; logProb: number; ended: boolean }): Caption {
  return { tokens: decodeIds(h.ids), ids: [...h.ids], logProb: h.logProb, ended: h.ended };
}

