import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initRuntime, loadGenerator } from '@lfe/face-pipeline';
import { beforeAll, describe, expect, it } from 'vitest';
import { relativeError } from '../testing/relative-error';
import { tinyGanConfig } from '../testing/tiny-gan';
import { useTmpDirs } from '../testing/tmp-dirs';
import { resolveGanConfig, type GanConfig } from './gan-config';
import { GanTrainer, type GradPhase, type StepStats } from './gan-trainer';
import { SyntheticFaceSource } from './image-source';
import { ParallelGanError, ParallelGanTrainer } from './parallel-gan';

// A tiny 32×32 GAN; batch 8 splits into 2 replicas of 4 = 2 minibatch-std groups of 2.
const tiny: GanConfig = tinyGanConfig({ batchSize: 8, r1Interval: 2 });
const PROV = { command: 'test', seed: 1, dataManifestSha256: null, date: '' };
const tmp = useTmpDirs('pgan-');

beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
});

/** `count` replicas in this thread, averaging through a promise barrier; records every mean by phase. */
function localReplicas(cfg: GanConfig, count: number): { trainers: GanTrainer[]; means: Map<GradPhase, Float32Array> } {
  const means = new Map<GradPhase, Float32Array>();
  let inbox: Float32Array[] = [];
  let waiters: ((a: Float32Array) => void)[] = [];
  const exchange = (phase: GradPhase, flat: Float32Array): Promise<Float32Array> =>
    new Promise((resolve) => {
      inbox.push(flat);
      waiters.push(resolve);
      if (inbox.length < count) return;
      const mean = new Float32Array(flat.length);
      for (const p of inbox) for (let i = 0; i < mean.length; i++) mean[i]! += p[i]! / count;
      means.set(phase, mean);
      const w = waiters;
      inbox = [];
      waiters = [];
      for (const r of w) r(mean.slice());
    });
  const trainers = Array.from({ length: count }, (_, index) => new GanTrainer(cfg, new SyntheticFaceSource(32, 1), { index, count, exchange }));
  return { trainers, means };
}

