import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EDITABLE_ATTRIBUTES, IDENTITY_TRAITS } from '@lfe/edit-language';
import { initRuntime } from '@lfe/face-pipeline';
import { sample } from '@lfe/face-synth';
import { renderFaces } from './face-batch';
import { HEAD_LAYOUT, circularDistance, encodeTargets } from './heads';
import { Judge, type JudgeConfig } from './judge';
import { JudgeTrainer, learningRateAt, resolveJudgeTrainConfig } from './judge-trainer';
import { evaluateJudge, formatReport } from './evaluate';
import { fdRealReal } from './fd-real-real';

const TINY: JudgeConfig = { resolution: 32, stages: [{ channels: 8, convs: 1 }, { channels: 12, convs: 1 }, { channels: 16, convs: 1 }], featureDim: 24 };
const provenance = { command: 'test', seed: 1, steps: 0, dataManifestSha256: null, date: '2026-01-01T00:00:00Z' };

beforeAll(async () => {
  await initRuntime();
});

describe('head layout', () => {
  it('covers every schema entry once, columns disjoint', () => {
    const names = HEAD_LAYOUT.heads.map((h) => h.name);
    expect(names).toEqual([...EDITABLE_ATTRIBUTES.map((a) => a.name), ...IDENTITY_TRAITS.map((t) => t.name)]);
    const cols = new Set<number>();
    for (const h of HEAD_LAYOUT.heads) for (let j = 0; j < h.width; j++) cols.add(h.offset + j);
    expect(cols.size).toBe(HEAD_LAYOUT.outputWidth);
    expect(HEAD_LAYOUT.softmaxWidth + HEAD_LAYOUT.regressionWidth).toBe(HEAD_LAYOUT.outputWidth);
  });

  it('encodes one-hot rows summing to the number of softmax heads, regression values in range', () => {
    const faces = [sample(1), sample(2), sample(3)];
    const t = encodeTargets(faces);
    const nSoft = HEAD_LAYOUT.heads.filter((h) => h.kind === 'softmax').length;
    for (let i = 0; i < faces.length; i++) {
      const row = t.onehot.subarray(i * HEAD_LAYOUT.softmaxWidth, (i + 1) * HEAD_LAYOUT.softmaxWidth);
      expect(row.reduce((a, b) => a + b, 0)).toBe(nSoft);
    }
    for (const v of t.regression) expect(Math.abs(v)).toBeLessThanOrEqual(1);
  });

  it('measures hue distance on the circle', () => {
    expect(circularDistance(0.98, 0.02)).toBeCloseTo(0.04, 12);
    expect(circularDistance(0.25, 0.75)).toBeCloseTo(0.5, 12);
    expect(circularDistance(0.3, 0.3)).toBe(0);
  });
});

