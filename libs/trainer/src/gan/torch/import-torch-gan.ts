import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Generator, saveGenerator, type NamedArray } from '@lfe/face-pipeline';
import { saveTrainerState } from '../../util/trainer-state';
import { takePrefix } from '../../util/adam-state';
import { Discriminator } from '../discriminator';
import { resolveGanConfig, type GanConfig } from '../gan-config';
import { GAN_STATE_KIND, GanTrainer } from '../gan-trainer';
import { SyntheticFaceSource } from '../image-source';
import { writeSamples } from '../run-gan';

/** What libs/trainer-torch's lfe_torch/train_gan.py writes next to its weights (`gan.json` "meta"). */
export interface TorchGanMeta {
  kind: 'gan-torch-weights';
  config: GanConfig;
  initStep: number;
  torchSteps: number;
  torchImages: number;
  totalImages: number;
  batch: number;
  device: string;
  torch: string;
  command: string;
  [k: string]: unknown;
}

interface FlatIndex {
  meta: TorchGanMeta;
  byteLength: number;
  tensors: { name: string; shape: number[]; offset: number }[];
}

/** Read `<dir>/gan.json` + `gan.bin`: every tensor checked against the file's size and for finite values. */
export function readTorchGan(dir: string): { meta: TorchGanMeta; tensors: Map<string, NamedArray> } {
  const index = JSON.parse(readFileSync(join(dir, 'gan.json'), 'utf8')) as FlatIndex;
  if (index.meta?.kind !== 'gan-torch-weights') throw new TypeError(`${dir}/gan.json: not the PyTorch GAN port's weights (kind ${String(index.meta?.kind)})`);
  const bin = readFileSync(join(dir, 'gan.bin'));
  if (bin.byteLength !== index.byteLength) throw new TypeError(`${dir}/gan.bin: ${bin.byteLength} bytes, gan.json says ${index.byteLength} (truncated copy?)`);
  const tensors = new Map<string, NamedArray>();
  for (const t of index.tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (t.offset % 4 !== 0 || t.offset + 4 * n > bin.byteLength) throw new TypeError(`${dir}/gan.bin: tensor ${t.name} lies outside the file`);
    const values = new Float32Array(bin.buffer.slice(bin.byteOffset + t.offset, bin.byteOffset + t.offset + 4 * n));
    if (!values.every(Number.isFinite)) throw new TypeError(`${dir}/gan.bin: tensor ${t.name} has non-finite values`);
    tensors.set(t.name, { shape: t.shape, values });
  }
  return { meta: index.meta, tensors };
}

/**
 * Turn the PyTorch port's weights into a TypeScript GAN run folder: `generator/` (G_ema, the
 * shipped kind of checkpoint), `state/` (G, G_ema, D with fresh Adam moments, at the step that
 * matches the images seen at the run's batch size, so `train-gan --resume` continues on CPU),
 * `config.json` and `samples/latest.png`. Returns the TypeScript step it was saved at.
 */
export async function importTorchGan(inDir: string, outDir: string, command: string): Promise<{ step: number; meta: TorchGanMeta }> {
  const { meta, tensors } = readTorchGan(inDir);
  const config = resolveGanConfig(meta.config);
  const step = Math.round(meta.totalImages / config.batchSize);
  // The run goes on from here: its length is the configured one again, on top of what it has seen.
  const runConfig = { ...config, steps: step + config.steps };
  const G = new Generator(config.generator, config.seed);
  const Gema = new Generator(config.generator, config.seed);
  const D = new Discriminator({ ...config.discriminator, resolution: config.generator.resolution }, config.seed + 1);
  const optG = tf.train.adam(config.lr, config.beta1, config.beta2, 1e-8);
  const optD = tf.train.adam(config.lr, config.beta1, config.beta2, 1e-8);
  try {
    G.params.fromArrays(takePrefix(tensors, 'G'));
    Gema.params.fromArrays(takePrefix(tensors, 'Gema'));
    D.params.fromArrays(takePrefix(tensors, 'D'));
    const provenance = {
      command: `${meta.command} ; ${command}`,
      seed: config.seed,
      dataManifestSha256: null,
      data:
        typeof meta['data'] === 'string' && meta['data'].startsWith('real')
          ? `${meta['data']}, ${String(meta['renderedFaces'])} faces, random flips`
          : `face-synth (renderer of this repo, bundled) pre-rendered: ${String(meta['renderedFaces'])} faces, seed ${String(meta['dataSeed'])}, first index ${String(meta['dataFirst'])}`,
      date: new Date().toISOString(),
      runtime: `PyTorch ${meta.torch} on ${meta.device} (libs/trainer-torch, a port of the TypeScript step), from the TypeScript state at step ${meta.initStep}`,
      torch: { steps: meta.torchSteps, batch: meta.batch, images: meta.torchImages, lr: meta['lr'], r1Gamma: meta['r1Gamma'], seconds: meta['seconds'], augmentP: meta['augmentP'] ?? meta['augment'] ?? 0, ada: meta['ada'] ?? null },
    };
    mkdirSync(join(outDir, 'samples'), { recursive: true });
    writeFileSync(join(outDir, 'config.json'), `${JSON.stringify(runConfig, null, 2)}\n`);
    await saveTrainerState(join(outDir, 'state'), { kind: GAN_STATE_KIND, params: { G: G.params, Gema: Gema.params, D: D.params }, optimizers: { optG, optD } }, { config: runConfig, step, provenance });
    saveGenerator(join(outDir, 'generator'), Gema, { ...provenance, steps: step });
  } finally {
    G.dispose();
    Gema.dispose();
    D.dispose();
    optG.dispose();
    optD.dispose();
  }
  // Prove the state resumes in the TypeScript trainer, and draw its sample sheet from it.
  const trainer = new GanTrainer(runConfig, new SyntheticFaceSource(config.generator.resolution, config.seed));
  try {
    await trainer.restore(outDir);
    if (trainer.step !== step) throw new Error(`import: the written state resumes at step ${trainer.step}, expected ${step}`);
    await writeSamples(trainer, outDir);
  } finally {
    trainer.dispose();
  }
  return { step, meta };
}
