import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initRuntime, loadCheckpoint, loadGenerator, type ParamStore } from '@lfe/face-pipeline';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTmpDirs } from '../../testing/tmp-dirs';
import type { GanConfig } from '../gan-config';
import { tinyGanConfig } from '../../testing/tiny-gan';
import { GanTrainer } from '../gan-trainer';
import { SyntheticFaceSource } from '../image-source';
import { runGan } from '../run-gan';
import { importTorchGan, readTorchGan } from './import-torch-gan';

const tiny: GanConfig = tinyGanConfig();
const tmp = useTmpDirs('torch-gan-');

beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
});

/** Write G, Gema and D the way libs/trainer-torch/lfe_torch/gan.py `write_flat` does. */
function writeFlat(dir: string, stores: Record<string, ParamStore>, meta: Record<string, unknown>): void {
  mkdirSync(dir, { recursive: true });
  const tensors: { name: string; shape: number[]; offset: number }[] = [];
  const parts: Buffer[] = [];
  let offset = 0;
  for (const [g, store] of Object.entries(stores)) {
    for (const [name, a] of store.toArrays()) {
      tensors.push({ name: `${g}/${name}`, shape: a.shape, offset });
      parts.push(Buffer.from(new Float32Array(a.values).buffer));
      offset += a.values.length * 4;
    }
  }
  writeFileSync(join(dir, 'gan.bin'), Buffer.concat(parts));
  writeFileSync(join(dir, 'gan.json'), JSON.stringify({ meta, byteLength: offset, tensors }));
}

function meta(config: GanConfig, totalImages: number): Record<string, unknown> {
  return { kind: 'gan-torch-weights', config, initStep: 3, torchSteps: 5, torchImages: totalImages - 12, totalImages, batch: 8, device: 'test', torch: 'none', command: 'test' };
}

describe('importing the PyTorch port\'s weights', () => {
  it('writes a generator equal to the imported G_ema and a state the TypeScript trainer resumes and trains from', async () => {
    const src = new GanTrainer(tiny, new SyntheticFaceSource(32, 1));
    await src.trainStep(); // G and G_ema now differ
    const inDir = tmp();
    writeFlat(inDir, { G: src.G.params, Gema: src.Gema.params, D: src.D.params }, meta(tiny, 52));
    const out = tmp();
    const { step } = await importTorchGan(inDir, out, 'test import');
    expect(step).toBe(13); // 52 images at the run's batch of 4
    const g = loadGenerator(join(out, 'generator'));
    for (const name of g.params.names()) {
      expect(Buffer.from(g.params.get(name).dataSync().buffer)).toEqual(Buffer.from(src.Gema.params.get(name).dataSync().buffer));
    }
    const prov = loadCheckpoint(join(out, 'generator')).manifest.provenance;
    expect(prov.steps).toBe(13);
    expect(String(prov['runtime'])).toContain('PyTorch');
    expect(String(prov['data'])).toMatch(/^face-synth/);
    expect(existsSync(join(out, 'samples', 'latest.png'))).toBe(true);
    // The TypeScript trainer resumes the imported state (fresh Adam moments) and takes a finite step.
    const resumed = new GanTrainer(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as GanConfig, new SyntheticFaceSource(32, 1));
    await resumed.restore(out);
    expect(resumed.step).toBe(13);
    const d = resumed.D.params.get('fromrgb/w').dataSync();
    expect(Array.from(d)).toEqual(Array.from(src.D.params.get('fromrgb/w').dataSync()));
    const stats = await resumed.trainStep();
    expect(Number.isFinite(stats.lossD) && Number.isFinite(stats.lossG)).toBe(true);
    // The documented continuation (train-gan --resume on the imported folder) trains on from step 13.
    const cont = await runGan({ outDir: out, config: tiny, source: new SyntheticFaceSource(32, 1), resume: true, maxSteps: 2, command: 'test', progress: () => {} });
    expect(cont.trainer.step).toBe(15);
    expect(readFileSync(join(out, 'log.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    await cont.trainer.dispose();
    g.dispose();
    src.dispose();
    resumed.dispose();
    expect(tf.memory().numTensors).toBeLessThan(50);
  });

  it('keeps where the images came from and the adaptive augmentation probability, for the next leg', async () => {
    const src = new GanTrainer(tiny, new SyntheticFaceSource(32, 1));
    const inDir = tmp();
    const real = { ...meta(tiny, 52), data: 'real: CelebA-HQ 64 px train split (non-commercial research terms)', renderedFaces: 27000, augmentP: 0.37, ada: { target: 0.6, images: 100000, lastRt: 0.55 } };
    writeFlat(inDir, { G: src.G.params, Gema: src.Gema.params, D: src.D.params }, real);
    const out = tmp();
    await importTorchGan(inDir, out, 'test import');
    for (const folder of ['generator', 'state']) {
      const prov = loadCheckpoint(join(out, folder)).manifest.provenance;
      expect(String(prov['data'])).toBe('real: CelebA-HQ 64 px train split (non-commercial research terms), 27000 faces, random flips');
      expect((prov['torch'] as { augmentP: number }).augmentP).toBe(0.37);
    }
    src.dispose();
  });

  it('refuses truncated, non-finite, foreign or incomplete weights with a clear error', async () => {
    const src = new GanTrainer(tiny, new SyntheticFaceSource(32, 1));
    const good = tmp();
    writeFlat(good, { G: src.G.params, Gema: src.Gema.params, D: src.D.params }, meta(tiny, 40));
    const bin = readFileSync(join(good, 'gan.bin'));
    const json = readFileSync(join(good, 'gan.json'), 'utf8');

    const truncated = tmp();
    writeFileSync(join(truncated, 'gan.json'), json);
    writeFileSync(join(truncated, 'gan.bin'), bin.subarray(0, bin.length - 8));
    expect(() => readTorchGan(truncated)).toThrow(/truncated/);

    const nan = tmp();
    writeFileSync(join(nan, 'gan.json'), json);
    const bad = Buffer.from(bin);
    bad.writeFloatLE(Number.NaN, 0);
    writeFileSync(join(nan, 'gan.bin'), bad);
    expect(() => readTorchGan(nan)).toThrow(/non-finite/);

    const foreign = tmp();
    writeFileSync(join(foreign, 'gan.json'), JSON.stringify({ ...JSON.parse(json), meta: { kind: 'something-else' } }));
    writeFileSync(join(foreign, 'gan.bin'), bin);
    expect(() => readTorchGan(foreign)).toThrow(/not the PyTorch GAN port/);

    const noD = tmp();
    writeFlat(noD, { G: src.G.params, Gema: src.Gema.params }, meta(tiny, 40));
    await expect(importTorchGan(noD, tmp(), 'test')).rejects.toThrow(/missing tensor/);
    src.dispose();
  });
});
