import * as tf from '@tensorflow/tfjs';
import { initRuntime } from '@lfe/face-pipeline';
import { beforeAll, describe, expect, it } from 'vitest';
import { relativeError } from '../testing/relative-error';
import { useTmpDirs } from '../testing/tmp-dirs';
import type { JudgeConfig } from './judge';
import { JudgeTrainer, resolveJudgeTrainConfig } from './judge-trainer';
import { ParallelJudgeError, ParallelJudgeTrainer } from './parallel-judge';

const TINY: JudgeConfig = { resolution: 32, stages: [{ channels: 8, convs: 1 }, { channels: 12, convs: 1 }, { channels: 16, convs: 1 }], featureDim: 24 };
const config = resolveJudgeTrainConfig({ model: TINY, batchSize: 8, steps: 20, lr: 3e-3, warmupSteps: 2 });
const PROV = { command: 'test', seed: 1, dataManifestSha256: null, date: '2026-01-01T00:00:00Z' };
const tmp = useTmpDirs('pjudge-');

beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
});

function params(j: { trainableVariables(): tf.Variable[] }): Float32Array {
  const parts = j.trainableVariables().map((v) => v.dataSync() as Float32Array);
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

describe('JudgeTrainer gradients / applyGradients', () => {
  it('applying the whole batch’s gradients is exactly a step; two halves average to them', async () => {
    const a = new JudgeTrainer(config);
    const b = new JudgeTrainer(config);
    try {
      const before = tf.memory().numTensors;
      const whole = b.gradients(0, 0, 8);
      const h0 = b.gradients(0, 0, 4);
      const h1 = b.gradients(0, 4, 4);
      expect(tf.memory().numTensors).toBe(before);
      const mean = h0.flat.map((v, i) => (v + h1.flat[i]!) / 2);
      expect(relativeError(whole.flat, mean)).toBeLessThan(1e-5);
      expect(Math.abs((h0.loss + h1.loss) / 2 - whole.loss) / whole.loss).toBeLessThan(1e-6);
      const stats = await a.trainStep();
      b.applyGradients(0, whole.flat);
      expect(b.step).toBe(1);
      expect(params(b.judge)).toEqual(params(a.judge));
      expect(stats.loss).toBe(whole.loss);
      expect(() => b.applyGradients(0, whole.flat)).toThrow(/step 0, the trainer is at 1/);
      expect(() => b.applyGradients(1, whole.flat.subarray(1))).toThrow(/parameters/);
      expect(() => b.gradients(1, 6, 4)).toThrow(/not in a batch of 8/);
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});

describe('ParallelJudgeTrainer', () => {
  it('two replicas train like one process, agree exactly, resume bit for bit, and fail clearly when one dies', async () => {
    const single = new JudgeTrainer(config);
    const p = await ParallelJudgeTrainer.start(config, 2);
    const dir = tmp();
    let q: ParallelJudgeTrainer | null = null;
    try {
      for (let i = 0; i < 3; i++) {
        const [x, y] = [await single.trainStep(), await p.trainStep()];
        expect(y.step).toBe(x.step);
        expect(y.loss).toBeCloseTo(x.loss, 4);
      }
      // Float summation order differs (two half-batch means); Adam keeps that small over 3 steps.
      expect(relativeError(params(single.judge), params(p.judge))).toBeLessThan(1e-3);
      await p.save(dir, PROV); // checks the replicas' checksums
      const after: number[] = [];
      for (let i = 0; i < 2; i++) after.push((await p.trainStep()).loss);
      const final = params(p.judge);
      expect(await p.tensorCounts()).toEqual(await p.tensorCounts());

      q = await ParallelJudgeTrainer.start(config, 2);
      await q.restore(dir);
      expect(q.step).toBe(3);
      const again: number[] = [];
      for (let i = 0; i < 2; i++) again.push((await q.trainStep()).loss);
      expect(again).toEqual(after);
      expect(params(q.judge)).toEqual(final);

      await q.killReplica(1);
      await expect(q.trainStep()).rejects.toThrow(ParallelJudgeError);
      await expect(q.trainStep()).rejects.toThrow(/judge replica 1 exited/);
    } finally {
      single.dispose();
      await p.dispose();
      await q?.dispose();
    }
  }, 60_000);

  it('refuses a batch that does not split evenly', async () => {
    await expect(ParallelJudgeTrainer.start(resolveJudgeTrainConfig({ ...config, batchSize: 9 }), 2)).rejects.toThrow(/does not split into 2/);
  });
});
