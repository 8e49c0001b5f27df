import * as tf from '@tensorflow/tfjs';
import { VOCABULARY_SIZE } from '@lfe/edit-language';
import { Fusion, padCaptionIds, TextEncoder, type Captioner, type Encoder, type FusionMode, type Generator, type Provenance } from '@lfe/face-pipeline';
import { differingKey, restoreTrainerState, saveTrainerState, type TrainerStateParts } from '../util/trainer-state';
import { hashInts } from '@lfe/face-synth';
import { SyntheticPairSource, editAtomKey, editPair, renderPairs, type EditPair, type PairSource, type TargetCaption } from './edit-pairs';
import { loadAtomDirections } from './measured-atoms';
import { atomDirections, isAtomStream, pairOptions, targetPair, type EditTargets } from './edit-targets';

export const EDITOR_STATE_KIND = 'editor-training-state';

/** Everything a joint (text encoder + fusion) run depends on; saved with the run for `--resume`. */
export interface EditorTrainConfig {
  /** Frozen parts: generator, inversion encoder, grounded captioner (checkpoint folders). */
  generator: string;
  encoder: string;
  captioner: string;
  textEncoder: { alpha: number; hidden: number; codeDim: number };
  fusion: { mode: FusionMode; hidden: number };
  /** Training faces: face-synth stream `seed` (face k = sample(hashInts(seed, k))); with a photo folder, its shuffle seed. */
  seed: number;
  batchSize: number;
  /** The method's iteration budget (500) and its Adam schedule: lr, ×lrDecayFactor every lrDecayEvery. */
  steps: number;
  lr: number;
  lrDecayEvery: number;
  lrDecayFactor: number;
  /**
   * μ of the method's μ·‖θ‖² over the trained parameters (its "weight decay 0.0005"), on the weights
   * as the layers apply them (stored weights are unit-variance and scaled at use; `ParamStore.l2`).
   */
  weightDecay: number;
  /** Identity keeping: λ · mean‖w' − w‖² (0 = the method as published). */
  latentWeight: number;
  targetCaption: TargetCaption;
  zhFraction: number;
  maxEdits: number;
  /**
   * Early stop when the smoothed loss (EMA 0.9) stays within a relative band of this width for
   * `earlyStopPatience` iterations (the method's "L only fluctuates within a small band"). 0 = off.
   */
  earlyStopBand: number;
  earlyStopPatience: number;
  checkpointEvery: number;
  /**
   * Generator noise while training (and in the bundle): 'none' by default — the current generator's
   * last-layer noise adds per-pixel speckle the captioner has to read through (measured: mean
   * high-frequency energy 0.093 with its constant noise maps, 0.016 without).
   */
  noise: 'const' | 'none';
  /**
   * Distillation (null = the method's joint training alone): a folder written by
   * `trainer:make-edit-targets`. Batches are then its pairs (shuffled epochs), with the encoder
   * latents stored there, and the loss gains distillWeight · mean‖w' − (w + Δ*)‖².
   * A folder of atom directions (stream 'atoms') instead pairs its stored face latents with fresh
   * commands of this config's pair stream (seed), each taught w + Σ over its edits of the atom's
   * direction (caption term not available: nllWeight must be 0).
   */
  distill: string | null;
  /**
   * Atom distillation only: a folder of extra atom directions (`trainer:measured-atoms`: eye size and
   * hair length, which no caption of a real face states, from their measured values). They fill the
   * keys the targets lack; a key both have keeps the captioner-optimised direction.
   */
  measuredAtoms: string | null;
  distillWeight: number;
  /** Weight of the caption term −log p(target | G(w')); 0 skips the generator and captioner (distillation only, ~100× faster). */
  nllWeight: number;
}

