import * as tf from '@tensorflow/tfjs';
import { DEFAULT_ENCODER_CONFIG, Encoder, type Generator, type Provenance } from '@lfe/face-pipeline';
import { hashInts } from '@lfe/face-synth';
import type { ImageSource } from '../gan/image-source';
import { differingKey, restoreTrainerState, saveTrainerState, type TrainerStateParts } from '../util/trainer-state';
import { sampleLatents } from './latent-samples';

export const ENCODER_STATE_KIND = 'encoder-training-state';

/** Everything an encoder run depends on; saved with the run so `--resume` needs nothing else. */
export interface EncoderTrainConfig {
  /** Generator checkpoint folder the encoder inverts (frozen). */
  generator: string;
  model: { channels: number[]; convsPerStage: number; featureDim: number };
  /** Images for the pixel loss: face-synth renders (seed) or a folder of real photos (+ captions JSONL). */
  data: { kind: 'synthetic'; seed: number } | { kind: 'folder'; dir: string; index?: string };
  seed: number;
  batchSize: number;
  steps: number;
  /** Adam(lr, 0.9, 0.999), cosine decay to lr · finalLrFraction. */
  lr: number;
  finalLrFraction: number;
  /** Generated samples: ψ ∈ [psiMin, 1], style mixing probability. */
  psiMin: number;
  mixingProb: number;
  /** Loss = latentWeight · ‖E(G(w)) − w‖² (generated part) + pixelWeight · ‖G(E(x)) − x‖² (data part). */
  latentWeight: number;
  pixelWeight: number;
  /** Fraction of each batch taken from `data` (pixel loss through the frozen generator); the rest are G samples. */
  dataFraction: number;
  checkpointEvery: number;
}

export const DEFAULT_ENCODER_TRAIN_CONFIG: EncoderTrainConfig = {
  generator: 'models/default/generator',
  model: { channels: DEFAULT_ENCODER_CONFIG.channels, convsPerStage: DEFAULT_ENCODER_CONFIG.convsPerStage, featureDim: DEFAULT_ENCODER_CONFIG.featureDim },
  data: { kind: 'synthetic', seed: 401 },
  seed: 402,
  batchSize: 16,
  steps: 2000,
  lr: 1e-3,
  finalLrFraction: 0.05,
  psiMin: 0.5,
  mixingProb: 0.5,
  latentWeight: 1,
  pixelWeight: 1,
  dataFraction: 0.25,
  checkpointEvery: 100,
};

export function resolveEncoderTrainConfig(user: Partial<EncoderTrainConfig> = {}): EncoderTrainConfig {
  const known = new Set(Object.keys(DEFAULT_ENCODER_TRAIN_CONFIG));
  for (const k of Object.keys(user)) if (!known.has(k)) throw new TypeError(`encoder train config: unknown field "${k}"`);
  const c: EncoderTrainConfig = { ...DEFAULT_ENCODER_TRAIN_CONFIG, ...user };
  for (const k of ['batchSize', 'steps', 'checkpointEvery'] as const) if (!Number.isInteger(c[k]) || c[k] < 1) throw new TypeError(`encoder train config: ${k} must be a positive integer`);
  if (!(c.lr > 0)) throw new TypeError('encoder train config: lr must be > 0');
  for (const k of ['finalLrFraction', 'psiMin', 'mixingProb', 'dataFraction'] as const) if (!(c[k] >= 0 && c[k] <= 1)) throw new TypeError(`encoder train config: ${k} must be in [0, 1]`);
  for (const k of ['latentWeight', 'pixelWeight'] as const) if (!(c[k] >= 0)) throw new TypeError(`encoder train config: ${k} must be ≥ 0`);
  if (c.data.kind !== 'synthetic' && c.data.kind !== 'folder') throw new TypeError('encoder train config: data.kind must be "synthetic" or "folder"');
  return c;
}

export interface EncoderStepStats {
  step: number;
  loss: number;
  latent: number;
  pixel: number;
  lr: number;
  seconds: number;
}

export function encoderLearningRate(c: EncoderTrainConfig, step: number): number {
  const t = Math.min(1, step / c.steps);
  return c.lr * (c.finalLrFraction + (1 - c.finalLrFraction) * 0.5 * (1 + Math.cos(Math.PI * t)));
}

