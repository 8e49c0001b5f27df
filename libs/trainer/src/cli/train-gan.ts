/** `nx run trainer:train-gan`: the usage and options are in USAGE below (printed by `--help`). */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initRuntime } from '@lfe/face-pipeline';
import { join } from 'node:path';
import { resolveGanConfig } from '../gan/gan-config';
import { openImageSource } from '../gan/image-source';
import { runGan } from '../gan/run-gan';

/** What `--help` prints (the file's documentation). */
const USAGE = [
  "usage: npx nx run trainer:train-gan -- [options]",
  "",
  "Train the StyleGAN generator.",
  "  npx nx run trainer:train-gan -- --config cfg.json --out runs/gan [--resume] [--max-steps N] [--workers N]",
  "--workers N: data-parallel on N worker threads (one core each; the batch must split into N",
  "replicas of whole minibatch-std groups). Checkpoints are the same either way.",
  "Data: config.data = {\"kind\":\"synthetic\",\"seed\":1} (default; face-synth on the fly),",
  "{\"kind\":\"dataset\",\"dir\":…} (face-synth shards) or {\"kind\":\"folder\",\"dir\":…} (your photos + captions.jsonl).",
  "To stop cleanly (finish the step, save): Ctrl-C, or `touch <out>/STOP`.",
].join('\n');
if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
  console.log(USAGE);
  process.exit(0);
}

const { values } = parseArgs({
  options: {
    config: { type: 'string' },
    out: { type: 'string' },
    resume: { type: 'boolean', default: false },
    'max-steps': { type: 'string' },
    workers: { type: 'string', default: '1' },
  },
});
if (values.out === undefined) {
  console.error('train-gan: --out DIR is required');
  process.exit(2);
}
const workers = Number(values.workers);
if (!Number.isInteger(workers) || workers < 1) {
  console.error(`train-gan: --workers must be a positive integer, got "${values.workers}"`);
  process.exit(2);
}
const config = resolveGanConfig(values.config !== undefined ? JSON.parse(readFileSync(values.config, 'utf8')) : undefined);
const rt = await initRuntime();
console.error(`runtime: ${rt.backend} (${rt.reason})`);

const source = await openImageSource(config);

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
  workers,
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
await trainer.dispose();
console.error(`tensors left: ${tf.memory().numTensors}`);