export const DEFAULT_EDITOR_TRAIN_CONFIG: EditorTrainConfig = {
  generator: 'models/default/generator',
  encoder: 'models/default/editor/encoder',
  captioner: 'models/default/captioner',
  textEncoder: { alpha: 0.7, hidden: 128, codeDim: 64 },
  fusion: { mode: 'residual', hidden: 256 },
  seed: 501,
  batchSize: 8,
  steps: 500,
  lr: 1e-3,
  lrDecayEvery: 50,
  lrDecayFactor: 0.1,
  weightDecay: 5e-4,
  latentWeight: 0.1,
  targetCaption: 'requested',
  zhFraction: 0.5,
  maxEdits: 3,
  earlyStopBand: 0.005,
  earlyStopPatience: 30,
  checkpointEvery: 50,
  noise: 'none',
  distill: null,
  measuredAtoms: null,
  distillWeight: 1,
  nllWeight: 1,
};

export function resolveEditorTrainConfig(user: Partial<EditorTrainConfig> = {}): EditorTrainConfig {
  const known = new Set(Object.keys(DEFAULT_EDITOR_TRAIN_CONFIG));
  for (const k of Object.keys(user)) if (!known.has(k)) throw new TypeError(`editor train config: unknown field "${k}"`);
  const c: EditorTrainConfig = {
    ...DEFAULT_EDITOR_TRAIN_CONFIG,
    ...user,
    textEncoder: { ...DEFAULT_EDITOR_TRAIN_CONFIG.textEncoder, ...user.textEncoder },
    fusion: { ...DEFAULT_EDITOR_TRAIN_CONFIG.fusion, ...user.fusion },
  };
  for (const k of ['batchSize', 'steps', 'lrDecayEvery', 'maxEdits', 'earlyStopPatience', 'checkpointEvery'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new TypeError(`editor train config: ${k} must be a positive integer`);
  }
  if (!(c.lr > 0)) throw new TypeError('editor train config: lr must be > 0');
  for (const k of ['lrDecayFactor', 'zhFraction'] as const) if (!(c[k] >= 0 && c[k] <= 1)) throw new TypeError(`editor train config: ${k} must be in [0, 1]`);
  if (c.distill !== null && (typeof c.distill !== 'string' || c.distill === '')) throw new TypeError('editor train config: distill must be a targets folder or null');
  if (c.measuredAtoms !== null && (typeof c.measuredAtoms !== 'string' || c.measuredAtoms === '' || c.distill === null)) throw new TypeError('editor train config: measuredAtoms must be a folder, and needs atom distillation targets (distill)');
  if (c.distill === null && c.nllWeight === 0) throw new TypeError('editor train config: nllWeight 0 needs distill targets (nothing would be learned)');
  for (const k of ['weightDecay', 'latentWeight', 'earlyStopBand', 'distillWeight', 'nllWeight'] as const) if (!(c[k] >= 0)) throw new TypeError(`editor train config: ${k} must be ≥ 0`);
  if (c.noise !== 'const' && c.noise !== 'none') throw new TypeError('editor train config: noise must be "const" or "none"');
  if (c.targetCaption !== 'requested' && c.targetCaption !== 'full') throw new TypeError('editor train config: targetCaption must be "requested" or "full"');
  if (c.fusion.mode !== 'patent' && c.fusion.mode !== 'residual') throw new TypeError('editor train config: fusion.mode must be "patent" or "residual"');
  return c;
}

export interface EditorStepStats {
  step: number;
  loss: number;
  /** −log p(target caption | G(fuse(w, f))) per caption. */
  nll: number;
  /** mean ‖w' − w‖² per coordinate. */
  latentShift: number;
  /** Distillation: mean ‖w' − (w + Δ*)‖² per coordinate (NaN without targets). */
  distill: number;
  lr: number;
  seconds: number;
}

export function editorLearningRate(c: EditorTrainConfig, step: number): number {
  return c.lr * c.lrDecayFactor ** Math.floor(step / c.lrDecayEvery);
}

/** A permutation of 0…n−1, pure in `seed` (Fisher–Yates on a small LCG). */
function permutation(n: number, seed: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = Math.floor((s / 2 ** 32) * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

/** Right-padded int32 [B,T] of token id rows (0 = pad). */
function padIds(rows: readonly (readonly number[])[]): tf.Tensor2D {
  const t = Math.max(1, ...rows.map((r) => r.length));
  const out = new Int32Array(rows.length * t);
  rows.forEach((r, i) => r.forEach((id, j) => (out[i * t + j] = id)));
  return tf.tensor2d(out, [rows.length, t], 'int32');
}

/**
 * The method's joint training with the generator frozen: f = TextEncoder(command), w' = fuse(w, f),
 * I = G(w'), loss = −log p(target caption | I) + λ·‖w' − w‖² + μ·‖θ‖². w comes from inverting a
 * rendered face with the (frozen) encoder, so every pair has ground-truth source attributes. The
 * captioner was grounded on renders first and stays frozen, so it cannot drift into a private code
 * with the text encoder; only the text encoder and the fusion learn.
 */
export class EditorTrainer {
  readonly config: EditorTrainConfig;
  readonly textEncoder: TextEncoder;
  readonly fusion: Fusion;
  readonly opt: tf.AdamOptimizer;
  readonly source: PairSource;
  #step = 0;
  #disposed = false;
  #ema: number | null = null;
  #band: number[] = [];
  /** The current epoch's row order (distillation), made once per epoch. */
  #epochOrder: { epoch: number; order: number[] } | null = null;
  /** Atom distillation: one direction per atom key (mean of its groups' shared offsets). */
  readonly #atoms: Map<string, Float32Array> | null = null;

  constructor(
    config: EditorTrainConfig,
    readonly generator: Generator,
    readonly encoder: Encoder,
    readonly captioner: Captioner,
    source?: PairSource,
    readonly targets?: EditTargets,
  ) {
    this.config = config;
    if ((config.distill !== null) !== (targets !== undefined)) throw new TypeError('editor: config.distill and the loaded targets must come together');
    if (targets !== undefined && (targets.numWs !== generator.numWs || targets.wDim !== generator.config.wDim)) throw new TypeError(`editor: edit targets are W+ [${targets.numWs},${targets.wDim}], the generator's is [${generator.numWs},${generator.config.wDim}]`);
    if (targets !== undefined && isAtomStream(targets.manifest.config.stream)) {
      if (config.nllWeight !== 0) throw new TypeError('editor: atom distillation pairs stored faces with new commands; it has no caption term (nllWeight must be 0)');
      this.#atoms = atomDirections(targets);
      if (config.measuredAtoms !== null) {
        for (const [k, d] of loadAtomDirections(config.measuredAtoms, { numWs: targets.numWs, wDim: targets.wDim })) if (!this.#atoms.has(k)) this.#atoms.set(k, d);
      }
    } else if (config.measuredAtoms !== null) {
      throw new TypeError('editor: measuredAtoms adds atom directions; it needs atom distillation targets');
    }
    this.source = source ?? new SyntheticPairSource(generator.config.resolution, config.seed, config);
    if (this.source.resolution !== generator.config.resolution) throw new TypeError(`editor: training images are ${this.source.resolution}px, the generator makes ${generator.config.resolution}px`);
    if (captioner.config.resolution !== generator.config.resolution) throw new TypeError(`editor: the captioner reads ${captioner.config.resolution}px, the generator makes ${generator.config.resolution}px`);
    this.textEncoder = new TextEncoder({ vocabSize: VOCABULARY_SIZE, ...config.textEncoder }, config.seed);
    this.fusion = new Fusion({ mode: config.fusion.mode, hidden: config.fusion.hidden, wDim: generator.config.wDim, codeDim: config.textEncoder.codeDim, numWs: generator.numWs }, config.seed);
    this.opt = tf.train.adam(config.lr, 0.9, 0.999);
  }

  get step(): number {
    return this.#step;
  }

  /** The atom keys an atom distillation teaches (captioner-optimised and measured), sorted; [] otherwise. */
  atomKeys(): string[] {
    return this.#atoms === null ? [] : [...this.#atoms.keys()].sort();
  }

  /** True once the smoothed loss has stayed within the band for the patience window. */
  converged(): boolean {
    const c = this.config;
    if (c.earlyStopBand === 0 || this.#band.length < c.earlyStopPatience) return false;
    const lo = Math.min(...this.#band);
    const hi = Math.max(...this.#band);
    return (hi - lo) / Math.max(1e-9, Math.abs(hi)) < c.earlyStopBand;
  }

  /**
   * The loss terms on given pairs without training (held-out monitoring, tests): their faces are
   * rendered, or `images` ([B,R,R,3] in [-1, 1], e.g. real faces) when given.
   */
  evaluate(pairs: readonly EditPair[], images?: Float32Array): { nll: number; latentShift: number } {
    const r = this.generator.config.resolution;
    if (images !== undefined && images.length !== pairs.length * r * r * 3) throw new TypeError(`editor: ${pairs.length} held-out pairs need ${pairs.length}×${r}×${r}×3 image values, got ${images.length}`);
    return tf.tidy(() => {
      const x = tf.tensor4d(images ?? renderPairs(pairs, r), [pairs.length, r, r, 3]);
      const w = this.encoder.encode(x, this.generator.params.get('mapping/w_avg'));
      const wp = this.fusion.fuse(w, this.textEncoder.encode(padIds(pairs.map((p) => p.commandIds))), 1);
      const nll = this.captioner.loss(this.generator.synthesis(wp, { noise: this.config.noise }), padCaptionIds(pairs.map((p) => p.captionIds)), pairs.map((p) => p.style));
      return { nll: nll.dataSync()[0]!, latentShift: tf.mean(tf.square(tf.sub(wp, w))).dataSync()[0]! };
    });
  }

  /** Rows of the targets for a step: a fresh permutation per epoch, pure in (seed, epoch). */
  distillRows(step: number): number[] {
    const t = this.targets!;
    const bs = this.config.batchSize;
    const rows: number[] = [];
    for (let j = step * bs; j < (step + 1) * bs; j++) {
      const epoch = Math.floor(j / t.count);
      if (this.#epochOrder?.epoch !== epoch) this.#epochOrder = { epoch, order: permutation(t.count, hashInts(this.config.seed, epoch, 0xd157)) };
      rows.push(this.#epochOrder.order[j % t.count]!);
    }
    return rows;
  }

  async #batch(): Promise<{ w: tf.Tensor3D; pairs: EditPair[]; teacher: tf.Tensor3D | null }> {
    const t = this.targets;
    if (t === undefined) {
      const r = this.generator.config.resolution;
      const { images, pairs } = await this.source.batch(this.#step, this.config.batchSize);
      const x = tf.tensor4d(images, [pairs.length, r, r, 3]);
      const w = this.encoder.encode(x, this.generator.params.get('mapping/w_avg'));
      x.dispose();
      return { w, pairs, teacher: null };
    }
    const rows = this.distillRows(this.#step);
    const per = t.numWs * t.wDim;
    const w = new Float32Array(rows.length * per);
    const target = new Float32Array(rows.length * per);
    let pairs: EditPair[];
    if (this.#atoms !== null) {
      // Fresh commands of the editor's stream, said to the stored faces; pairs whose edits include
      // an atom without a direction are skipped (the next index of the stream is used).
      const opts = { ...pairOptions(t.manifest.config), targetCaption: this.config.targetCaption };
      pairs = [];
      let j = this.#step * rows.length * 4;
      for (const row of rows) {
        let p = editPair(this.config.seed, j++, opts);
        for (let tries = 0; !p.edits.every((e) => this.#atoms!.has(editAtomKey(e))) && tries < 100; tries++) p = editPair(this.config.seed, j++, opts);
        const i = pairs.length;
        w.set(t.w.subarray(row * per, (row + 1) * per), i * per);
        target.set(t.w.subarray(row * per, (row + 1) * per), i * per);
        for (const e of p.edits) {
          const d = this.#atoms.get(editAtomKey(e));
          if (d !== undefined) for (let q = 0; q < per; q++) target[i * per + q]! += d[q]!;
        }
        pairs.push(p);
      }
    } else {
      rows.forEach((row, i) => {
        w.set(t.w.subarray(row * per, (row + 1) * per), i * per);
        for (let j = 0; j < per; j++) target[i * per + j] = t.w[row * per + j]! + t.delta[row * per + j]!;
      });
      pairs = rows.map((row) => targetPair(t.manifest.config, t.index[row]!, this.config.targetCaption));
    }
    const shape: [number, number, number] = [rows.length, t.numWs, t.wDim];
    return { w: tf.tensor3d(w, shape), pairs, teacher: tf.tensor3d(target, shape) };
  }

  async trainStep(): Promise<EditorStepStats> {
    const c = this.config;
    const t0 = performance.now();
    const { w, pairs, teacher } = await this.#batch();
    const ids = padIds(pairs.map((p) => p.commandIds));
    const target = padCaptionIds(pairs.map((p) => p.captionIds));
    const styles = pairs.map((p) => p.style);
    const lr = editorLearningRate(c, this.#step);
    (this.opt as unknown as { learningRate: number }).learningRate = lr;
    const vars = [...this.textEncoder.trainableVariables(), ...this.fusion.trainableVariables()];
    const kept: tf.Tensor[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const f = this.textEncoder.encode(ids);
      const wp = this.fusion.fuse(w, f, 1);
      const shift = tf.mean(tf.square(tf.sub(wp, w))) as tf.Scalar;
      let loss = tf.mul(shift, c.latentWeight) as tf.Scalar;
      if (c.nllWeight > 0) {
        const nll = this.captioner.loss(this.generator.synthesis(wp, { noise: c.noise }), target, styles);
        kept.push(tf.keep(nll.clone()));
        loss = tf.add(loss, tf.mul(nll, c.nllWeight)) as tf.Scalar;
      } else kept.push(tf.keep(tf.scalar(NaN)));
      kept.push(tf.keep(shift.clone()));
      if (teacher !== null) {
        const d = tf.mean(tf.square(tf.sub(wp, teacher))) as tf.Scalar;
        kept.push(tf.keep(d.clone()));
        loss = tf.add(loss, tf.mul(d, c.distillWeight)) as tf.Scalar;
      } else kept.push(tf.keep(tf.scalar(NaN)));
      if (c.weightDecay > 0) loss = tf.add(loss, tf.mul(tf.add(this.textEncoder.params.l2(), this.fusion.params.l2()), c.weightDecay));
      return loss;
    }, vars);
    this.opt.applyGradients(vars.map((v) => ({ name: v.name, tensor: grads[v.name]! })));
    const loss = (await value.data())[0]!;
    const [nll, latentShift, distill] = await Promise.all(kept.map(async (k) => (await k.data())[0]!));
    tf.dispose([value, ...Object.values(grads), ...kept, w, ids, target, ...(teacher === null ? [] : [teacher])]);
    this.#step++;
    this.#ema = this.#ema === null ? loss : 0.9 * this.#ema + 0.1 * loss;
    this.#band.push(this.#ema);
    if (this.#band.length > c.earlyStopPatience) this.#band.shift();
    return { step: this.#step, loss, nll: nll!, latentShift: latentShift!, distill: distill!, lr, seconds: (performance.now() - t0) / 1000 };
  }

  async save(dir: string, provenance: Omit<Provenance, 'steps'>): Promise<void> {
    const extra = new Map([['loop/ema', { shape: [this.#band.length], values: Float32Array.from(this.#band) }]]);
    await saveTrainerState(dir, this.#parts(), { config: this.config, step: this.#step, provenance, extra });
  }

  async restore(dir: string): Promise<void> {
    const config = this.config as unknown as Record<string, unknown>;
    const { step, tensors } = await restoreTrainerState(dir, this.#parts(), (saved) => differingKey(saved, config, ['textEncoder', 'fusion']));
    this.#step = step;
    const band = tensors.get('loop/ema');
    this.#band = band === undefined ? [] : Array.from(band.values);
    this.#ema = this.#band.length > 0 ? this.#band[this.#band.length - 1]! : null;
  }

  #parts(): TrainerStateParts {
    return { kind: EDITOR_STATE_KIND, params: { text: this.textEncoder.params, fusion: this.fusion.params }, optimizers: { opt: this.opt } };
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.textEncoder.dispose();
    this.fusion.dispose();
    this.opt.dispose();
  }
}
