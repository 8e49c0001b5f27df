import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Captioner, CheckpointError, Encoder, Generator, initRuntime, saveCheckpoint, type GeneratorConfig } from '@lfe/face-pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atomPair, editAtomKey, editAtoms, editPair, sharedCommandPair } from './edit-pairs';
import {
  EDIT_TARGETS_KIND,
  atomDirections,
  listShards,
  loadEditTargets,
  makeEditTargetShard,
  optimiseEditOffsets,
  pairOptions,
  resolveEditTargetConfig,
  shardName,
  targetPair,
  writeEditTargetsManifest,
  type EditTargetConfig,
} from './edit-targets';
import { EditorTrainer, resolveEditorTrainConfig } from './editor-trainer';
import { Discriminator, loadDiscriminator } from '../gan/discriminator';

const G_CFG: GeneratorConfig = { resolution: 32, zDim: 16, wDim: 16, mappingLayers: 2, mappingLrMul: 0.01, channelBase: 128, channelMax: 16 };
const PROV = { command: 'test', dataManifestSha256: null, date: '2026-11-27' };

let dir: string;
let g: Generator;
let enc: Encoder;
let cap: Captioner;
beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
  dir = mkdtempSync(join(tmpdir(), 'edit-targets-'));
  g = new Generator(G_CFG, 1);
  enc = new Encoder({ resolution: 32, channels: [8, 8, 8], convsPerStage: 1, featureDim: 16, wDim: 16, numWs: g.numWs });
  cap = new Captioner({ resolution: 32, stages: [{ channels: 8, convs: 1 }, { channels: 8, convs: 1 }], featureDim: 32, contextDim: 16, embeddingDim: 8, styleDim: 4, hiddenDim: 16 });
});
afterAll(() => {
  for (const m of [g, enc, cap]) m.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const tinyConfig = (over: Partial<EditTargetConfig> = {}): EditTargetConfig => resolveEditTargetConfig({ seed: 11, shardSize: 4, batchSize: 4, steps: 8, lr: 0.1, ...over });

describe('edit targets (captioner-optimised offsets)', () => {
  it('lower the caption loss they optimise, start from Δ = 0 and leak nothing', () => {
    const c = tinyConfig();
    const pairs = Array.from({ length: 4 }, (_, k) => editPair(c.seed, k, pairOptions(c)));
    const w = tf.randomNormal([4, g.numWs, 16], 0, 0.5, 'float32', 3) as tf.Tensor3D;
    const zero = optimiseEditOffsets(g, cap, w, pairs, { ...c, steps: 0 });
    expect(Math.max(...Array.from(zero.delta.dataSync()).map(Math.abs))).toBe(0);
    expect(zero.nllAfter).toBe(zero.nllBefore);
    zero.delta.dispose();
    optimiseEditOffsets(g, cap, w, pairs, c).delta.dispose(); // warm-up: kernels, Adam slots
    const before = tf.memory().numTensors;
    const r = optimiseEditOffsets(g, cap, w, pairs, c);
    expect(r.nllAfter).toBeLessThan(r.nllBefore);
    r.delta.dispose();
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });

  it('coarse layers move less when weighted more', () => {
    const pairs = Array.from({ length: 4 }, (_, k) => editPair(11, k, pairOptions(tinyConfig())));
    const w = tf.randomNormal([4, g.numWs, 16], 0, 0.5, 'float32', 4) as tf.Tensor3D;
    const rowEnergy = (coarseWeight: number): number[] => {
      const { delta } = optimiseEditOffsets(g, cap, w, pairs, { ...tinyConfig({ coarseWeight, coarseLayers: 2, latentWeight: 50 }) });
      const e = tf.tidy(() => Array.from(tf.mean(tf.square(delta), [0, 2]).dataSync()));
      delta.dispose();
      return e;
    };
    const flat = rowEnergy(1);
    const heavy = rowEnergy(1000);
    expect(heavy[0]! / flat[0]!).toBeLessThan(0.5);
    w.dispose();
  });

  it('round-trip through shards, are refused when damaged or made for another generator', () => {
    const c = tinyConfig();
    const out = join(dir, 'targets');
    writeEditTargetsManifest(out, { kind: EDIT_TARGETS_KIND, config: c, generatorSha256: 'a'.repeat(64), encoderSha256: 'b'.repeat(64), captionerSha256: 'c'.repeat(64) });
    for (const s of [0, 1]) makeEditTargetShard(out, s, c, { generator: g, encoder: enc, captioner: cap }, PROV);
    expect(listShards(out)).toEqual([0, 1]);
    const t = loadEditTargets(out, { generatorSha256: 'a'.repeat(64) });
    expect(t.count).toBe(8);
    expect(Array.from(t.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(t.numWs).toBe(g.numWs);
    // w is the encoder's latent of the rendered source face of pair k.
    expect(t.delta.some((v) => v !== 0)).toBe(true);
    expect(() => loadEditTargets(out, { generatorSha256: 'd'.repeat(64) })).toThrow(/made for generator/);
    const bin = join(out, shardName(1), 'weights.bin');
    const bytes = readFileSync(bin);
    bytes[100] = bytes[100]! ^ 0xff;
    writeFileSync(bin, bytes);
    expect(() => loadEditTargets(out)).toThrow(CheckpointError);
    writeFileSync(join(out, 'targets.json'), '{ not json');
    expect(() => loadEditTargets(out)).toThrow(/not valid JSON/);
    expect(() => resolveEditTargetConfig({ steps: 0 })).toThrow(/steps/);
    expect(() => resolveEditTargetConfig({ bogus: 1 } as never)).toThrow(/unknown field/);
  });

  it('shared groups: one command said to every face of a group, one offset optimised for all of them', () => {
    const opts = pairOptions(tinyConfig());
    // group 1 is the per-face stream.
    expect(sharedCommandPair(11, 5, 1, { ...opts, targetCaption: 'requested' })).toEqual(editPair(11, 5, { ...opts, targetCaption: 'requested' }));
    const group = Array.from({ length: 4 }, (_, i) => sharedCommandPair(11, 8 + i, 4, { ...opts, targetCaption: 'requested' }));
    expect(new Set(group.map((p) => p.command)).size).toBe(1);
    expect(group[0]).toEqual(editPair(11, 8, { ...opts, targetCaption: 'requested' }));
    expect(new Set(group.map((p) => JSON.stringify(p.face))).size).toBe(4);
    // Each face's caption states its own target (relative edits start from its own levels).
    for (const p of group) expect(p.caption.length).toBeGreaterThan(0);
    expect(() => resolveEditTargetConfig({ shareGroup: 4, batchSize: 8, shardSize: 8 })).toThrow(/shareGroup/);

    const c = tinyConfig({ shareGroup: 4 });
    const out = join(dir, 'targets-shared');
    writeEditTargetsManifest(out, { kind: EDIT_TARGETS_KIND, config: c, generatorSha256: 'a'.repeat(64), encoderSha256: 'b'.repeat(64), captionerSha256: 'c'.repeat(64) });
    const stats = makeEditTargetShard(out, 0, c, { generator: g, encoder: enc, captioner: cap }, PROV);
    expect(stats.nllAfter).toBeLessThan(stats.nllBefore);
    const t = loadEditTargets(out);
    const per = t.numWs * t.wDim;
    expect(t.delta.some((v) => v !== 0)).toBe(true);
    for (let i = 1; i < 4; i++) expect(Array.from(t.delta.subarray(i * per, (i + 1) * per))).toEqual(Array.from(t.delta.subarray(0, per)));
    expect(Array.from(t.w.subarray(0, per))).not.toEqual(Array.from(t.w.subarray(per, 2 * per)));
    // The trainer reads each row's pair back the same way.
    expect(targetPair(t.manifest.config, 2).command).toBe(targetPair(c, 0).command);
  });

  it('atom stream: every single edit of the pair stream, said to faces it changes; one direction per atom teaches any command', async () => {
    const opts = { ...pairOptions(tinyConfig()), targetCaption: 'requested' as const };
    const atoms = editAtoms(11, opts, 4000);
    expect(atoms.length).toBeGreaterThan(40);
    expect(new Set(atoms.map(editAtomKey)).size).toBe(atoms.length);
    // Every edit of the stream is one of the atoms.
    for (let k = 0; k < 50; k++) for (const e of editPair(11, 4000 + k, opts).edits) expect(atoms.map(editAtomKey)).toContain(editAtomKey(e));
    const g0 = Array.from({ length: 4 }, (_, i) => atomPair(11, i, 4, atoms, opts));
    expect(new Set(g0.map((p) => editAtomKey(p.edits[0]!)))).toEqual(new Set([editAtomKey(atoms[0]!)]));
    expect(editAtomKey(atomPair(11, 4, 4, atoms, opts).edits[0]!)).toBe(editAtomKey(atoms[1]!));
    // A full target caption asks every other attribute to stay (same atom, same face).
    const full = targetPair(tinyConfig({ stream: 'atoms', shareGroup: 4, targetCaption: 'full' }), 1, 'full');
    expect(full.style.mode).toBe('full');
    expect(editAtomKey(full.edits[0]!)).toBe(editAtomKey(g0[1]!.edits[0]!));
    expect(full.caption.length).toBeGreaterThan(g0[1]!.caption.length);
    expect(() => resolveEditTargetConfig({ targetCaption: 'some' as 'full' })).toThrow(/targetCaption/);

    const c = tinyConfig({ stream: 'atoms', shareGroup: 4 });
    const out = join(dir, 'targets-atoms');
    writeEditTargetsManifest(out, { kind: EDIT_TARGETS_KIND, config: c, generatorSha256: 'a'.repeat(64), encoderSha256: 'b'.repeat(64), captionerSha256: 'c'.repeat(64) });
    for (const sh of [0, 1, 2]) makeEditTargetShard(out, sh, { ...c, lr: 0.3 }, { generator: g, encoder: enc, captioner: cap }, PROV);
    const t = loadEditTargets(out);
    const dirs = atomDirections(t);
    expect([...dirs.keys()].sort()).toEqual(atoms.slice(0, 3).map(editAtomKey).sort());
    const per = t.numWs * t.wDim;
    expect(Array.from(dirs.get(editAtomKey(atoms[1]!))!)).toEqual(Array.from(t.delta.subarray(4 * per, 5 * per)));
    expect(() => atomDirections(loadEditTargets(join(dir, 'targets-shared')))).toThrow(/atoms/);

    const cfg = resolveEditorTrainConfig({ batchSize: 6, steps: 40, lr: 1e-2, lrDecayEvery: 1000, textEncoder: { alpha: 0.7, hidden: 8, codeDim: 8 }, fusion: { mode: 'residual', hidden: 16 }, latentWeight: 0, weightDecay: 0, distill: out, nllWeight: 0 });
    expect(() => new EditorTrainer({ ...cfg, nllWeight: 1 }, g, enc, cap, undefined, t)).toThrow(/nllWeight/);
    const tr = new EditorTrainer(cfg, g, enc, cap, undefined, t);
    const losses: number[] = [];
    for (let i = 0; i < 40; i++) losses.push((await tr.trainStep()).distill);
    const mean = (v: number[]): number => v.reduce((p, x) => p + x, 0) / v.length;
    expect(mean(losses.slice(-5))).toBeLessThan(0.7 * mean(losses.slice(0, 5)));
    tr.dispose();
  });

  it('teach the fusion: distillation steps (no generator pass) pull w′ toward w + Δ*', async () => {
    const c = tinyConfig();
    const out = join(dir, 'targets-distill');
    writeEditTargetsManifest(out, { kind: EDIT_TARGETS_KIND, config: c, generatorSha256: 'a'.repeat(64), encoderSha256: 'b'.repeat(64), captionerSha256: 'c'.repeat(64) });
    for (const s of [0, 1, 2]) makeEditTargetShard(out, s, { ...c, lr: 0.3 }, { generator: g, encoder: enc, captioner: cap }, PROV);
    const targets = loadEditTargets(out);
    const cfg = resolveEditorTrainConfig({ batchSize: 6, steps: 60, lr: 1e-2, lrDecayEvery: 1000, textEncoder: { alpha: 0.7, hidden: 8, codeDim: 8 }, fusion: { mode: 'residual', hidden: 16 }, latentWeight: 0, weightDecay: 0, distill: out, nllWeight: 0 });
    expect(() => new EditorTrainer(cfg, g, enc, cap)).toThrow(/come together/);
    const t = new EditorTrainer(cfg, g, enc, cap, undefined, targets);
    // Every row once per epoch, a fresh order each epoch.
    const epoch0 = [0, 1].flatMap((s) => t.distillRows(s));
    expect([...epoch0].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect([2, 3].flatMap((s) => t.distillRows(s))).not.toEqual(epoch0);
    const first = await t.trainStep();
    expect(Number.isNaN(first.nll)).toBe(true);
    const before = tf.memory().numTensors;
    const losses = [first.distill];
    for (let i = 1; i < 60; i++) losses.push((await t.trainStep()).distill);
    expect(tf.memory().numTensors).toBe(before);
    const mean = (v: number[]): number => v.reduce((p, x) => p + x, 0) / v.length;
    expect(mean(losses.slice(-6))).toBeLessThan(0.7 * mean(losses.slice(0, 6)));
    t.dispose();
    // With the caption term as well, the step runs the generator and reports both terms.
    const both = new EditorTrainer({ ...cfg, nllWeight: 1 }, g, enc, cap, undefined, targets);
    const s = await both.trainStep();
    expect(Number.isFinite(s.nll) && Number.isFinite(s.distill)).toBe(true);
    both.dispose();
    expect(() => resolveEditorTrainConfig({ nllWeight: 0 })).toThrow(/needs distill/);
  });
});

describe('edit targets with the GAN critic (realismWeight)', () => {
  it('needs a discriminator; keeps the critic\'s score nearer the reconstruction\'s than without it, and leaks nothing', () => {
    expect(() => resolveEditTargetConfig({ realismWeight: 1 })).toThrow(/needs a discriminator/);
    expect(() => resolveEditTargetConfig({ realismWeight: -1, discriminator: 'x' })).toThrow(/realismWeight must be ≥ 0/);
    const D = new Discriminator({ resolution: 32, channelBase: 128, channelMax: 16, mbstdGroup: 4 }, 5);
    const c = tinyConfig({ steps: 12, lr: 0.2 });
    const pairs = Array.from({ length: 4 }, (_, k) => editPair(c.seed, k, pairOptions(c)));
    const w = tf.randomNormal([4, g.numWs, 16], 0, 0.5, 'float32', 4) as tf.Tensor3D;
    const score = (delta: tf.Tensor3D): number => tf.tidy(() => D.apply(g.synthesis(tf.add(w, delta) as tf.Tensor3D, { noise: c.noise })).mean().dataSync()[0]!);
    const bar = score(tf.zerosLike(w));
    const free = optimiseEditOffsets(g, cap, w, pairs, c);
    expect(free.realismDrop).toBe(0); // not measured without the critic
    optimiseEditOffsets(g, cap, w, pairs, c, { discriminator: D, weight: 50 }).delta.dispose(); // warm-up
    const before = tf.memory().numTensors;
    const held = optimiseEditOffsets(g, cap, w, pairs, c, { discriminator: D, weight: 50 });
    expect(tf.memory().numTensors).toBe(before + 1); // the returned offset
    // The reported drop is the critic's own: mean D(G(w)) − D(G(w + Δ)).
    expect(held.realismDrop).toBeCloseTo(bar - score(held.delta), 4);
    expect(bar - score(held.delta)).toBeLessThan(Math.max(0, bar - score(free.delta)) + 1e-6);
    expect(held.nllAfter).toBeLessThan(held.nllBefore);
    tf.dispose([free.delta, held.delta, w]);
    D.dispose();
  });

  it('loadDiscriminator reads the D of a GAN training state and scores as the original; other folders are refused', () => {
    const D = new Discriminator({ resolution: 32, channelBase: 128, channelMax: 16, mbstdGroup: 4 }, 7);
    const state = join(dir, 'gan-state');
    const tensors = Object.fromEntries([...D.params.toArrays()].map(([k, v]) => [`D/${k}`, v]));
    saveCheckpoint(state, {
      architecture: { kind: 'gan-training-state', config: { generator: { resolution: 32 }, discriminator: { channelBase: 128, channelMax: 16, mbstdGroup: 4 } } },
      tensors,
      provenance: { ...PROV, seed: 1, steps: 0 },
    });
    const back = loadDiscriminator(state);
    const x = tf.randomUniform([4, 32, 32, 3], -1, 1, 'float32', 9) as tf.Tensor4D;
    const [a, b] = [D.apply(x), back.apply(x)];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([a, b, x]);
    const noD = join(dir, 'no-d');
    saveCheckpoint(noD, { architecture: { kind: 'generator', config: { resolution: 32 } }, tensors: { x: { shape: [1], values: new Float32Array(1) } }, provenance: { ...PROV, seed: 1, steps: 0 } });
    expect(() => loadDiscriminator(noD)).toThrow(CheckpointError);
    D.dispose();
    back.dispose();
  });
});
