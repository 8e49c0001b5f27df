import * as tf from '@tensorflow/tfjs';
import {
  EDITABLE_ATTRIBUTES,
  SCHEMA_VERSION,
  levelOf,
  type EditableAttributeName,
  type FaceAttributes,
  type IdentityTraitName,
  type IdentityTraits,
} from '@lfe/edit-language';
import { ParamStore, loadCheckpoint, saveCheckpoint, type Provenance, type WeightDtype } from '@lfe/face-pipeline';
import { HEAD_LAYOUT, type HeadSpec } from './heads';

export const JUDGE_KIND = 'lfe-judge';

export interface JudgeStage {
  /** Output channels of every conv of the stage. */
  channels: number;
  /** 3×3 convs at this resolution before the 2× average-pool downsample. */
  convs: number;
}

export interface JudgeConfig {
  /** Input size (square). Each stage halves it. */
  resolution: number;
  stages: JudgeStage[];
  /** Width of the penultimate (feature) layer. */
  featureDim: number;
}

/**
 * ~0.83 M parameters, ~90 MFLOP per 64×64 image forward (a training step at batch 32 ≈ 8.6 GFLOP).
 * Stage 0 keeps full resolution for one conv so 2-pixel details (irises, earrings) survive the
 * first pool; the flattened 4×4 map keeps where things are (head offset, roll) for the dense layer.
 */
export const DEFAULT_JUDGE_CONFIG: JudgeConfig = {
  resolution: 64,
  stages: [
    { channels: 24, convs: 1 },
    { channels: 48, convs: 1 },
    { channels: 64, convs: 2 },
    { channels: 128, convs: 2 },
  ],
  featureDim: 256,
};

/** What the judge says about one image, in the schema's value conventions. */
export interface JudgeVerdict {
  /** Binary/categorical: the most probable level index; ordinal: the regressed value in [0, 1]. */
  attributes: FaceAttributes;
  /** Categorical: the most probable level index; continuous: the regressed value in [0, 1]. */
  identity: IdentityTraits;
  /** Level index of every editable attribute (`levelOf` of the value for ordinal ones). */
  levels: Record<EditableAttributeName, number>;
  /** Probability of the chosen level, for softmax heads (attributes and categorical traits). */
  confidence: Partial<Record<EditableAttributeName | IdentityTraitName, number>>;
}

export function validateJudgeConfig(c: JudgeConfig): JudgeConfig {
  if (!Number.isInteger(c.resolution) || c.resolution < 16) throw new TypeError('judge config: resolution must be an integer ≥ 16');
  if (!Array.isArray(c.stages) || c.stages.length === 0) throw new TypeError('judge config: stages must be a non-empty array');
  if (c.resolution % 2 ** c.stages.length !== 0) throw new TypeError(`judge config: resolution ${c.resolution} is not divisible by 2^${c.stages.length} (one pool per stage)`);
  c.stages.forEach((s, i) => {
    if (!Number.isInteger(s.channels) || s.channels < 1) throw new TypeError(`judge config: stages[${i}].channels must be a positive integer`);
    if (!Number.isInteger(s.convs) || s.convs < 1) throw new TypeError(`judge config: stages[${i}].convs must be a positive integer`);
  });
  if (!Number.isInteger(c.featureDim) || c.featureDim < 1) throw new TypeError('judge config: featureDim must be a positive integer');
  return { resolution: c.resolution, stages: c.stages.map((s) => ({ channels: s.channels, convs: s.convs })), featureDim: c.featureDim };
}

/** 2×2 average pooling as a half-pixel bilinear resize to half size: the same values as avgPool, with a cheaper gradient on wasm. */
function pool2x(x: tf.Tensor4D): tf.Tensor4D {
  return tf.image.resizeBilinear(x, [x.shape[1] / 2, x.shape[2] / 2], false, true);
}

/**
 * The judges' network body: per stage, `convs` × (3×3 conv + bias + LeakyReLU 0.2), then a 2× average
 * pool; flatten (NHWC) → dense `fc` → LeakyReLU 0.2. Parameters `s{i}/conv{j}/{w,b}`, `fc/{w,b}`.
 * Shared by the synthetic-world judge and the real-face judge (trained in PyTorch, same graph).
 */
export function convStackFeatures(p: ParamStore, stages: readonly JudgeStage[], images: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => {
    let x: tf.Tensor4D = images;
    stages.forEach((s, i) => {
      for (let j = 0; j < s.convs; j++) {
        x = tf.leakyRelu(tf.add(tf.conv2d(x, p.get(`s${i}/conv${j}/w`) as tf.Tensor4D, 1, 'same'), p.get(`s${i}/conv${j}/b`)), 0.2) as tf.Tensor4D;
      }
      x = pool2x(x);
    });
    const flat = tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
    return tf.leakyRelu(tf.add(tf.matMul(flat, p.get('fc/w') as tf.Tensor2D), p.get('fc/b')), 0.2) as tf.Tensor2D;
  });
}

/**
 * The judge: a plain CNN (3×3 conv + LeakyReLU stages, 2× average pooling between them, no strided
 * convs) → dense feature layer → one output group per schema entry (see heads.ts). It measures
 * generated faces against the schema; no editing model is ever trained with it (a test enforces that).
 *
 * Weights are ordinary He-initialised tensors (not equalized-lr): a classifier trained with Adam at
 * 1e-3 converges much faster that way.
 */
export class Judge {
  readonly config: JudgeConfig;
  readonly params = new ParamStore('judge');
  readonly layout = HEAD_LAYOUT;
  #disposed = false;

