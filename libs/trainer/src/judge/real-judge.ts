import * as tf from '@tensorflow/tfjs';
import { ParamStore, loadCheckpoint } from '@lfe/face-pipeline';
import { convStackFeatures, validateJudgeConfig, type JudgeStage } from './judge';

export const REAL_JUDGE_KIND = 'lfe-real-judge';

export interface RealJudgeConfig {
  resolution: number;
  stages: JudgeStage[];
  featureDim: number;
  /** The label names it reads (CelebA's 40, in the attribute file's order). */
  attributes: string[];
  /** How the decision thresholds were picked on the validation split (see libs/trainer-torch). */
  thresholdRule: string;
  /** Logits are the mean of the face's and its mirror image's (test-time flip). */
  testTimeFlip: boolean;
}

/** What the real judge says about one face. */
export interface RealVerdict {
  /** Calibrated probability per attribute name. */
  probabilities: Record<string, number>;
  /** Decision per attribute name (probability ≥ the attribute's validation-picked threshold). */
  has: Record<string, boolean>;
}

/**
 * The real-face judge: the same CNN body as the synthetic judge (`convStackFeatures`), trained in
 * PyTorch on the train split of the real faces (`nx run trainer-torch:train-real-judge`), with 40
 * sigmoid outputs, a per-attribute logistic calibration and decision threshold fitted on the
 * validation split. It measures; no editing model ever trains with it (judge-isolation test).
 */
export class RealJudge {
  readonly config: RealJudgeConfig;
  readonly params = new ParamStore('real-judge');
  /** Per attribute: calibrated logit = scale · logit + bias; decision threshold on the probability. */
  readonly scale: Float32Array;
  readonly bias: Float32Array;
  readonly threshold: Float32Array;
  #disposed = false;

  private constructor(config: RealJudgeConfig, tensors: Map<string, { shape: number[]; values: Float32Array }>) {
    this.config = config;
    let ci = 3;
    config.stages.forEach((s, i) => {
      for (let j = 0; j < s.convs; j++) {
        this.params.add(`s${i}/conv${j}/w`, tf.zeros([3, 3, ci, s.channels]));
        this.params.add(`s${i}/conv${j}/b`, tf.zeros([s.channels]));
        ci = s.channels;
      }
    });
    const side = config.resolution / 2 ** config.stages.length;
    const k = config.attributes.length;
    this.params.add('fc/w', tf.zeros([side * side * ci, config.featureDim]));
    this.params.add('fc/b', tf.zeros([config.featureDim]));
    this.params.add('out/w', tf.zeros([config.featureDim, k]));
    this.params.add('out/b', tf.zeros([k]));
    this.params.fromArrays(tensors);
    const vec = (name: string): Float32Array => {
      const t = tensors.get(name);
      if (t === undefined || t.values.length !== k) throw new TypeError(`real judge: tensor "${name}" must have ${k} values`);
      return Float32Array.from(t.values);
    };
    this.scale = vec('calibration/scale');
    this.bias = vec('calibration/bias');
    this.threshold = vec('calibration/threshold');
  }

  /** Load `models/real/judge` (or any folder the PyTorch trainer wrote). Call `initRuntime()` first. */
  static load(dir: string): RealJudge {
    const { manifest, tensors } = loadCheckpoint(dir, { kind: REAL_JUDGE_KIND });
    const c = manifest.architecture.config;
    const body = validateJudgeConfig({ resolution: c['resolution'] as number, stages: c['stages'] as JudgeStage[], featureDim: c['featureDim'] as number });
    const attributes = c['attributes'];
    if (!Array.isArray(attributes) || attributes.length === 0 || !attributes.every((a) => typeof a === 'string')) {
      throw new TypeError(`${dir}: real judge config.attributes must be a non-empty list of names`);
    }
    return new RealJudge({ ...body, attributes: attributes as string[], thresholdRule: typeof c['thresholdRule'] === 'string' ? c['thresholdRule'] : 'accuracy', testTimeFlip: c['testTimeFlip'] === true }, tensors);
  }

  get attributes(): readonly string[] {
    return this.config.attributes;
  }

  #check(images: tf.Tensor): void {
    if (this.#disposed) throw new Error('real judge: used after dispose()');
    const r = this.config.resolution;
    const s = images.shape;
    if (s.length !== 4 || s[1] !== r || s[2] !== r || s[3] !== 3) throw new TypeError(`real judge: images must be [B,${r},${r},3] in [-1,1], got [${s.join(',')}]`);
  }

  /** Penultimate features [B, featureDim]: the space of FD-judge for real faces. Caller disposes. */
  features(images: tf.Tensor4D): tf.Tensor2D {
    this.#check(images);
    return convStackFeatures(this.params, this.config.stages, images);
  }

  /** Calibrated logits [B, attributes]. Caller disposes. */
  logits(images: tf.Tensor4D): tf.Tensor2D {
    this.#check(images);
    return tf.tidy(() => {
      const raw = (x: tf.Tensor4D): tf.Tensor => tf.add(tf.matMul(this.features(x), this.params.get('out/w') as tf.Tensor2D), this.params.get('out/b'));
      const z = this.config.testTimeFlip ? tf.mul(tf.add(raw(images), raw(tf.reverse(images, 2) as tf.Tensor4D)), 0.5) : raw(images);
      return tf.add(tf.mul(z, tf.tensor1d(this.scale)), tf.tensor1d(this.bias)) as tf.Tensor2D;
    });
  }

  /** Calibrated probabilities as rows of a Float32Array [B × attributes]. */
  probabilities(images: tf.Tensor4D): Float32Array {
    const z = this.logits(images);
    try {
      const p = z.dataSync() as Float32Array;
      const out = new Float32Array(p.length);
      for (let i = 0; i < p.length; i++) out[i] = 1 / (1 + Math.exp(-p[i]!));
      return out;
    } finally {
      z.dispose();
    }
  }

  /** One verdict per image. */
  judge(images: tf.Tensor4D): RealVerdict[] {
    const p = this.probabilities(images);
    const k = this.attributes.length;
    const verdicts: RealVerdict[] = [];
    for (let i = 0; i < images.shape[0]; i++) {
      const probabilities: Record<string, number> = {};
      const has: Record<string, boolean> = {};
      this.attributes.forEach((name, j) => {
        const v = p[i * k + j]!;
        probabilities[name] = v;
        has[name] = v >= this.threshold[j]!;
      });
      verdicts.push({ probabilities, has });
    }
    return verdicts;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.params.dispose();
  }
}
