import * as tf from '@tensorflow/tfjs';
import { Captioner, DEFAULT_CAPTIONER_CONFIG, padCaptionIds, validateCaptionerConfig, type CaptionerConfig, type Provenance } from '@lfe/face-pipeline';
import { differingKey, restoreTrainerState, saveTrainerState, type TrainerStateParts } from '../util/trainer-state';
import { captionBatch } from './caption-batch';

export const CAPTIONER_STATE_KIND = 'captioner-training-state';

/** Everything a captioner pre-training run depends on; saved with the state so `--resume` needs nothing else. */
export interface CaptionerTrainConfig {
  model: CaptionerConfig;
  /** Training faces: stream `seed`, step s reads faces [s·B, (s+1)·B). Also seeds the initial weights. */
  seed: number;
  /** Held-out streams (validation during training, final report); never trained on. */
  validationSeed: number;
  reportSeed: number;
  batchSize: number;
  steps: number;
  /** Adam(lr, 0.9, 0.999); linear warm-up, then cosine decay to lr · finalLrFraction. */
  lr: number;
  warmupSteps: number;
  finalLrFraction: number;
  /** Gradients are rescaled to at most this global norm (LSTMs occasionally spike). 0 = off. */
  clipNorm: number;
  /** μ of the method's μ·‖θ‖² (0 = off; the joint training sets its own). */
  l2: number;
  /** Caption mix of the training and held-out streams. */
  fullFraction: number;
  zhFraction: number;
  checkpointEvery: number;
  validateEvery: number;
  validateN: number;
  reportN: number;
  /**
   * A captioner checkpoint folder to start from (same model config; the optimiser starts fresh), or
   * null for random weights. Continuing a shipped captioner whose training state is gone.
   */
  init: string | null;
}

export const DEFAULT_CAPTIONER_TRAIN_CONFIG: CaptionerTrainConfig = {
  model: DEFAULT_CAPTIONER_CONFIG,
  seed: 301,
  validationSeed: 302,
  reportSeed: 303,
  batchSize: 32,
  steps: 2500,
  lr: 1e-3,
  warmupSteps: 100,
  finalLrFraction: 0.05,
  clipNorm: 5,
  l2: 0,
  fullFraction: 0.5,
  zhFraction: 0.5,
  checkpointEvery: 100,
  validateEvery: 500,
  validateN: 200,
  reportN: 500,
  init: null,
};

export function resolveCaptionerTrainConfig(user: Partial<CaptionerTrainConfig> = {}): CaptionerTrainConfig {
  const known = new Set(Object.keys(DEFAULT_CAPTIONER_TRAIN_CONFIG));
  for (const k of Object.keys(user)) if (!known.has(k)) throw new TypeError(`captioner train config: unknown field "${k}"`);
  const c: CaptionerTrainConfig = { ...DEFAULT_CAPTIONER_TRAIN_CONFIG, ...user };
  c.model = validateCaptionerConfig(c.model);
  for (const k of ['seed', 'validationSeed', 'reportSeed', 'batchSize', 'steps', 'warmupSteps', 'checkpointEvery', 'validateEvery', 'validateN', 'reportN'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 0) throw new TypeError(`captioner train config: ${k} must be a non-negative integer`);
  }
  if (c.batchSize < 1) throw new TypeError('captioner train config: batchSize must be ≥ 1');
  for (const k of ['lr', 'finalLrFraction', 'clipNorm', 'l2'] as const) {
    if (!Number.isFinite(c[k]) || c[k] < 0) throw new TypeError(`captioner train config: ${k} must be a non-negative number`);
  }
  for (const k of ['fullFraction', 'zhFraction'] as const) {
    if (!(c[k] >= 0 && c[k] <= 1)) throw new TypeError(`captioner train config: ${k} must be in [0, 1]`);
  }
  if (c.init !== null && (typeof c.init !== 'string' || c.init === '')) throw new TypeError('captioner train config: init must be a checkpoint folder or null');
  if (new Set([c.seed, c.validationSeed, c.reportSeed]).size !== 3) throw new TypeError('captioner train config: seed, validationSeed and reportSeed must differ (held-out sets)');
  return c;
}

export interface CaptionerStepStats {
  step: number;
  /** Mean −log p(caption | image) of the batch. */
  loss: number;
  /** Mean per-token NLL (loss / mean caption length incl. `<end>`). */
  tokenNll: number;
  gradNorm: number;
  lr: number;
  seconds: number;
}