describe('Judge', () => {
  it('gives features [B, featureDim] and one verdict per image in schema conventions', () => {
    const j = new Judge(TINY, 3);
    const { images } = renderFaces(5, 0, 4, 32);
    const x = tf.tensor4d(images, [4, 32, 32, 3]);
    const f = j.features(x);
    expect(f.shape).toEqual([4, 24]);
    f.dispose();
    const o = j.outputs(x);
    expect(o.shape).toEqual([4, HEAD_LAYOUT.outputWidth]);
    o.dispose();
    const v = j.judge(x);
    expect(v).toHaveLength(4);
    for (const verdict of v) {
      for (const a of EDITABLE_ATTRIBUTES) {
        const val = verdict.attributes[a.name];
        if (a.kind === 'ordinal') expect(val).toBeGreaterThanOrEqual(0);
        else expect(Number.isInteger(val) && val >= 0 && val < a.levels.length).toBe(true);
        expect(verdict.levels[a.name]).toBeLessThan(a.levels.length);
      }
      for (const t of IDENTITY_TRAITS) {
        const val = verdict.identity[t.name];
        if (t.kind === 'categorical') expect(Number.isInteger(val) && val < t.levels.length).toBe(true);
        else expect(val >= 0 && val <= 1).toBe(true);
      }
    }
    expect(() => j.features(tf.zeros([1, 16, 16, 3]) as tf.Tensor4D)).toThrow(/\[B,32,32,3\]/);
    x.dispose();
    j.dispose();
    expect(() => j.judge(tf.zeros([1, 32, 32, 3]) as tf.Tensor4D)).toThrow(/dispose/);
  });

  it('leaks no tensors over repeated calls', () => {
    const j = new Judge(TINY, 4);
    const x = tf.tensor4d(renderFaces(6, 0, 3, 32).images, [3, 32, 32, 3]);
    j.judge(x);
    j.features(x).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      j.judge(x);
      j.features(x).dispose();
      j.outputs(x).dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    j.dispose();
  });

  it('round-trips through a checkpoint and refuses other kinds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'judge-'));
    try {
      const j = new Judge(TINY, 5);
      j.save(join(dir, 'a'), provenance);
      const k = Judge.load(join(dir, 'a'));
      const x = tf.tensor4d(renderFaces(7, 0, 2, 32).images, [2, 32, 32, 3]);
      const a = j.outputs(x);
      const b = k.outputs(x);
      expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBe(0);
      tf.dispose([a, b, x]);
      j.dispose();
      k.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('JudgeTrainer', () => {
  it('a tiny judge trains a few steps and its loss falls; resume continues exactly', async () => {
    const config = resolveJudgeTrainConfig({ model: TINY, batchSize: 16, steps: 30, lr: 3e-3, warmupSteps: 2 });
    const t = new JudgeTrainer(config);
    const losses: number[] = [];
    for (let i = 0; i < 24; i++) losses.push((await t.trainStep()).loss);
    const first = (losses[0]! + losses[1]! + losses[2]!) / 3;
    const last = (losses[21]! + losses[22]! + losses[23]!) / 3;
    expect(last).toBeLessThan(0.8 * first);
    const tensors = tf.memory().numTensors;
    await t.trainStep();
    expect(tf.memory().numTensors).toBe(tensors);

    const dir = mkdtempSync(join(tmpdir(), 'judge-state-'));
    try {
      await t.save(dir, provenance);
      const next = await t.trainStep();
      const u = new JudgeTrainer(config);
      await u.restore(dir);
      expect(u.step).toBe(25);
      const again = await u.trainStep();
      expect(again.loss).toBeCloseTo(next.loss, 5);
      u.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      t.dispose();
    }
  });

  it('refuses configs that would train on a held-out stream', () => {
    expect(() => resolveJudgeTrainConfig({ seed: 5, validationSeed: 5 })).toThrow(/differ/);
    expect(() => resolveJudgeTrainConfig({ batchSize: 0 })).toThrow(/batchSize/);
    expect(() => resolveJudgeTrainConfig({ nope: 1 } as never)).toThrow(/unknown field "nope"/);
  });

  it('warms up, then decays the learning rate', () => {
    const c = resolveJudgeTrainConfig({ steps: 1000, warmupSteps: 100, lr: 1e-3, finalLrFraction: 0.1 });
    expect(learningRateAt(c, 0)).toBeCloseTo(1e-5, 12);
    expect(learningRateAt(c, 99)).toBeCloseTo(1e-3, 12);
    expect(learningRateAt(c, 1000)).toBeCloseTo(1e-4, 12);
    expect(learningRateAt(c, 500)).toBeLessThan(learningRateAt(c, 200));
  });
});

describe('evaluation and FD helpers', () => {
  it('reports every entry with n, accuracy or MAE, and prints a table', () => {
    const j = new Judge(TINY, 8);
    const before = tf.memory().numTensors;
    const r = evaluateJudge(j, { seed: 9, n: 10, batchSize: 4 });
    expect(tf.memory().numTensors).toBe(before);
    for (const a of EDITABLE_ATTRIBUTES) {
      const m = r.perAttribute[a.name]!;
      expect(m.n).toBe(10);
      expect(m.accuracy).toBeGreaterThanOrEqual(0);
      if (a.kind === 'ordinal') expect(m.mae).toBeGreaterThanOrEqual(0);
    }
    for (const t of IDENTITY_TRAITS) {
      const m = r.perIdentityTrait[t.name]!;
      expect(t.kind === 'categorical' ? m.accuracy : m.mae).toBeGreaterThanOrEqual(0);
    }
    expect(formatReport(r)).toContain('| attribute | earrings |');
    j.dispose();
  });

  it('fdRealReal is finite and positive for independent sets and needs two seeds', () => {
    const j = new Judge(TINY, 10);
    const fd = fdRealReal(j, { n: 40, seedA: 1, seedB: 2, batchSize: 20 });
    expect(Number.isFinite(fd) && fd > 0).toBe(true);
    expect(() => fdRealReal(j, { n: 40, seedA: 1, seedB: 1 })).toThrow(TypeError);
    j.dispose();
  });
});
