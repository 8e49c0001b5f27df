import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CheckpointError, loadCheckpoint, optimiseLatentOffset, padCaptionIds, saveCheckpoint, type Captioner, type Encoder, type Generator, type Provenance } from '@lfe/face-pipeline';
import type { RealFaceDataset } from '@lfe/realface';
import { atomFor, atomPair, editAtomKey, editAtoms, renderPairs, sharedCommandPair, type EditPair, type EditPairOptions, type TargetCaption } from './edit-pairs';
import type { Discriminator } from '../gan/discriminator';
import { REAL_ATOM_ALIASES, realAtomPair, realAtoms, realFaceImages } from './real-pairs';

export const EDIT_TARGETS_KIND = 'lfe-edit-targets';

/**
 * Teacher latents for the editor: for edit pair k of a stream (face k rendered and inverted by the
 * encoder, a random command), the offset Δ* that makes the frozen grounded captioner read the target
 * caption from G(w + Δ*), found by a few Adam steps on Δ alone. No judge, no labels beyond the
 * render's own attributes: the same signal as the method's joint training, spent per face instead of
 * through the fusion. The fusion then learns E[Δ* | w, command] by regression (`distill` in
 * EditorTrainConfig), which averages away what is specific to one face (measured: the mean Δ* of
 * "add glasses" over 32 faces puts glasses on 91 % of 32 other faces; docs/editor-report.md).
 */
export interface EditTargetConfig {
  generator: string;
  encoder: string;
  captioner: string;
  /** Pair stream: pair k = editPair(seed, k, …) (the joint training's stream by default). */
  seed: number;
  zhFraction: number;
  maxEdits: number;
  /** Pairs per shard folder (the resume unit). */
  shardSize: number;
  batchSize: number;
  /** Adam steps on Δ per batch, and their learning rate. */
  steps: number;
  lr: number;
  /** λ of λ·mean(c_l·Δ²), with c_l = coarseWeight on the first coarseLayers W+ rows (4–8 px: face shape, pose) and 1 elsewhere. */
  latentWeight: number;
  coarseWeight: number;
  coarseLayers: number;
  noise: 'const' | 'none';
  /**
   * 1: one offset per pair (per face). G > 1: consecutive groups of G pairs share one command
   * (sharedCommandPair) and one offset, optimised for all G faces at once — the teacher's
   * face-specific noise averages out inside the optimisation instead of in the student's
   * regression, which shrinks it. Needs batchSize = G and shardSize a multiple of G.
   */
  shareGroup: number;
  /**
   * 'pairs': the joint training's commands (1…maxEdits edits each). 'atoms': group g says the g-th
   * single edit of `editAtoms` (atomPair) — with shareGroup > 1, one teacher direction per atom,
   * which the 'atoms' distillation sums for any command. 'real-atoms': the same on real train faces
   * (the real-face data set, inverted by the encoder), one group per atom of `realAtoms()` (the
   * edits a real face's caption can state), faces drawn among those the edit changes (`realAtomPair`).
   */
  stream: EditTargetStream;
  /**
   * What the captioner must read from G(w + Δ): 'requested' (the requested attributes at their new
   * levels; the method's) or 'full' (a full description of the edited face, so every unrequested
   * attribute is asked to stay).
   */
  targetCaption: TargetCaption;
  /**
   * A GAN training state whose discriminator is the realism critic ('' = none): with
   * `realismWeight` > 0 the objective adds realismWeight · mean(relu(D(G(w)) − D(G(w + Δ)))), so
   * an offset may not make the face look less like the training faces (to the GAN's own critic)
   * than its reconstruction does. Without it the captioner is satisfied by colour casts (green
   * "glasses", orange "blond") that the critic scores far below the reconstruction.
   */
  discriminator: string;
  realismWeight: number;
}

export type EditTargetStream = 'pairs' | 'atoms' | 'real-atoms';

/** Whether a targets stream holds one shared direction per atom (distilled as sums of directions). */
export function isAtomStream(stream: EditTargetStream): boolean {
  return stream === 'atoms' || stream === 'real-atoms';
}

