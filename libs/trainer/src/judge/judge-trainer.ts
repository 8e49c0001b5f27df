import * as tf from '@tensorflow/tfjs';
import type { Provenance } from '@lfe/face-pipeline';
import { differingKey, restoreTrainerState, saveTrainerState, type TrainerStateParts } from '../util/trainer-state';
import { eyeHeadReadable, renderFaces } from './face-batch';
import { encodeTargets, type HeadLayout } from './heads';
import type { FaceDescription } from '@lfe/edit-language';
import { DEFAULT_JUDGE_CONFIG, Judge, validateJudgeConfig, type JudgeConfig } from './judge';

export const JUDGE_STATE_KIND = 'judge-training-state';

/** Everything a judge run depends on; saved with the state so `--resume` needs nothing else. */
export interface JudgeTrainConfig {
  model: JudgeConfig;
  /** Training faces: stream `seed`, step s reads faces [s·B, (s+1)·B). Also seeds the initial weights. */
  seed: number;
  /** Held-out streams: validation during training, and the final report. Never trained on. */
  validationSeed: number;
  reportSeed: number;
  batchSize: number;
  steps: number;
  /** Adam(lr, 0.9, 0.999); linear warm-up, then cosine decay to lr · finalLrFraction. */
  lr: number;
  warmupSteps: number;
  finalLrFraction: number;
  /** Weight of the regression MSE (values in [0,1]) against the summed cross-entropies. */
  regressionWeight: number;
  checkpointEvery: number;
  validateEvery: number;
  validateN: number;
  reportN: number;
  /** Share of training faces rendered mid-blink (face-batch.ts); 0 = eyes always open. */
  blinkFraction: number;
  /** Start from this judge's weights (a folder such as models/judge) instead of a random init: fine-tuning. */
  init: string | null;
  /** sha256 of the init judge's weights, pinned when the run starts (runJudge), so provenance names them even after the folder changes. */
  initWeightsSha256: string | null;
}

export const DEFAULT_JUDGE_TRAIN_CONFIG: JudgeTrainConfig = {
  model: DEFAULT_JUDGE_CONFIG,
  seed: 101,
  validationSeed: 102,
  reportSeed: 103,
  batchSize: 32,
  steps: 3000,
  lr: 1e-3,
  warmupSteps: 100,
  finalLrFraction: 0.02,
  regressionWeight: 10,
  checkpointEvery: 200,
  validateEvery: 500,
  validateN: 500,
  reportN: 2000,
  blinkFraction: 0,
  init: null,
  initWeightsSha256: null,
};


export function resolveJudgeTrainConfig(user: Partial<JudgeTrainConfig> = {}): JudgeTrainConfig {
  const known = new Set(Object.keys(DEFAULT_JUDGE_TRAIN_CONFIG));
  for (const k of Object.keys(user)) if (!known.has(k)) throw new TypeError(`judge train config: unknown field "${k}"`);
  const c: JudgeTrainConfig = { ...DEFAULT_JUDGE_TRAIN_CONFIG, ...user };
  c.model = validateJudgeConfig(c.model);
  for (const k of ['seed', 'validationSeed', 'reportSeed', 'batchSize', 'steps', 'warmupSteps', 'checkpointEvery', 'validateEvery', 'validateN', 'reportN'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 0) throw new TypeError(`judge train config: ${k} must be a non-negative integer`);
  }
  if (c.batchSize < 1) throw new TypeError('judge train config: batchSize must be ≥ 1');
  for (const k of ['lr', 'finalLrFraction', 'regressionWeight'] as const) {
    if (!Number.isFinite(c[k]) || c[k] < 0) throw new TypeError(`judge train config: ${k} must be a non-negative number`);
  }
  if (!(c.blinkFraction >= 0 && c.blinkFraction <= 1)) throw new TypeError('judge train config: blinkFraction must be in [0, 1]');
  if (c.init !== null && (typeof c.init !== 'string' || c.init === '')) throw new TypeError('judge train config: init must be a judge folder or null');
  if (c.initWeightsSha256 !== null && !/^[0-9a-f]{64}$/.test(String(c.initWeightsSha256))) throw new TypeError('judge train config: initWeightsSha256 must be a sha256 or null');
  const seeds = new Set([c.seed, c.validationSeed, c.reportSeed]);
  if (seeds.size !== 3) throw new TypeError('judge train config: seed, validationSeed and reportSeed must differ (held-out sets)');
  return c;
}

export interface JudgeStepStats {
  step: number;
  loss: number;
  crossEntropy: number;
  regression: number;
  lr: number;
  seconds: number;
}

/** One replica's share of a data-parallel step (JudgeTrainer.gradients). */
export interface JudgeGradients {
  flat: Float32Array;
  loss: number;
  crossEntropy: number;
  regression: number;
  lr: number;
}

/**
 * Training targets of a batch: `encodeTargets`, with the one-hot rows of the heads a face's eyes
 * hide (eye size and colour below half open) left all zero, so those heads get no loss on it.
 */
