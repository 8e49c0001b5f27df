import * as tf from '@tensorflow/tfjs';
import { differingKey, restoreTrainerState, saveTrainerState, type TrainerStateParts } from '../util/trainer-state';
import { Generator, saveGenerator } from '@lfe/face-pipeline';
import { stepSeed, uniform } from '../util/seeds';
import { Discriminator } from './discriminator';
import type { GanConfig } from './gan-config';
import type { ImageSource } from './image-source';
import { discriminatorLoss, generatorLoss, r1FiniteDifference } from './losses';

export const GAN_STATE_KIND = 'gan-training-state';

/** Provenance of a run; `steps` is filled in at save time. */
export interface RunProvenance {
  command: string;
  seed: number;
  dataManifestSha256: string | null;
  date: string;
  [extra: string]: unknown;
}

export interface StepStats {
  step: number;
  lossD: number;
  lossG: number;
  r1: number | null;
  realScore: number;
  fakeScore: number;
  seconds: number;
}

// Purposes for stepSeed: one stream per random draw of a step.
const P = { zD: 1, zD2: 2, noiseD: 3, mixD: 4, zG: 5, zG2: 6, noiseG: 7, mixG: 8, r1dir: 9 } as const;

/**
 * StyleGAN2-style training on our runtime: non-saturating logistic loss, lazy R1 (finite-difference
 * estimate, see losses.ts), style mixing, tracked mean w, EMA generator, Adam(0, 0.99). Every random
 * draw is seeded by (seed, step), so `resume` replays an interrupted run bit for bit.
 */
export class GanTrainer {
  readonly config: GanConfig;
  readonly G: Generator;
  readonly Gema: Generator;
  readonly D: Discriminator;
  readonly optG: tf.AdamOptimizer;
  readonly optD: tf.AdamOptimizer;
  #step = 0;
  #disposed = false;

  constructor(
    config: GanConfig,
    readonly source: ImageSource,
  ) {
    if (source.resolution !== config.generator.resolution) {
      throw new TypeError(`gan: data is ${source.resolution}px but the generator makes ${config.generator.resolution}px`);
    }
    this.config = config;
    this.G = new Generator(config.generator, config.seed);
    this.Gema = new Generator(config.generator, config.seed);
    this.Gema.params.copyFrom(this.G.params);
    this.D = new Discriminator({ ...config.discriminator, resolution: config.generator.resolution }, config.seed + 1);
    this.optG = tf.train.adam(config.lr, config.beta1, config.beta2, 1e-8);
    this.optD = tf.train.adam(config.lr, config.beta1, config.beta2, 1e-8);
  }

  get step(): number {
    return this.#step;
  }