  constructor(config: JudgeConfig = DEFAULT_JUDGE_CONFIG, seed = 1) {
    this.config = validateJudgeConfig(config);
    let k = (seed * 7919 + 11) >>> 0;
    const he = (shape: number[], fanIn: number): tf.Tensor => tf.randomNormal(shape, 0, Math.sqrt(2 / (1.04 * fanIn)), 'float32', k++);
    let ci = 3;
    this.config.stages.forEach((s, i) => {
      for (let j = 0; j < s.convs; j++) {
        this.params.add(`s${i}/conv${j}/w`, he([3, 3, ci, s.channels], 9 * ci));
        this.params.add(`s${i}/conv${j}/b`, tf.zeros([s.channels]));
        ci = s.channels;
      }
    });
    const side = this.config.resolution / 2 ** this.config.stages.length;
    const flat = side * side * ci;
    this.params.add('fc/w', he([flat, this.config.featureDim], flat));
    this.params.add('fc/b', tf.zeros([this.config.featureDim]));
    this.params.add('out/w', tf.randomNormal([this.config.featureDim, this.layout.outputWidth], 0, Math.sqrt(1 / this.config.featureDim), 'float32', k++));
    this.params.add('out/b', tf.zeros([this.layout.outputWidth]));
  }

  #check(images: tf.Tensor): void {
    if (this.#disposed) throw new Error('judge: used after dispose()');
    const r = this.config.resolution;
    const s = images.shape;
    if (s.length !== 4 || s[1] !== r || s[2] !== r || s[3] !== 3) {
      throw new TypeError(`judge: images must be [B,${r},${r},3] in [-1,1], got [${s.join(',')}]`);
    }
  }

  /** Penultimate layer [B, featureDim] (after LeakyReLU): the space for Fréchet distances. Caller disposes. */
  features(images: tf.Tensor4D): tf.Tensor2D {
    this.#check(images);
    return convStackFeatures(this.params, this.config.stages, images);
  }

  /** Raw output row [B, outputWidth]: softmax logits, then pre-sigmoid values and (cos, sin) pairs. Caller disposes. */
  outputs(images: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => this.head(this.features(images)));
  }

  /** The output layer on given features. */
  head(features: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.add(tf.matMul(features, this.params.get('out/w') as tf.Tensor2D), this.params.get('out/b')));
  }

  /** Judge a batch of images [B,R,R,3] in [-1,1]: one verdict per image. */
  judge(images: tf.Tensor4D): JudgeVerdict[] {
    const out = this.outputs(images);
    try {
      return decodeOutputs(out.dataSync() as Float32Array, out.shape[0], this.layout.outputWidth, this.layout.heads);
    } finally {
      out.dispose();
    }
  }

  trainableVariables(): tf.Variable[] {
    return this.params.trainable();
  }

  /** Write the judge as a checkpoint folder (manifest.json + weights.bin). */
  save(dir: string, provenance: Provenance, dtype: WeightDtype = 'float32'): void {
    saveCheckpoint(dir, {
      architecture: { kind: JUDGE_KIND, config: { ...this.config, schemaVersion: SCHEMA_VERSION, heads: this.layout.signature } },
      tensors: this.params.toArrays(),
      provenance,
      dtype,
    });
  }

  /** Load a judge saved by `save` (or shipped in models/judge). Call `initRuntime()` first. */
  static load(dir: string): Judge {
    const { manifest, tensors } = loadCheckpoint(dir, { kind: JUDGE_KIND, config: { schemaVersion: SCHEMA_VERSION, heads: HEAD_LAYOUT.signature } });
    const c = manifest.architecture.config;
    const judge = new Judge(validateJudgeConfig({ resolution: c['resolution'] as number, stages: c['stages'] as JudgeStage[], featureDim: c['featureDim'] as number }));
    try {
      judge.params.fromArrays(tensors);
    } catch (e) {
      judge.dispose();
      throw e;
    }
    return judge;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.params.dispose();
  }
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Read output rows into verdicts (schema value conventions). */
export function decodeOutputs(data: Float32Array, rows: number, width: number, heads: readonly HeadSpec[]): JudgeVerdict[] {
  const verdicts: JudgeVerdict[] = [];
  for (let i = 0; i < rows; i++) {
    const row = data.subarray(i * width, (i + 1) * width);
    const attributes = {} as FaceAttributes;
    const identity = {} as IdentityTraits;
    const confidence: JudgeVerdict['confidence'] = {};
    for (const h of heads) {
      let v: number;
      if (h.kind === 'softmax') {
        let best = 0;
        let max = -Infinity;
        for (let j = 0; j < h.width; j++) {
          const z = row[h.offset + j]!;
          if (z > max) {
            max = z;
            best = j;
          }
        }
        let sum = 0;
        for (let j = 0; j < h.width; j++) sum += Math.exp(row[h.offset + j]! - max);
        confidence[h.name] = 1 / sum;
        v = best;
      } else if (h.kind === 'sigmoid') {
        v = sigmoid(row[h.offset]!);
      } else {
        const turns = Math.atan2(row[h.offset + 1]!, row[h.offset]!) / (2 * Math.PI);
        v = turns < 0 ? turns + 1 : turns;
      }
      if (h.group === 'attribute') attributes[h.name as EditableAttributeName] = v;
      else identity[h.name as IdentityTraitName] = v;
    }
    const levels = {} as Record<EditableAttributeName, number>;
    for (const a of EDITABLE_ATTRIBUTES) levels[a.name] = levelOf(a.name, attributes[a.name]);
    verdicts.push({ attributes, identity, levels, confidence });
  }
  return verdicts;
}