describe('data-parallel GAN training', () => {
  it('two replicas on strided half batches average to the full-batch gradients of one process', async () => {
    // Noise strengths start at 0, so at step 0 the replicas see exactly the single process's
    // images; only float summation order differs. A negligible lr keeps the D update between the
    // phases from amplifying that (Adam's first step is ±lr per weight, whatever the gradient size).
    const cfg = resolveGanConfig({ ...tiny, lr: 1e-9, recon: { weight: 1, every: 1 } });
    const one = localReplicas(cfg, 1);
    const two = localReplicas(cfg, 2);
    const s1 = await one.trainers[0]!.trainStep();
    const s2 = await Promise.all(two.trainers.map((t) => t.trainStep()));
    expect(relativeError(one.means.get('D')!, two.means.get('D')!)).toBeLessThan(1e-5);
    // Replicas draw their own per-pixel noise (by design), so only the gradients of the noise
    // strengths differ in G: compare everything else.
    const gVars = one.trainers[0]!.G.trainableVariables();
    const noise = new Set<number>();
    let off = 0;
    for (const v of gVars) {
      if (v.name.endsWith('noise_strength')) for (let i = 0; i < v.size; i++) noise.add(off + i);
      off += v.size;
    }
    expect(noise.size).toBeGreaterThan(0);
    const withoutNoise = (a: Float32Array): Float32Array => a.subarray(0, off).filter((_, i) => !noise.has(i));
    expect(relativeError(withoutNoise(one.means.get('G')!), withoutNoise(two.means.get('G')!))).toBeLessThan(1e-5);
    // Reconstruction: the encoder's and the synthesis network's gradients (noise off).
    expect(relativeError(one.means.get('REC')!, two.means.get('REC')!)).toBeLessThan(1e-5);
    // R1 is a finite difference over ε = 0.01: rounding differences come out 100× larger.
    expect(relativeError(one.means.get('R1')!, two.means.get('R1')!)).toBeLessThan(1e-4);
    expect(s2[0]!.lossD).toBeCloseTo(s1.lossD, 5);
    expect(s2[0]!.realScore).toBeCloseTo(s1.realScore, 5);
    expect(s2[1]!.lossD).toBe(s2[0]!.lossD);
    // The replicas applied the same mean: identical weights.
    const [a, b] = two.trainers as [GanTrainer, GanTrainer];
    for (const name of a.D.params.names()) expect(Buffer.from(b.D.params.get(name).dataSync().buffer), name).toEqual(Buffer.from(a.D.params.get(name).dataSync().buffer));
    for (const name of a.Gema.params.names()) expect(Buffer.from(b.Gema.params.get(name).dataSync().buffer), name).toEqual(Buffer.from(a.Gema.params.get(name).dataSync().buffer));
    for (const t of [...one.trainers, ...two.trainers]) t.dispose();
  });

  it('rejects a batch that does not split into whole minibatch-std groups per replica', () => {
    const exchange = (_p: GradPhase, f: Float32Array): Promise<Float32Array> => Promise.resolve(f);
    expect(() => new GanTrainer(tiny, new SyntheticFaceSource(32, 1), { index: 0, count: 3, exchange })).toThrow(/does not split into 3 replicas/);
    expect(() => new GanTrainer({ ...tiny, discriminator: { ...tiny.discriminator, mbstdGroup: 8 } }, new SyntheticFaceSource(32, 1), { index: 0, count: 2, exchange })).toThrow(
      /not a multiple of the mbstd group 8/,
    );
  });

  it('in worker threads: replicas stay identical, checkpoints resume bit for bit, nothing leaks', async () => {
    const out = tmp();
    const straight = await ParallelGanTrainer.start(tiny, 2);
    const first = await ParallelGanTrainer.start(tiny, 2);
    try {
      const a: StepStats[] = [];
      for (let i = 0; i < 4; i++) a.push(await straight.trainStep());
      const tensorsAfter4 = await straight.tensorCounts();
      a.push(await straight.trainStep());
      expect(await straight.tensorCounts()).toEqual(tensorsAfter4);
      for (const s of a) expect(Number.isFinite(s.lossD) && Number.isFinite(s.lossG)).toBe(true);

      for (let i = 0; i < 3; i++) await first.trainStep();
      await first.save(out, PROV); // checks the replicas' checksums agree
      await first.dispose(); // the "killed" run
      expect(existsSync(join(out, 'generator', 'manifest.json'))).toBe(true);
      const resumed = await ParallelGanTrainer.start(tiny, 2);
      try {
        await resumed.restore(out);
        expect(resumed.step).toBe(3);
        const b = [await resumed.trainStep(), await resumed.trainStep()];
        expect(b.map((s) => [s.lossD, s.lossG, s.r1])).toEqual(a.slice(3).map((s) => [s.lossD, s.lossG, s.r1]));
        const u8 = await resumed.sampleImages(4);
        expect(u8.length).toBe(4 * 32 * 32 * 3);
      } finally {
        await resumed.dispose();
      }
      // The saved generator loads in one process like any other.
      const g = loadGenerator(join(out, 'generator'));
      expect(g.config.resolution).toBe(32);
      g.dispose();
    } finally {
      await straight.dispose();
      await first.dispose();
    }
  }, 120_000);

  it('a replica that cannot start fails the start with a clear error naming it', async () => {
    const bad = { ...tiny, data: { kind: 'dataset' as const, dir: join(tmpdir(), 'no-such-dataset-lfe') } };
    await expect(ParallelGanTrainer.start(bad, 2)).rejects.toThrow(ParallelGanError);
    await expect(ParallelGanTrainer.start(bad, 2)).rejects.toThrow(/gan replica \d: .*no-such-dataset-lfe/);
  }, 60_000);
});
