import * as tf from '@tensorflow/tfjs';
import { differingKey, restoreTrainerState, saveTrainerState, type TrainerStateParts } from '../util/trainer-state';
import { DEFAULT_ENCODER_CONFIG, Encoder, Generator, saveGenerator, toUint8 } from '@lfe/face-pipeline';
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
  /** Reconstruction loss mean|G(E(x)) − x| on the steps that ran it (config.recon), else null. */
  recon?: number | null;
  seconds: number;
}

// Purposes for stepSeed: one stream per random draw of a step.
const P = { zD: 1, zD2: 2, noiseD: 3, mixD: 4, zG: 5, zG2: 6, noiseG: 7, mixG: 8, r1dir: 9 } as const;

/** Which gradient a data-parallel step is exchanging. */
export type GradPhase = 'D' | 'R1' | 'G' | 'REC';

/**
 * Data-parallel training: this trainer is replica `index` of `count`. It computes its gradients on
 * the batch rows index, index+count, index+2·count, … (strided, so the discriminator's minibatch
 * std-dev groups are the same as in one process) and `exchange` returns the mean over replicas of
 * what each sent (gradients with a few statistics appended). Every replica then applies the same
 * mean, so all stay identical.
 */
export interface GanShard {
  index: number;
  count: number;
  exchange: (phase: GradPhase, flat: Float32Array) => Promise<Float32Array>;
}

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
  /**
   * Reconstruction-assisted training (config.recon.weight > 0): the encoder, its optimizer, and a
   * separate optimizer for the synthesis network's reconstruction updates (tfjs's Adam keeps its
   * moments by position in the variable list, so one optimizer cannot serve two different lists).
   */
  readonly E: Encoder | null;
  readonly optE: tf.AdamOptimizer | null;
  readonly optGRec: tf.AdamOptimizer | null;
  readonly shard: GanShard | null;
  #step = 0;
  #disposed = false;
  /** Batch rows of this replica (null: all of them). */
  readonly #rows: tf.Tensor1D | null;

  constructor(
    config: GanConfig,
    readonly source: ImageSource,
    shard: GanShard | null = null,
  ) {
    if (source.resolution !== config.generator.resolution) {
      throw new TypeError(`gan: data is ${source.resolution}px but the generator makes ${config.generator.resolution}px`);
    }
    this.shard = shard;
    if (shard !== null) {
      const per = config.batchSize / shard.count;
      if (!Number.isInteger(per) || !(shard.index >= 0 && shard.index < shard.count)) {
        throw new TypeError(`gan: batch ${config.batchSize} does not split into ${shard.count} replicas (replica ${shard.index})`);
      }
      const group = Math.min(config.discriminator.mbstdGroup, config.batchSize);
      if (per % group !== 0) throw new TypeError(`gan: ${per} images per replica is not a multiple of the mbstd group ${group}`);
    }
    this.#rows = shard === null ? null : tf.keep(tf.range(shard.index, config.batchSize, shard.count, 'int32') as tf.Tensor1D);
    this.config = config;
    this.G = new Generator(config.generator, config.seed);
    this.Gema = new Generator(config.generator, config.seed);
    this.Gema.params.copyFrom(this.G.params);
    this.D = new Discriminator({ ...config.discriminator, resolution: config.generator.resolution }, config.seed + 1);
    this.optG = tf.train.adam(config.lr, config.beta1, config.beta2, 1e-8);
    this.optD = tf.train.adam(config.lr, config.beta1, config.beta2, 1e-8);
    const g = config.generator;
    this.E = config.recon.weight > 0 ? new Encoder({ ...DEFAULT_ENCODER_CONFIG, resolution: g.resolution, wDim: g.wDim, numWs: this.G.numWs }, config.seed + 2) : null;
    this.optE = this.E === null ? null : tf.train.adam(config.lr, config.beta1, config.beta2, 1e-8);
    this.optGRec = this.E === null ? null : tf.train.adam(config.lr, config.beta1, config.beta2, 1e-8);
  }

  get step(): number {
    return this.#step;
  }

  /** W+ codes for a batch with style mixing (a random crossover layer, probability styleMixingProb). */
  #mixedWs(g: Generator, step: number, pz: number, pz2: number, pmix: number): tf.Tensor3D {
    const c = this.config;
    return tf.tidy(() => {
      const b = c.batchSize;
      const z = this.#mine(tf.randomNormal([b, c.generator.zDim], 0, 1, 'float32', stepSeed(c.seed, step, pz)) as tf.Tensor2D);
      const w = g.mapping(z);
      const n = g.numWs;
      const u = uniform(stepSeed(c.seed, step, pmix));
      if (u >= c.styleMixingProb) return tf.tile(tf.expandDims(w, 1), [1, n, 1]) as tf.Tensor3D;
      const cut = 1 + Math.floor(uniform(stepSeed(c.seed, step, pmix + 100)) * (n - 1));
      const z2 = this.#mine(tf.randomNormal([b, c.generator.zDim], 0, 1, 'float32', stepSeed(c.seed, step, pz2)) as tf.Tensor2D);
      const w2 = g.mapping(z2);
      return tf.concat([tf.tile(tf.expandDims(w, 1), [1, cut, 1]), tf.tile(tf.expandDims(w2, 1), [1, n - cut, 1])], 1) as tf.Tensor3D;
    });
  }

  /** This replica's rows of a full-batch tensor (the tensor itself in one process). */
  #mine<T extends tf.Tensor>(x: T): T {
    return this.#rows === null ? x : (tf.gather(x, this.#rows) as T);
  }

  /** A per-pixel noise seed for this replica (replicas draw different noise). */
  #noiseSeed(step: number, purpose: number): number {
    return stepSeed(this.config.seed, step, purpose + 1000 * (this.shard?.index ?? 0));
  }

  /**
   * Minimise `loss` over `vars`: in one process `opt.minimize`; data-parallel, compute the
   * gradients, average them (and `stats`, appended) across replicas, apply the mean. Returns the
   * loss (averaged across replicas) and the averaged stats.
   */
  async #minimize(groups: ReadonlyArray<{ opt: tf.AdamOptimizer; vars: tf.Variable[] }>, phase: GradPhase, loss: () => tf.Scalar, stats: () => tf.Tensor[]): Promise<number[]> {
    let kept: tf.Tensor[] = [];
    const f = (): tf.Scalar => {
      const l = loss();
      kept = stats().map((t) => tf.keep(t));
      return l;
    };
    if (this.shard === null && groups.length === 1) {
      const l = groups[0]!.opt.minimize(f, true, groups[0]!.vars)!;
      const out = [(await l.data())[0]!];
      for (const t of kept) out.push(...(await t.data()));
      tf.dispose([l, ...kept]);
      return out;
    }
    const vars = groups.flatMap((g) => g.vars);
    const { value, grads } = tf.variableGrads(f, vars);
    if (this.shard === null) {
      // Several optimizers, one process: each applies its own variables' gradients.
      for (const g of groups) g.opt.applyGradients(g.vars.map((v) => ({ name: v.name, tensor: grads[v.name]! })));
      const out = [(await value.data())[0]!];
      for (const t of kept) out.push(...(await t.data()));
      tf.dispose([value, ...Object.values(grads), ...kept]);
      return out;
    }
    const names = vars.map((v) => v.name);
    const parts: Float32Array[] = [];
    for (const n of names) parts.push((await grads[n]!.data()) as Float32Array);
    parts.push((await value.data()) as Float32Array);
    for (const t of kept) parts.push((await t.data()) as Float32Array);
    const sizes = parts.map((a) => a.length);
    const flat = new Float32Array(sizes.reduce((a, b) => a + b, 0));
    let off = 0;
    for (const a of parts) {
      flat.set(a, off);
      off += a.length;
    }
    tf.dispose([value, ...Object.values(grads), ...kept]);
    const sent = flat.length; // the exchange may transfer (detach) the buffer
    const mean = await this.shard.exchange(phase, flat);
    if (mean.length !== sent) throw new Error(`gan: ${phase} exchange returned ${mean.length} values, sent ${sent}`);
    off = 0;
    const applied = new Map<string, tf.Tensor>();
    names.forEach((name, i) => {
      applied.set(name, tf.tensor(mean.subarray(off, off + sizes[i]!), vars[i]!.shape));
      off += sizes[i]!;
    });
    for (const g of groups) g.opt.applyGradients(g.vars.map((v) => ({ name: v.name, tensor: applied.get(v.name)! })));
    tf.dispose([...applied.values()]);
    return Array.from(mean.subarray(off));
  }

  /** One D step and one G step (plus lazy R1 and the EMA update). */
  async trainStep(): Promise<StepStats> {
    const c = this.config;
    const s = this.#step;
    const t0 = performance.now();
    const realData = await this.source.batch(s, c.batchSize);
    const r = c.generator.resolution;
    const real = tf.tidy(() => this.#mine(tf.tensor4d(realData, [c.batchSize, r, r, 3])));
    const dVars = this.D.trainableVariables();
    const gVars = this.G.trainableVariables();
    let r1: number | null = null;
    try {
      // D step on a fake batch made without a tape.
      const fake = tf.tidy(() => this.G.synthesis(this.#mixedWs(this.G, s, P.zD, P.zD2, P.mixD), { noise: 'random', noiseSeed: this.#noiseSeed(s, P.noiseD) }));
      let sr: tf.Tensor1D | null = null;
      let sf: tf.Tensor1D | null = null;
      const [lossDv, realScore, fakeScore] = await this.#minimize(
        [{ opt: this.optD, vars: dVars }],
        'D',
        () => {
          sr = this.D.apply(real);
          sf = this.D.apply(fake);
          return discriminatorLoss(sr, sf);
        },
        () => [tf.mean(sr!), tf.mean(sf!)],
      );
      fake.dispose();

      if (c.r1Gamma > 0 && s % c.r1Interval === 0) {
        const dirs = tf.tidy(() => this.#mine(tf.randomNormal([c.batchSize, r, r, 3], 0, 1, 'float32', stepSeed(c.seed, s, P.r1dir)) as tf.Tensor4D));
        let pen: tf.Scalar | null = null;
        const [, penalty] = await this.#minimize(
          [{ opt: this.optD, vars: dVars }],
          'R1',
          () => {
            pen = r1FiniteDifference((x) => this.D.apply(x), real, dirs);
            return tf.mul(pen, (c.r1Gamma / 2) * c.r1Interval) as tf.Scalar;
          },
          () => [tf.clone(pen!)],
        );
        r1 = penalty ?? null;
        dirs.dispose();
      }

      // G step; the mean w is tracked from the same mapped codes (averaged over replicas).
      let ws: tf.Tensor3D | null = null;
      const [lossGv, ...wMean] = await this.#minimize(
        [{ opt: this.optG, vars: gVars }],
        'G',
        () => {
          ws = this.#mixedWs(this.G, s, P.zG, P.zG2, P.mixG);
          const img = this.G.synthesis(ws, { noise: 'random', noiseSeed: this.#noiseSeed(s, P.noiseG) });
          return generatorLoss(this.D.apply(img));
        },
        () => [tf.mean(tf.slice(ws!, [0, 0, 0], [-1, 1, -1]), [0, 1])],
      );
      tf.tidy(() => {
        const avg = this.G.params.get('mapping/w_avg');
        avg.assign(tf.add(avg, tf.mul(tf.sub(tf.tensor(wMean, avg.shape), avg), 1 - c.wAvgBeta)));
      });
      let recon: number | null = null;
      if (this.E !== null && this.optE !== null && this.optGRec !== null && s % c.recon.every === 0) {
        // E and the synthesis network (not the mapping) redraw the real batch from its code.
        const E = this.E;
        const wAvg = this.G.params.get('mapping/w_avg');
        // Noise inputs are off when redrawing, so their strengths get no gradient here.
        const synthVars = gVars.filter((v) => !v.name.includes('/mapping/') && !v.name.endsWith('noise_strength'));
        const [lossRec] = await this.#minimize(
          [
            { opt: this.optE, vars: E.trainableVariables() },
            { opt: this.optGRec, vars: synthVars },
          ],
          'REC',
          () => tf.mul(tf.mean(tf.abs(tf.sub(this.G.synthesis(E.encode(real, wAvg), { noise: 'none' }), real))), c.recon.weight) as tf.Scalar,
          () => [],
        );
        recon = lossRec! / c.recon.weight;
      }
      this.#updateEma();
      this.#step++;
      return { step: this.#step, lossD: lossDv!, lossG: lossGv!, r1, realScore: realScore!, fakeScore: fakeScore!, recon, seconds: (performance.now() - t0) / 1000 };
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

  /** `samples` as uint8 RGB [count, R, R, 3]. */
  sampleImages(count: number, seed = 12345, psi = 1): Promise<Uint8Array> {
    const imgs = this.samples(count, seed, psi);
    try {
      return Promise.resolve(toUint8(imgs));
    } finally {
      imgs.dispose();
    }
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
    const parts = { kind: GAN_STATE_KIND, params: { G: this.G.params, Gema: this.Gema.params, D: this.D.params }, optimizers: { optG: this.optG, optD: this.optD } };
    if (this.E === null || this.optE === null || this.optGRec === null) return parts;
    // A run may switch reconstruction on at a resume: a checkpoint without E starts E fresh.
    return {
      ...parts,
      params: { ...parts.params, E: this.E.params },
      optimizers: { ...parts.optimizers, optE: this.optE, optGRec: this.optGRec },
      optional: ['E', 'optE', 'optGRec'],
    };
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.G.dispose();
    this.Gema.dispose();
    this.D.dispose();
    this.optG.dispose();
    this.optD.dispose();
    this.E?.dispose();
    this.optE?.dispose();
    this.optGRec?.dispose();
    this.#rows?.dispose();
  }
}