export function judgeTargets(faces: readonly FaceDescription[], eyeOpen: readonly number[], layout: HeadLayout): { onehot: Float32Array; regression: Float32Array } {
  const t = encodeTargets(faces, layout);
  eyeOpen.forEach((open, i) => {
    for (const h of layout.heads) {
      if (h.kind === 'softmax' && !eyeHeadReadable(h.name, open)) t.onehot.fill(0, i * layout.softmaxWidth + h.targetOffset, i * layout.softmaxWidth + h.targetOffset + h.width);
    }
  });
  return t;
}

/** Learning rate at a step: linear warm-up, then cosine decay. */
export function learningRateAt(c: JudgeTrainConfig, step: number): number {
  if (step < c.warmupSteps) return (c.lr * (step + 1)) / c.warmupSteps;
  const t = Math.min(1, (step - c.warmupSteps) / Math.max(1, c.steps - c.warmupSteps));
  return c.lr * (c.finalLrFraction + (1 - c.finalLrFraction) * 0.5 * (1 + Math.cos(Math.PI * t)));
}

/** Per-head cross-entropy summed over heads + weighted MSE of the regressions, mean over the batch. */
export function judgeLoss(judge: Judge, outputs: tf.Tensor2D, onehot: tf.Tensor2D, regression: tf.Tensor2D, regressionWeight: number): { total: tf.Scalar; ce: tf.Scalar; reg: tf.Scalar } {
  return tf.tidy(() => {
    const L = judge.layout;
    const b = outputs.shape[0];
    const logSoft = L.heads
      .filter((h) => h.kind === 'softmax')
      .sort((a, c) => a.offset - c.offset)
      .map((h) => tf.logSoftmax(tf.slice(outputs, [0, h.offset], [b, h.width])));
    const ce = tf.div(tf.neg(tf.sum(tf.mul(tf.concat(logSoft, 1), onehot))), b) as tf.Scalar;
    const raw = tf.slice(outputs, [0, L.softmaxWidth], [b, L.regressionWidth]);
    // Sigmoid heads are squashed; circular pairs are compared raw against (cos, sin).
    const cols = L.heads.filter((h) => h.kind !== 'softmax').sort((a, c) => a.offset - c.offset);
    const parts = cols.map((h) => {
      const z = tf.slice(raw, [0, h.offset - L.softmaxWidth], [b, h.width]);
      return h.kind === 'sigmoid' ? tf.sigmoid(z) : z;
    });
    const pred = tf.concat(parts, 1);
    const reg = tf.div(tf.sum(tf.square(tf.sub(pred, regression))), b) as tf.Scalar;
    const total = tf.add(ce, tf.mul(reg, regressionWeight)) as tf.Scalar;
    return { total, ce, reg };
  });
}

/**
 * Trains a judge on faces rendered on the fly. Every step is a pure function of (seed, step):
 * `restore` + more steps give the same weights as an uninterrupted run.
 */
export class JudgeTrainer {
  readonly config: JudgeTrainConfig;
  readonly judge: Judge;
  readonly opt: tf.AdamOptimizer;
  #step = 0;
  #disposed = false;

  constructor(config: JudgeTrainConfig) {
    this.config = resolveJudgeTrainConfig(config);
    this.judge = new Judge(this.config.model, this.config.seed);
    if (this.config.init !== null) {
      let from: Judge | null = null;
      try {
        from = Judge.load(this.config.init);
        const a = JSON.stringify(validateJudgeConfig(from.config));
        const b = JSON.stringify(this.config.model);
        if (a !== b) throw new TypeError(`judge train config: init ${this.config.init} has model ${a}, the config asks for ${b}`);
        this.judge.params.copyFrom(from.params);
      } catch (e) {
        this.judge.dispose();
        throw e;
      } finally {
        from?.dispose();
      }
    }
    this.opt = tf.train.adam(this.config.lr, 0.9, 0.999, 1e-8);
  }

