/**
 * Reference outputs of the TypeScript G_ema and D for the PyTorch port's parity check
 * (libs/trainer-torch/lfe_torch/gan_parity.py, `nx run trainer-torch:gan-parity`):
 *   parity-dump <trainer state dir> <z.f32 [n,zDim]> <images.u8 [n,R,R,3]> <out dir>
 * writes w.f32 (mapping), img.f32 (G_ema synthesis, const noise, NHWC) and d.f32 (D logits).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { Generator, loadCheckpoint } from '@lfe/face-pipeline';
import { takePrefix } from '../../util/adam-state';
import { Discriminator } from '../discriminator';
import type { GanConfig } from '../gan-config';

async function main(argv: string[]): Promise<void> {
  const [stateDir, zPath, imgPath, outDir] = argv;
  if (outDir === undefined) throw new TypeError('usage: parity-dump <state dir> <z.f32> <images.u8> <out dir>');
  await tf.setBackend('cpu');
  const { manifest, tensors } = loadCheckpoint(stateDir!, { kind: 'gan-training-state' });
  const cfg = manifest.architecture.config as unknown as GanConfig;
  const G = new Generator(cfg.generator, cfg.seed);
  G.params.fromArrays(takePrefix(tensors, 'Gema'));
  const D = new Discriminator({ ...cfg.discriminator, resolution: cfg.generator.resolution }, cfg.seed + 1);
  D.params.fromArrays(takePrefix(tensors, 'D'));
  const zb = readFileSync(zPath!);
  const z = new Float32Array(zb.buffer, zb.byteOffset, zb.byteLength / 4);
  const n = z.length / cfg.generator.zDim;
  const r = cfg.generator.resolution;
  const u8 = readFileSync(imgPath!);
  mkdirSync(outDir, { recursive: true });
  const [w, img, d] = tf.tidy(() => {
    const zt = tf.tensor2d(z, [n, cfg.generator.zDim]);
    const wt = G.mapping(zt);
    const it = G.synthesis(wt, { noise: 'const' });
    const x = tf.sub(tf.div(tf.tensor4d(Float32Array.from(u8.subarray(0, n * r * r * 3)), [n, r, r, 3]), 127.5), 1) as tf.Tensor4D;
    return [wt.dataSync(), it.dataSync(), D.apply(x).dataSync()];
  });
  for (const [name, a] of [['w', w], ['img', img], ['d', d]] as const) writeFileSync(`${outDir}/${name}.f32`, Buffer.from((a as Float32Array).buffer));
  G.dispose();
  D.dispose();
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