export const DEFAULT_EDIT_TARGET_CONFIG: EditTargetConfig = {
  generator: 'models/default/generator',
  encoder: 'models/default/editor/encoder',
  captioner: 'models/default/captioner',
  seed: 501,
  zhFraction: 0.5,
  maxEdits: 3,
  shardSize: 64,
  batchSize: 16,
  steps: 40,
  lr: 0.05,
  latentWeight: 10,
  coarseWeight: 10,
  coarseLayers: 4,
  noise: 'none',
  shareGroup: 1,
  stream: 'pairs',
  targetCaption: 'requested',
  discriminator: '',
  realismWeight: 0,
};

export function resolveEditTargetConfig(user: Partial<EditTargetConfig> = {}): EditTargetConfig {
  const known = new Set(Object.keys(DEFAULT_EDIT_TARGET_CONFIG));
  for (const k of Object.keys(user)) if (!known.has(k)) throw new TypeError(`edit-targets config: unknown field "${k}"`);
  const c = { ...DEFAULT_EDIT_TARGET_CONFIG, ...user };
  for (const k of ['shardSize', 'batchSize', 'steps', 'maxEdits'] as const) if (!Number.isInteger(c[k]) || c[k] < 1) throw new TypeError(`edit-targets config: ${k} must be a positive integer`);
  if (!Number.isInteger(c.shareGroup) || c.shareGroup < 1) throw new TypeError('edit-targets config: shareGroup must be a positive integer');
  if (c.shareGroup > 1 && (c.batchSize !== c.shareGroup || c.shardSize % c.shareGroup !== 0)) throw new TypeError('edit-targets config: shareGroup > 1 needs batchSize = shareGroup and shardSize a multiple of it');
  if (c.targetCaption !== 'requested' && c.targetCaption !== 'full') throw new TypeError('edit-targets config: targetCaption must be "requested" or "full"');
  if (c.stream !== 'pairs' && c.stream !== 'atoms' && c.stream !== 'real-atoms') throw new TypeError('edit-targets config: stream must be "pairs", "atoms" or "real-atoms"');
  if (c.stream === 'real-atoms' && c.targetCaption !== 'requested') throw new TypeError('edit-targets config: real-atoms targets state the requested attribute only (targetCaption "requested"): a real face\'s other attributes are known only as far as its labels go');
  if (!Number.isInteger(c.coarseLayers) || c.coarseLayers < 0) throw new TypeError('edit-targets config: coarseLayers must be an integer ≥ 0');
  if (!Number.isInteger(c.seed)) throw new TypeError('edit-targets config: seed must be an integer');
  if (!(c.lr > 0)) throw new TypeError('edit-targets config: lr must be > 0');
  for (const k of ['latentWeight', 'coarseWeight'] as const) if (!(c[k] >= 0)) throw new TypeError(`edit-targets config: ${k} must be ≥ 0`);
  if (!(c.zhFraction >= 0 && c.zhFraction <= 1)) throw new TypeError('edit-targets config: zhFraction must be in [0, 1]');
  if (c.noise !== 'const' && c.noise !== 'none') throw new TypeError('edit-targets config: noise must be "const" or "none"');
  if (!(c.realismWeight >= 0)) throw new TypeError('edit-targets config: realismWeight must be ≥ 0');
  if (typeof c.discriminator !== 'string') throw new TypeError('edit-targets config: discriminator must be a folder path or ""');
  if (c.realismWeight > 0 && c.discriminator === '') throw new TypeError('edit-targets config: realismWeight > 0 needs a discriminator (a GAN training state folder, e.g. training/gan-real/state)');
  return c;
}

export function pairOptions(c: Pick<EditTargetConfig, 'zhFraction' | 'maxEdits'>): EditPairOptions {
  return { zhFraction: c.zhFraction, maxEdits: c.maxEdits, targetCaption: 'requested' };
}

/** Pair k of a targets stream (per-face pairs, or command groups when shareGroup > 1). */
export function targetPair(c: Pick<EditTargetConfig, 'seed' | 'zhFraction' | 'maxEdits' | 'shareGroup' | 'stream'>, k: number, targetCaption: TargetCaption = 'requested'): EditPair {
  const opts = { ...pairOptions(c), targetCaption };
  if (c.stream === 'real-atoms') throw new TypeError('targetPair: real-atoms pairs need the real-face data set (realAtomPair)');
  if (c.stream === 'atoms') return atomPair(c.seed, k, c.shareGroup, editAtoms(c.seed, opts), opts);
  return sharedCommandPair(c.seed, k, c.shareGroup, opts);
}