  /** Rows [start, start + n) of step s's batch: images and targets, eye heads masked on closed eyes. */
  #batch(s: number, start: number, n: number): { x: tf.Tensor4D; onehot: tf.Tensor2D; reg: tf.Tensor2D } {
    const c = this.config;
    const r = c.model.resolution;
    const L = this.judge.layout;
    const { images, faces, eyeOpen } = renderFaces(c.seed, s * c.batchSize + start, n, r, { blinkFraction: c.blinkFraction });
    const t = judgeTargets(faces, eyeOpen, L);
    return {
      x: tf.tensor4d(images, [n, r, r, 3]),
      onehot: tf.tensor2d(t.onehot, [n, L.softmaxWidth]),
      reg: tf.tensor2d(t.regression, [n, L.regressionWidth]),
    };
  }

  get step(): number {
    return this.#step;
  }

  async trainStep(): Promise<JudgeStepStats> {
    const c = this.config;
    const s = this.#step;
    const t0 = performance.now();
    const { x, onehot, reg } = this.#batch(s, 0, c.batchSize);
    const lr = learningRateAt(c, s);
    (this.opt as unknown as { learningRate: number }).learningRate = lr;
    let ce: tf.Scalar | null = null;
    let rg: tf.Scalar | null = null;
    try {
      const loss = this.opt.minimize(
        () => {
          const l = judgeLoss(this.judge, this.judge.outputs(x), onehot, reg, c.regressionWeight);
          ce = tf.keep(l.ce);
          rg = tf.keep(l.reg);
          return l.total;
        },
        true,
        this.judge.trainableVariables(),
      )!;
      const [lv, cv, rv] = await Promise.all([loss.data(), ce!.data(), rg!.data()]);
      loss.dispose();
      this.#step++;
      return { step: this.#step, loss: lv[0]!, crossEntropy: cv[0]!, regression: rv[0]!, lr, seconds: (performance.now() - t0) / 1000 };
    } finally {
      tf.dispose([x, onehot, reg]);
      if (ce !== null) (ce as tf.Scalar).dispose();
      if (rg !== null) (rg as tf.Scalar).dispose();
    }
  }

  /**
   * Data-parallel half of a step (parallel-judge.ts): rows [start, start + n) of step s's batch,
   * their loss terms and the gradients of their mean loss, flattened in `trainableVariables` order.
   * Replicas with equal row counts average these to the whole batch's gradients.
   */
  gradients(s: number, start: number, n: number): JudgeGradients {
    const c = this.config;
    if (!Number.isInteger(start) || !Number.isInteger(n) || start < 0 || n < 1 || start + n > c.batchSize) throw new RangeError(`judge gradients: rows [${start}, ${start + n}) are not in a batch of ${c.batchSize}`);
    const { x, onehot, reg } = this.#batch(s, start, n);
    const vars = this.judge.trainableVariables();
    let ce: tf.Scalar | null = null;
    let rg: tf.Scalar | null = null;
    let grads: tf.NamedTensorMap = {};
    let value: tf.Scalar | null = null;
    try {
      ({ value, grads } = tf.variableGrads(() => {
        const l = judgeLoss(this.judge, this.judge.outputs(x), onehot, reg, c.regressionWeight);
        ce = tf.keep(l.ce);
        rg = tf.keep(l.reg);
        return l.total;
      }, vars));
      const flat = new Float32Array(vars.reduce((a, v) => a + v.size, 0));
      let o = 0;
      for (const v of vars) {
        const g = grads[v.name];
        if (g === undefined) throw new Error(`judge gradients: no gradient for ${v.name}`);
        flat.set(g.dataSync(), o);
        o += v.size;
      }
      return { flat, loss: value.dataSync()[0]!, crossEntropy: (ce as unknown as tf.Scalar).dataSync()[0]!, regression: (rg as unknown as tf.Scalar).dataSync()[0]!, lr: learningRateAt(c, s) };
    } finally {
      tf.dispose([x, onehot, reg, ...Object.values(grads)]);
      if (value !== null) (value as tf.Scalar).dispose();
      if (ce !== null) (ce as tf.Scalar).dispose();
      if (rg !== null) (rg as tf.Scalar).dispose();
    }
  }

  /** Apply gradients flattened as `gradients` gives them as step s's Adam update (s must be the next step). */
  applyGradients(s: number, flat: Float32Array): void {
    if (s !== this.#step) throw new RangeError(`judge applyGradients: step ${s}, the trainer is at ${this.#step}`);
    const vars = this.judge.trainableVariables();
    const size = vars.reduce((a, v) => a + v.size, 0);
    if (flat.length !== size) throw new RangeError(`judge applyGradients: ${flat.length} numbers for ${size} parameters`);
    (this.opt as unknown as { learningRate: number }).learningRate = learningRateAt(this.config, s);
    let o = 0;
    const named = vars.map((v) => {
      const tensor = tf.tensor(flat.subarray(o, o + v.size), v.shape, 'float32');
      o += v.size;
      return { name: v.name, tensor };
    });
    try {
      this.opt.applyGradients(named);
    } finally {
      tf.dispose(named.map((g) => g.tensor));
    }
    this.#step++;
  }

  /** Sum of every parameter (float64, position-weighted): data-parallel replicas must agree exactly. */
  checksum(): number {
    let sum = 0;
    for (const v of this.judge.trainableVariables()) {
      const d = v.dataSync();
      for (let i = 0; i < d.length; i++) sum += d[i]! * (1 + (i % 7) * 1e-3);
    }
    return sum;
  }

  /** Save weights + Adam state (exact resume) to `dir` (a checkpoint folder). */
  async save(dir: string, provenance: Omit<Provenance, 'steps'>): Promise<void> {
    await saveTrainerState(dir, this.#parts(), { config: this.config, step: this.#step, provenance });
  }

  /** Restore a state saved by `save` into this freshly constructed trainer (same config). */
  async restore(dir: string): Promise<void> {
    const config = this.config as unknown as Record<string, unknown>;
    this.#step = (await restoreTrainerState(dir, this.#parts(), (saved) => differingKey(saved, config, ['model']))).step;
  }

  #parts(): TrainerStateParts {
    return { kind: JUDGE_STATE_KIND, params: { judge: this.judge.params }, optimizers: { opt: this.opt } };
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.judge.dispose();
    this.opt.dispose();
  }
}