  /** W+ codes for a batch with style mixing (a random crossover layer, probability styleMixingProb). */
  #mixedWs(g: Generator, step: number, pz: number, pz2: number, pmix: number): tf.Tensor3D {
    const c = this.config;
    return tf.tidy(() => {
      const b = c.batchSize;
      const z = tf.randomNormal([b, c.generator.zDim], 0, 1, 'float32', stepSeed(c.seed, step, pz)) as tf.Tensor2D;
      const w = g.mapping(z);
      const n = g.numWs;
      const u = uniform(stepSeed(c.seed, step, pmix));
      if (u >= c.styleMixingProb) return tf.tile(tf.expandDims(w, 1), [1, n, 1]) as tf.Tensor3D;
      const cut = 1 + Math.floor(uniform(stepSeed(c.seed, step, pmix + 100)) * (n - 1));
      const z2 = tf.randomNormal([b, c.generator.zDim], 0, 1, 'float32', stepSeed(c.seed, step, pz2)) as tf.Tensor2D;
      const w2 = g.mapping(z2);
      return tf.concat([tf.tile(tf.expandDims(w, 1), [1, cut, 1]), tf.tile(tf.expandDims(w2, 1), [1, n - cut, 1])], 1) as tf.Tensor3D;
    });
  }

  /** One D step and one G step (plus lazy R1 and the EMA update). */
  async trainStep(): Promise<StepStats> {
    const c = this.config;
    const s = this.#step;
    const t0 = performance.now();
    const realData = await this.source.batch(s, c.batchSize);
    const r = c.generator.resolution;
    const real = tf.tensor4d(realData, [c.batchSize, r, r, 3]);
    const dVars = this.D.trainableVariables();
    const gVars = this.G.trainableVariables();
    let realScore = 0;
    let fakeScore = 0;
    let r1: number | null = null;
    try {
      // D step on a fake batch made without a tape.
      const fake = tf.tidy(() => this.G.synthesis(this.#mixedWs(this.G, s, P.zD, P.zD2, P.mixD), { noise: 'random', noiseSeed: stepSeed(c.seed, s, P.noiseD) }));
      let realMean: tf.Scalar | null = null;
      let fakeMean: tf.Scalar | null = null;
      const lossD = this.optD.minimize(
        () => {
          const sr = this.D.apply(real);
          const sf = this.D.apply(fake);
          realMean = tf.keep(tf.mean(sr)) as tf.Scalar;
          fakeMean = tf.keep(tf.mean(sf)) as tf.Scalar;
          return discriminatorLoss(sr, sf);
        },
        true,
        dVars,
      )!;
      fake.dispose();
      const lossDv = (await lossD.data())[0]!;
      realScore = (await realMean!.data())[0]!;
      fakeScore = (await fakeMean!.data())[0]!;
      tf.dispose([lossD, realMean!, fakeMean!]);

      if (c.r1Gamma > 0 && s % c.r1Interval === 0) {
        const dirs = tf.randomNormal(real.shape, 0, 1, 'float32', stepSeed(c.seed, s, P.r1dir)) as tf.Tensor4D;
        let r1v: tf.Scalar | null = null;
        const regLoss = this.optD.minimize(
          () => {
            const pen = r1FiniteDifference((x) => this.D.apply(x), real, dirs);
            r1v = tf.keep(pen);
            return tf.mul(pen, (c.r1Gamma / 2) * c.r1Interval) as tf.Scalar;
          },
          true,
          dVars,
        )!;
        r1 = (await r1v!.data())[0]!;
        tf.dispose([regLoss, r1v!, dirs]);
      }

      // G step; the mean w is tracked from the same mapped codes.
      let wMean: tf.Tensor | null = null;
      const lossG = this.optG.minimize(
        () => {
          const ws = this.#mixedWs(this.G, s, P.zG, P.zG2, P.mixG);
          wMean = tf.keep(tf.mean(tf.slice(ws, [0, 0, 0], [-1, 1, -1]), [0, 1]));
          const img = this.G.synthesis(ws, { noise: 'random', noiseSeed: stepSeed(c.seed, s, P.noiseG) });
          return generatorLoss(this.D.apply(img));
        },
        true,
        gVars,
      )!;
      const lossGv = (await lossG.data())[0]!;
      lossG.dispose();
      tf.tidy(() => {
        const avg = this.G.params.get('mapping/w_avg');
        avg.assign(tf.add(avg, tf.mul(tf.sub(wMean!, avg), 1 - c.wAvgBeta)));
      });
      wMean!.dispose();
      this.#updateEma();
      this.#step++;
      return { step: this.#step, lossD: lossDv, lossG: lossGv, r1, realScore, fakeScore, seconds: (performance.now() - t0) / 1000 };
    } finally {
      real.dispose();
    }
  }

  #updateEma(): void {
    const c = this.config;
    const images = (this.#step + 1) * c.batchSize;
    const halfLife = c.emaRampup > 0 ? Math.min(c.emaHalfLifeImages, images * c.emaRampup) : c.emaHalfLifeImages;
    const beta = 0.5 ** (c.batchSize / Math.max(halfLife, 1e-8));
    tf.tidy(() => {
      for (const name of this.G.params.names()) {
        const src = this.G.params.get(name);
        const dst = this.Gema.params.get(name);
        dst.assign(src.trainable ? tf.add(src, tf.mul(tf.sub(dst, src), beta)) : src);
      }
    });
  }

  /** Fixed-z samples from the EMA generator (const noise) as uint8 RGB. */
  samples(count: number, seed = 12345, psi = 1): tf.Tensor4D {
    return tf.tidy(() => this.Gema.generate(tf.randomNormal([count, this.config.generator.zDim], 0, 1, 'float32', seed) as tf.Tensor2D, { noise: 'const', psi }));
  }

  /** Save the whole training state (G, G_ema, D, both Adam states) and the EMA generator alone. */
  async save(dir: string, provenance: RunProvenance): Promise<void> {
    await saveTrainerState(`${dir}/state`, this.#parts(), { config: this.config, step: this.#step, provenance });
    saveGenerator(`${dir}/generator`, this.Gema, { ...provenance, steps: this.#step });
  }

  /** Restore a state saved by `save` into this (freshly constructed, same-config) trainer. */
  async restore(dir: string): Promise<void> {
    const config = this.config as unknown as Record<string, unknown>;
    this.#step = (await restoreTrainerState(`${dir}/state`, this.#parts(), (saved) => differingKey(saved, config, ['generator']))).step;
  }

  #parts(): TrainerStateParts {
    return { kind: GAN_STATE_KIND, params: { G: this.G.params, Gema: this.Gema.params, D: this.D.params }, optimizers: { optG: this.optG, optD: this.optD } };
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.G.dispose();
    this.Gema.dispose();
    this.D.dispose();
    this.optG.dispose();
    this.optD.dispose();
  }
}