/**
 * Trains the inversion encoder against a frozen generator: generated samples (W+ known) teach it
 * the latent directly; images from the data source (renders or real photos, latent unknown) teach
 * it through the generator, by pixel reconstruction. Step s draws its samples from hash(seed, s)
 * and its images from `source.batch(s)`, so a resumed run replays exactly.
 */
export class EncoderTrainer {
  readonly config: EncoderTrainConfig;
  readonly encoder: Encoder;
  readonly opt: tf.AdamOptimizer;
  #step = 0;
  #disposed = false;

  constructor(
    config: EncoderTrainConfig,
    readonly generator: Generator,
    readonly source: ImageSource | null,
  ) {
    this.config = config;
    const g = generator.config;
    if (source !== null && source.resolution !== g.resolution) throw new TypeError(`encoder: data images are ${source.resolution}px, the generator makes ${g.resolution}px`);
    this.encoder = new Encoder({ resolution: g.resolution, ...config.model, wDim: g.wDim, numWs: generator.numWs }, config.seed);
    this.opt = tf.train.adam(config.lr, 0.9, 0.999);
  }

  get step(): number {
    return this.#step;
  }

  #split(): { nGen: number; nData: number } {
    const c = this.config;
    const nData = this.source === null || c.pixelWeight === 0 ? 0 : Math.round(c.batchSize * c.dataFraction);
    return { nGen: c.batchSize - nData, nData };
  }

  async trainStep(): Promise<EncoderStepStats> {
    const c = this.config;
    const s = this.#step;
    const t0 = performance.now();
    const { nGen, nData } = this.#split();
    const r = this.generator.config.resolution;
    const gen = nGen > 0 ? sampleLatents(this.generator, nGen, hashInts(c.seed, s) % 2 ** 30, c) : null;
    const data = nData > 0 ? tf.tensor4d(await this.source!.batch(s, nData), [nData, r, r, 3]) : null;
    const lr = encoderLearningRate(c, s);
    (this.opt as unknown as { learningRate: number }).learningRate = lr;
    const vars = this.encoder.trainableVariables();
    const wAvg = this.generator.params.get('mapping/w_avg');
    let latent = 0;
    let pixel = 0;
    const parts: tf.Scalar[] = [];
    const { value, grads } = tf.variableGrads(() => {
      let loss = tf.scalar(0);
      if (gen !== null && c.latentWeight > 0) {
        const l = tf.mean(tf.square(tf.sub(this.encoder.encode(gen.images, wAvg), gen.w))) as tf.Scalar;
        parts[0] = tf.keep(l.clone());
        loss = tf.add(loss, tf.mul(l, c.latentWeight));
      }
      if (data !== null) {
        const rec = this.generator.synthesis(this.encoder.encode(data, wAvg), { noise: 'const' });
        const l = tf.mean(tf.square(tf.sub(rec, data))) as tf.Scalar;
        parts[1] = tf.keep(l.clone());
        loss = tf.add(loss, tf.mul(l, c.pixelWeight));
      }
      return loss;
    }, vars);
    const named = vars.map((v) => ({ name: v.name, tensor: grads[v.name]! }));
    this.opt.applyGradients(named);
    const loss = (await value.data())[0]!;
    if (parts[0] !== undefined) latent = (await parts[0].data())[0]!;
    if (parts[1] !== undefined) pixel = (await parts[1].data())[0]!;
    tf.dispose([value, ...Object.values(grads), ...parts.filter((p) => p !== undefined), ...(gen === null ? [] : [gen.w, gen.images]), ...(data === null ? [] : [data])]);
    this.#step++;
    return { step: this.#step, loss, latent, pixel, lr, seconds: (performance.now() - t0) / 1000 };
  }

  async save(dir: string, provenance: Omit<Provenance, 'steps'>): Promise<void> {
    await saveTrainerState(dir, this.#parts(), { config: { ...this.config, encoder: this.encoder.config }, step: this.#step, provenance });
  }

  async restore(dir: string): Promise<void> {
    const current = { encoder: this.encoder.config };
    this.#step = (await restoreTrainerState(dir, this.#parts(), (saved) => differingKey(saved, current, ['encoder']))).step;
  }

  #parts(): TrainerStateParts {
    return { kind: ENCODER_STATE_KIND, params: { encoder: this.encoder.params }, optimizers: { opt: this.opt } };
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.encoder.dispose();
    this.opt.dispose();
  }
}