/** Learning rate at a step: linear warm-up, then cosine decay. */
export function captionerLearningRate(c: CaptionerTrainConfig, step: number): number {
  if (step < c.warmupSteps) return (c.lr * (step + 1)) / c.warmupSteps;
  const t = Math.min(1, (step - c.warmupSteps) / Math.max(1, c.steps - c.warmupSteps));
  return c.lr * (c.finalLrFraction + (1 - c.finalLrFraction) * 0.5 * (1 + Math.cos(Math.PI * t)));
}

/**
 * Pre-trains a captioner on faces rendered on the fly with their true captions. Every step is a
 * pure function of (seed, step) and the state, so `restore` + more steps give the same weights as
 * an uninterrupted run.
 */
export class CaptionerTrainer {
  readonly config: CaptionerTrainConfig;
  readonly captioner: Captioner;
  readonly opt: tf.AdamOptimizer;
  #step = 0;
  #disposed = false;

  constructor(config: CaptionerTrainConfig) {
    this.config = resolveCaptionerTrainConfig(config);
    this.captioner = new Captioner(this.config.model, this.config.seed);
    if (this.config.init !== null) {
      let from: Captioner | null = null;
      try {
        from = Captioner.load(this.config.init);
        const a = JSON.stringify(validateCaptionerConfig(from.config));
        const b = JSON.stringify(this.config.model);
        if (a !== b) throw new TypeError(`captioner train config: init ${this.config.init} has model ${a}, the config asks for ${b}`);
        this.captioner.params.copyFrom(from.params);
      } catch (e) {
        this.captioner.dispose();
        throw e;
      } finally {
        from?.dispose();
      }
    }
    this.opt = tf.train.adam(this.config.lr, 0.9, 0.999, 1e-8);
  }

  get step(): number {
    return this.#step;
  }

  async trainStep(): Promise<CaptionerStepStats> {
    const c = this.config;
    const s = this.#step;
    const t0 = performance.now();
    const r = c.model.resolution;
    const batch = captionBatch(c.seed, s * c.batchSize, c.batchSize, r, c);
    const x = tf.tensor4d(batch.images, [c.batchSize, r, r, 3]);
    const ids = padCaptionIds(batch.ids);
    const lr = captionerLearningRate(c, s);
    (this.opt as unknown as { learningRate: number }).learningRate = lr;
    const vars = this.captioner.trainableVariables();
    try {
      const { value, grads } = tf.variableGrads(() => {
        const nll = this.captioner.loss(x, ids, batch.styles);
        return c.l2 > 0 ? tf.tidy(() => tf.add(nll, tf.mul(tf.addN(vars.map((v) => tf.sum(tf.square(v)))), c.l2)) as tf.Scalar) : nll;
      }, vars);
      const norm = tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))));
      const gradNorm = (await norm.data())[0]!;
      norm.dispose();
      const scale = c.clipNorm > 0 && gradNorm > c.clipNorm ? c.clipNorm / gradNorm : 1;
      // The variable order is fixed (ParamStore order): Adam's moments are matched by position.
      const named = vars.map((v) => ({ name: v.name, tensor: scale === 1 ? grads[v.name]! : tf.mul(grads[v.name]!, scale) }));
      this.opt.applyGradients(named);
      const loss = (await value.data())[0]!;
      tf.dispose([value, ...Object.values(grads), ...(scale === 1 ? [] : named.map((n) => n.tensor))]);
      this.#step++;
      const meanLen = batch.ids.reduce((n, row) => n + row.length, 0) / batch.ids.length;
      return { step: this.#step, loss, tokenNll: loss / meanLen, gradNorm, lr, seconds: (performance.now() - t0) / 1000 };
    } finally {
      tf.dispose([x, ids]);
    }
  }

  /** Save weights + Adam state (exact resume) to `dir` (a checkpoint folder). */
  async save(dir: string, provenance: Omit<Provenance, 'steps'>): Promise<void> {
    await saveTrainerState(dir, this.#parts(), { config: this.config, step: this.#step, provenance });
  }

  /** Restore a state saved by `save` into this freshly constructed trainer (same model config). */
  async restore(dir: string): Promise<void> {
    const config = this.config as unknown as Record<string, unknown>;
    this.#step = (await restoreTrainerState(dir, this.#parts(), (saved) => differingKey(saved, config, ['model']))).step;
  }

  #parts(): TrainerStateParts {
    return { kind: CAPTIONER_STATE_KIND, params: { captioner: this.captioner.params }, optimizers: { opt: this.opt } };
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.captioner.dispose();
    this.opt.dispose();
  }
}
