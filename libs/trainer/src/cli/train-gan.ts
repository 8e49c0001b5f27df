/**
 * Train the StyleGAN generator.
 *   npx nx run trainer:train-gan -- --config cfg.json --out runs/gan [--resume] [--max-steps N]
 * Data: config.data = {"kind":"synthetic","seed":1} (default; face-synth on the fly),
 * {"kind":"dataset","dir":…} (face-synth shards) or {"kind":"folder","dir":…} (your photos + captions.jsonl).
 * To stop cleanly (finish the step, save): Ctrl-C, or `touch <out>/STOP`.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initRuntime } from '@lfe/face-pipeline';
import { openDataset, openImageFolder } from '@lfe/face-synth';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { resolveGanConfig } from '../gan/gan-config';
import { DatasetSource, SyntheticFaceSource, type ImageSource } from '../gan/image-source';
import { runGan } from '../gan/run-gan';

const { values } = parseArgs({
  options: {
    config: { type: 'string' },
    out: { type: 'string' },
    resume: { type: 'boolean', default: false },
    'max-steps': { type: 'string' },
  },
});
if (values.out === undefined) {
  console.error('train-gan: --out DIR is required');
  process.exit(2);
}
const config = resolveGanConfig(values.config !== undefined ? JSON.parse(readFileSync(values.config, 'utf8')) : undefined);
const rt = await initRuntime();
console.error(`runtime: ${rt.backend} (${rt.reason})`);

let source: ImageSource;
const d = config.data;
if (d.kind === 'synthetic') {
  source = new SyntheticFaceSource(config.generator.resolution, d.seed);
} else if (d.kind === 'dataset') {
  const ds = await openDataset(d.dir);
  const sha = createHash('sha256').update(readFileSync(join(d.dir, 'manifest.json'))).digest('hex');
  source = new DatasetSource(ds, config.seed, `face-synth shards ${d.dir}`, sha);
} else {
  const ds = await openImageFolder(d.dir, { size: config.generator.resolution, ...(d.index !== undefined ? { index: d.index } : {}) });
  source = new DatasetSource(ds, config.seed, `image folder ${d.dir}`, null);
}

let stop = false;
process.on('SIGINT', () => {
  if (stop) process.exit(130);
  stop = true;
  console.error('\ntrain-gan: finishing this step and saving a checkpoint (Ctrl-C again to abort)');
});
// A STOP file in the run folder also stops cleanly (signals may not reach us through npx/tsx wrappers).
const stopFile = join(values.out, 'STOP');
const maxSteps = values['max-steps'] !== undefined ? Number(values['max-steps']) : undefined;
const { trainer, last } = await runGan({
  outDir: values.out,
  config,
  source,
  resume: values.resume,
  ...(maxSteps !== undefined ? { maxSteps } : {}),
  command: `nx run trainer:train-gan -- ${process.argv.slice(2).join(' ')}`,
  shouldStop: () => {
    if (!stop && existsSync(stopFile)) {
      rmSync(stopFile);
      stop = true;
      console.error('\ntrain-gan: STOP file found; saving a checkpoint and exiting');
    }
    return stop;
  },
});
console.error(`\ntrain-gan: step ${trainer.step}/${trainer.config.steps}; last ${JSON.stringify(last)}; checkpoint in ${values.out}/state, generator in ${values.out}/generator`);
trainer.dispose();
console.error(`tensors left: ${tf.memory().numTensors}`);
