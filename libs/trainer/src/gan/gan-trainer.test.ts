import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initRuntime, loadCheckpoint, loadGenerator } from '@lfe/face-pipeline';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyGanConfig } from '../testing/tiny-gan';
import { useTmpDirs } from '../testing/tmp-dirs';
import { resolveGanConfig, type GanConfig } from './gan-config';
import { GanTrainer } from './gan-trainer';
import { SyntheticFaceSource } from './image-source';
import { runGan } from './run-gan';

const tiny: GanConfig = tinyGanConfig({ sampleEvery: 10, checkpointEvery: 10 });
const tmp = useTmpDirs('gan-');

beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
});

describe('GAN training', () => {
  it('runs 20 steps with finite losses, writes log, samples, curves and a loadable generator', async () => {
    const out = tmp();
    const run = await runGan({ outDir: out, config: tiny, source: new SyntheticFaceSource(32, 1), resume: false, command: 'test', progress: () => {} });
    expect(run.trainer).toBeInstanceOf(GanTrainer);
    const trainer = run.trainer as GanTrainer;
    const log = readFileSync(join(out, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { lossD: number; lossG: number; r1: number | null });
    expect(log).toHaveLength(20);
    for (const r of log) {
      expect(Number.isFinite(r.lossD) && Number.isFinite(r.lossG)).toBe(true);
    }
    expect(log.filter((r) => r.r1 !== null)).toHaveLength(5);
    expect(existsSync(join(out, 'samples', 'step-000020.png'))).toBe(true);
    expect(readFileSync(join(out, 'curves.html'), 'utf8')).toContain('<svg');
    // The exported generator is the EMA one, bit for bit.
    const g = loadGenerator(join(out, 'generator'));
    for (const name of g.params.names()) {
      expect(Buffer.from(g.params.get(name).dataSync().buffer)).toEqual(Buffer.from(trainer.Gema.params.get(name).dataSync().buffer));
    }
    expect(loadCheckpoint(join(out, 'generator')).manifest.provenance.steps).toBe(20);
    g.dispose();
    trainer.dispose();
  });

  it('resuming from a checkpoint gives exactly the weights of an uninterrupted run', async () => {
    const cfg = { ...tiny, steps: 6, r1Interval: 2 };
    const straight = new GanTrainer(cfg, new SyntheticFaceSource(32, 1));
    for (let i = 0; i < 6; i++) await straight.trainStep();

    const out = tmp();
    const first = new GanTrainer(cfg, new SyntheticFaceSource(32, 1));
    for (let i = 0; i < 3; i++) await first.trainStep();
    await first.save(out, { command: 'test', seed: cfg.seed, dataManifestSha256: null, date: '' });
    first.dispose(); // the "killed" process
    const resumed = new GanTrainer(cfg, new SyntheticFaceSource(32, 1));
    await resumed.restore(out);
    expect(resumed.step).toBe(3);
    for (let i = 0; i < 3; i++) await resumed.trainStep();

    for (const [a, b] of [
      [straight.G, resumed.G],
      [straight.Gema, resumed.Gema],
    ] as const) {
      for (const name of a.params.names()) expect(Buffer.from(b.params.get(name).dataSync().buffer), name).toEqual(Buffer.from(a.params.get(name).dataSync().buffer));
    }
    for (const name of straight.D.params.names()) {
      expect(Buffer.from(resumed.D.params.get(name).dataSync().buffer), name).toEqual(Buffer.from(straight.D.params.get(name).dataSync().buffer));
    }
    straight.dispose();
    resumed.dispose();
  });

  it('reconstruction-assisted steps (config.recon) train an encoder with G: the reconstruction loss falls, resume stays bit-exact', async () => {
    const cfg = resolveGanConfig({ ...tiny, steps: 40, recon: { weight: 1, every: 1 } });
    const t = new GanTrainer(cfg, new SyntheticFaceSource(32, 1));
    expect(t.E).not.toBeNull();
    const losses: number[] = [];
    for (let i = 0; i < 30; i++) losses.push((await t.trainStep()).recon!);
    const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(losses.slice(-5))).toBeLessThan(0.8 * mean(losses.slice(0, 5)));
    t.dispose();

    const out = tmp();
    const straight = new GanTrainer(cfg, new SyntheticFaceSource(32, 1));
    const first = new GanTrainer(cfg, new SyntheticFaceSource(32, 1));
    for (let i = 0; i < 3; i++) await first.trainStep();
    await first.save(out, { command: 'test', seed: cfg.seed, dataManifestSha256: null, date: '' });
    first.dispose();
    const resumed = new GanTrainer(cfg, new SyntheticFaceSource(32, 1));
    await resumed.restore(out);
    for (let i = 0; i < 3; i++) await straight.trainStep();
    for (let i = 0; i < 2; i++) expect((await resumed.trainStep()).recon).toBe((await straight.trainStep()).recon);
    for (const name of straight.E!.params.names()) expect(Buffer.from(resumed.E!.params.get(name).dataSync().buffer), name).toEqual(Buffer.from(straight.E!.params.get(name).dataSync().buffer));
    straight.dispose();
    resumed.dispose();
  });

  it('switches reconstruction on when resuming a run that had it off (the encoder starts fresh); off, steps report no reconstruction', async () => {
    const out = tmp();
    const off = new GanTrainer({ ...tiny, steps: 4 }, new SyntheticFaceSource(32, 1));
    expect(off.E).toBeNull();
    expect((await off.trainStep()).recon).toBeNull();
    await off.save(out, { command: 'test', seed: tiny.seed, dataManifestSha256: null, date: '' });
    off.dispose();
    const cfg = resolveGanConfig({ ...tiny, recon: { weight: 0.5, every: 1 } });
    const on = new GanTrainer(cfg, new SyntheticFaceSource(32, 1));
    const fresh = new GanTrainer(cfg, new SyntheticFaceSource(32, 1));
    await on.restore(out);
    expect(on.step).toBe(1);
    for (const name of fresh.E!.params.names()) expect(Buffer.from(on.E!.params.get(name).dataSync().buffer), name).toEqual(Buffer.from(fresh.E!.params.get(name).dataSync().buffer));
    expect(Number.isFinite((await on.trainStep()).recon)).toBe(true);
    on.dispose();
    fresh.dispose();
    expect(() => resolveGanConfig({ recon: { weight: -1 } })).toThrow(/recon.weight/);
    expect(() => resolveGanConfig({ recon: { every: 0 } })).toThrow(/recon.every/);
  });

  it('does not leak tensors across steps', async () => {
    const t = new GanTrainer(resolveGanConfig({ ...tiny, r1Interval: 2, recon: { weight: 1, every: 2 } }), new SyntheticFaceSource(32, 2));
    await t.trainStep();
    await t.trainStep();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 4; i++) await t.trainStep();
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });

  it('rejects bad configs by field name', () => {
    expect(() => resolveGanConfig({ batchSize: 0 })).toThrow(/batchSize/);
    expect(() => resolveGanConfig({ lerningRate: 1 })).toThrow(/unknown field "lerningRate"/);
    expect(() => resolveGanConfig({ generator: { resolution: 48 } })).toThrow(/resolution/);
  });
});