export type OffsetOptimiseConfig = Pick<EditTargetConfig, 'steps' | 'lr' | 'latentWeight' | 'coarseWeight' | 'coarseLayers' | 'noise'> & {
  /** One offset [1,numWs,wDim] for the whole batch instead of one per row. */
  shared?: boolean;
};

/**
 * Δ* for a batch: the offset that makes the captioner read each pair's target caption, i.e.
 * `optimiseLatentOffset` with −log p(caption | image). Returns the caption loss before and after.
 */
export function optimiseEditOffsets(
  generator: Generator,
  captioner: Captioner,
  w: tf.Tensor3D,
  pairs: ReadonlyArray<Pick<EditPair, 'captionIds' | 'style'>>,
  c: OffsetOptimiseConfig,
  realism?: { discriminator: Discriminator; weight: number },
): { delta: tf.Tensor3D; nllBefore: number; nllAfter: number; realismDrop: number } {
  const ids = padCaptionIds(pairs.map((p) => p.captionIds));
  const styles = pairs.map((p) => p.style);
  const D = realism !== undefined && realism.weight > 0 ? realism.discriminator : undefined;
  // The critic's score of each reconstruction: the bar an edited face may not fall under.
  const bar = D === undefined ? null : tf.tidy(() => D.apply(generator.synthesis(w, { noise: c.noise })));
  try {
    const caption = (img: tf.Tensor4D): tf.Scalar => captioner.loss(img, ids, styles);
    const objective = bar === null ? caption : (img: tf.Tensor4D): tf.Scalar => tf.add(caption(img), tf.mul(realism!.weight, tf.mean(tf.relu(tf.sub(bar, D!.apply(img)))))) as tf.Scalar;
    const r = optimiseLatentOffset(generator, w, objective, c);
    if (bar === null) return { delta: r.delta, nllBefore: r.before, nllAfter: r.after, realismDrop: 0 };
    // Report the caption loss and the critic's drop apart (the objective sums them).
    const [nll, drop] = tf.tidy(() => {
      const img = generator.synthesis(tf.add(w, r.delta) as tf.Tensor3D, { noise: c.noise });
      return [caption(img).dataSync()[0]!, tf.mean(tf.sub(bar, D!.apply(img))).dataSync()[0]!];
    });
    return { delta: r.delta, nllBefore: r.before, nllAfter: nll!, realismDrop: drop! };
  } finally {
    ids.dispose();
    bar?.dispose();
  }
}

/** The arrays end to end in one new array. */
function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, v) => n + v.length, 0));
  let o = 0;
  for (const v of parts) {
    out.set(v, o);
    o += v.length;
  }
  return out;
}

function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

export function shardName(i: number): string {
  return `shard-${String(i).padStart(4, '0')}`;
}

/** One shard: pairs [start, start + n) of the stream, each with its encoder latent w and teacher offset Δ*. */
export function makeEditTargetShard(
  dir: string,
  shard: number,
  c: EditTargetConfig,
  parts: { generator: Generator; encoder: Encoder; captioner: Captioner; realFaces?: RealFaceDataset; discriminator?: Discriminator },
  provenance: { command: string; dataManifestSha256: string | null; date: string; [extra: string]: unknown },
): { nllBefore: number; nllAfter: number; shift: number; realismDrop: number } {
  const { generator: g, encoder, captioner } = parts;
  const r = g.config.resolution;
  const start = shard * c.shardSize;
  const ws: Float32Array[] = [];
  const deltas: Float32Array[] = [];
  let before = 0;
  let after = 0;
  let shift = 0;
  let drop = 0;
  if (c.realismWeight > 0 && parts.discriminator === undefined) throw new TypeError('edit targets: realismWeight > 0 needs parts.discriminator');
  const realism = c.realismWeight > 0 ? { discriminator: parts.discriminator!, weight: c.realismWeight } : undefined;
  const real = c.stream === 'real-atoms' ? realSource(parts.realFaces, r) : null;
  for (let b = 0; b < c.shardSize; b += c.batchSize) {
    const n = Math.min(c.batchSize, c.shardSize - b);
    let pairs: EditPair[];
    let images: Float32Array;
    if (real !== null) {
      const drawn = Array.from({ length: n }, (_, i) => realAtomPair(real.set, real.rows, c.seed, start + b + i, c.shareGroup, real.atoms, pairOptions(c)));
      pairs = drawn.map((d) => d.pair);
      images = realFaceImages(real.set, drawn.map((d) => d.row));
    } else {
      pairs = Array.from({ length: n }, (_, i) => targetPair(c, start + b + i, c.targetCaption));
      images = renderPairs(pairs, r);
    }
    const x = tf.tensor4d(images, [n, r, r, 3]);
    const w = encoder.encode(x, g.params.get('mapping/w_avg'));
    const res = optimiseEditOffsets(g, captioner, w, pairs, { ...c, shared: c.shareGroup > 1 }, realism);
    ws.push(w.dataSync() as Float32Array);
    const d = res.delta.dataSync() as Float32Array;
    if (res.delta.shape[0] === n) deltas.push(d);
    else for (let i = 0; i < n; i++) deltas.push(d); // shared: the group's one offset for each of its pairs
    shift += tf.tidy(() => tf.mean(tf.square(res.delta)).dataSync()[0]!) * n;
    before += res.nllBefore * n;
    after += res.nllAfter * n;
    drop += res.realismDrop * n;
    tf.dispose([x, w, res.delta]);
  }
  const shape = [c.shardSize, g.numWs, g.config.wDim];
  const stats = { nllBefore: before / c.shardSize, nllAfter: after / c.shardSize, shift: shift / c.shardSize, realismDrop: drop / c.shardSize };
  const tmp = join(dir, `.${shardName(shard)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  saveCheckpoint(tmp, {
    architecture: { kind: EDIT_TARGETS_KIND, config: { shard, start, count: c.shardSize, seed: c.seed, ...stats } },
    tensors: {
      w: { shape, values: concat(ws) },
      delta: { shape, values: concat(deltas) },
      index: { shape: [c.shardSize], values: Float32Array.from({ length: c.shardSize }, (_, i) => start + i) },
    },
    provenance: { ...provenance, seed: c.seed, steps: c.steps } satisfies Provenance,
  });
  const final = join(dir, shardName(shard));
  rmSync(final, { recursive: true, force: true });
  renameSync(tmp, final);
  return stats;
}

function realSource(set: RealFaceDataset | undefined, resolution: number): { set: RealFaceDataset; rows: number[]; atoms: ReturnType<typeof realAtoms> } {
  if (set === undefined) throw new TypeError('edit targets: the real-atoms stream needs the real-face data set (parts.realFaces)');
  if (set.resolution !== resolution) throw new TypeError(`edit targets: the real faces are ${set.resolution}px, the generator makes ${resolution}px`);
  return { set, rows: set.rowsOf('train'), atoms: realAtoms() };
}

/** The run's manifest: config + the hashes of the frozen parts the targets are only valid for. */
export interface EditTargetsManifest {
  kind: typeof EDIT_TARGETS_KIND;
  config: EditTargetConfig;
  generatorSha256: string;
  encoderSha256: string;
  captionerSha256: string;
}

export function partsSha(c: Pick<EditTargetConfig, 'generator' | 'encoder' | 'captioner'>): Pick<EditTargetsManifest, 'generatorSha256' | 'encoderSha256' | 'captionerSha256'> {
  const sha = (dir: string): string => {
    const f = join(dir, 'weights.bin');
    if (!existsSync(f)) throw new CheckpointError('missing weights.bin', f);
    return sha256File(f);
  };
  return { generatorSha256: sha(c.generator), encoderSha256: sha(c.encoder), captionerSha256: sha(c.captioner) };
}

export function writeEditTargetsManifest(dir: string, m: EditTargetsManifest): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'targets.json'), `${JSON.stringify(m, null, 2)}\n`);
}

export function readEditTargetsManifest(dir: string): EditTargetsManifest {
  const f = join(dir, 'targets.json');
  if (!existsSync(f)) throw new CheckpointError('not an edit-targets folder (no targets.json)', f);
  let m: unknown;
  try {
    m = JSON.parse(readFileSync(f, 'utf8'));
  } catch (e) {
    throw new CheckpointError(`targets.json is not valid JSON: ${(e as Error).message}`, f);
  }
  const o = m as Partial<EditTargetsManifest>;
  if (o?.kind !== EDIT_TARGETS_KIND || typeof o.config !== 'object' || typeof o.generatorSha256 !== 'string') throw new CheckpointError(`not an edit-targets manifest (kind ${JSON.stringify(o?.kind)})`, f);
  return { ...(o as EditTargetsManifest), config: resolveEditTargetConfig(o.config) };
}

/** Indices of the complete shards in a targets folder, ascending. */
export function listShards(dir: string): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((n) => /^shard-(\d{4})$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null && existsSync(join(dir, m[0], 'manifest.json')))
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/**
 * The atom directions of an 'atoms' targets folder: for each atom key, the mean offset of its rows
 * (a group shares one offset; an atom said by several groups gets their mean).
 */
export function atomDirections(t: EditTargets): Map<string, Float32Array> {
  const c = t.manifest.config;
  if (!isAtomStream(c.stream)) throw new TypeError('atomDirections: not an atoms targets folder');
  const per = t.numWs * t.wDim;
  const atoms = c.stream === 'real-atoms' ? realAtoms().map((a) => a.edit) : editAtoms(c.seed, pairOptions(c));
  const sums = new Map<string, { sum: Float32Array; n: number }>();
  for (let row = 0; row < t.count; row++) {
    const key = editAtomKey(atomFor(t.index[row]!, c.shareGroup, atoms)); // no need to build the whole pair
    const s = sums.get(key) ?? { sum: new Float32Array(per), n: 0 };
    for (let q = 0; q < per; q++) s.sum[q]! += t.delta[row * per + q]!;
    s.n++;
    sums.set(key, s);
  }
  const out = new Map([...sums].map(([k, s]) => [k, s.sum.map((v) => v / s.n)]));
  if (c.stream === 'real-atoms') {
    for (const [alias, of] of Object.entries(REAL_ATOM_ALIASES)) {
      const d = out.get(of);
      if (d !== undefined && !out.has(alias)) out.set(alias, d);
    }
  }
  return out;
}

/** All targets of a folder in memory: w and Δ* [count, numWs, wDim] and the pair index of each row. */
export interface EditTargets {
  manifest: EditTargetsManifest;
  count: number;
  numWs: number;
  wDim: number;
  w: Float32Array;
  delta: Float32Array;
  index: Int32Array;
}

/**
 * Load every shard (each one's bytes are checked against its manifest's sha256). Refuses a folder made
 * for other frozen parts than `expect` (they would teach offsets for another generator's latents).
 */
export function loadEditTargets(dir: string, expect?: { generatorSha256: string }): EditTargets {
  const manifest = readEditTargetsManifest(dir);
  if (expect !== undefined && expect.generatorSha256 !== manifest.generatorSha256) {
    throw new CheckpointError(`edit targets were made for generator ${manifest.generatorSha256.slice(0, 12)}…, not ${expect.generatorSha256.slice(0, 12)}…: make them again (trainer:make-edit-targets)`, join(dir, 'targets.json'));
  }
  const shards = listShards(dir);
  if (shards.length === 0) throw new CheckpointError('edit-targets folder has no complete shard', dir);
  const ws: Float32Array[] = [];
  const ds: Float32Array[] = [];
  const idx: number[] = [];
  let numWs = 0;
  let wDim = 0;
  for (const s of shards) {
    const ck = loadCheckpoint(join(dir, shardName(s)), { kind: EDIT_TARGETS_KIND });
    const w = ck.tensors.get('w');
    const d = ck.tensors.get('delta');
    const i = ck.tensors.get('index');
    if (w === undefined || d === undefined || i === undefined) throw new CheckpointError('shard lacks w, delta or index', join(dir, shardName(s)));
    if (w.shape.join() !== d.shape.join() || w.shape.length !== 3 || i.shape[0] !== w.shape[0]) throw new CheckpointError(`shard shapes disagree: w [${w.shape.join(',')}], delta [${d.shape.join(',')}], index [${i.shape.join(',')}]`, join(dir, shardName(s)));
    if (numWs === 0) [, numWs, wDim] = w.shape as [number, number, number];
    else if (w.shape[1] !== numWs || w.shape[2] !== wDim) throw new CheckpointError('shards have different latent shapes', join(dir, shardName(s)));
    for (const v of d.values) if (!Number.isFinite(v)) throw new CheckpointError('shard has a non-finite offset', join(dir, shardName(s)));
    ws.push(w.values);
    ds.push(d.values);
    for (const v of i.values) idx.push(v);
  }
  return { manifest, count: idx.length, numWs, wDim, w: concat(ws), delta: concat(ds), index: Int32Array.from(idx) };
}
