/** `nx run trainer:train-captioner`: the usage and options are in USAGE below (printed by `--help`). */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { initRuntime } from '@lfe/face-pipeline';
import { resolveCaptionerTrainConfig, type CaptionerTrainConfig } from '../captioner/captioner-trainer';
import { runCaptioner } from '../captioner/run-captioner';

/** What `--help` prints (the file's documentation). */
const USAGE = [
  "usage: npx nx run trainer:train-captioner -- [options]",
  "",
  "Pre-train the captioner on faces rendered on the fly with their true captions, and ship it.",
  "  npx tsx libs/trainer/src/cli/train-captioner.ts --out models/default/captioner [--steps N] [--resume]",
  "    [--work tmp/captioner-run] [--seed S] [--batch B] [--report-n N] [--validate-every N] [--checkpoint-every N]",
  "    [--init DIR] [--lr LR]   (start from a shipped captioner: same model, fresh optimiser and schedule)",
  "State (resumable), log.jsonl and config.json go to --work; the captioner + report.json to --out.",
].join('\n');
if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
  console.log(USAGE);
  process.exit(0);
}

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    work: { type: 'string', default: 'tmp/captioner-run' },
    steps: { type: 'string' },
    seed: { type: 'string' },
    batch: { type: 'string' },
    'report-n': { type: 'string' },
    'validate-every': { type: 'string' },
    'checkpoint-every': { type: 'string' },
    init: { type: 'string' },
    lr: { type: 'string' },
    resume: { type: 'boolean', default: false },
  },
});
if (values.out === undefined) {
  console.error('train-captioner: --out DIR is required');
  process.exit(2);
}
const int = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`train-captioner: --${name} must be a non-negative integer, got "${v}"`);
    process.exit(2);
  }
  return n;
};
const user: Partial<CaptionerTrainConfig> = {};
const set = <K extends keyof CaptionerTrainConfig>(k: K, v: CaptionerTrainConfig[K] | undefined): void => {
  if (v !== undefined) user[k] = v;
};
set('steps', int('steps', values.steps));
set('seed', int('seed', values.seed));
set('batchSize', int('batch', values.batch));
set('reportN', int('report-n', values['report-n']));
set('validateEvery', int('validate-every', values['validate-every']));
set('checkpointEvery', int('checkpoint-every', values['checkpoint-every']));
if (values.init !== undefined) user.init = values.init;
if (values.lr !== undefined) {
  const lr = Number(values.lr);
  if (!(lr > 0)) {
    console.error(`train-captioner: --lr must be a positive number, got "${values.lr}"`);
    process.exit(2);
  }
  user.lr = lr;
}
const config = resolveCaptionerTrainConfig(user);

const rt = await initRuntime();
console.error(`runtime: ${rt.backend} (${rt.reason})`);
let stop = false;
process.on('SIGINT', () => {
  if (stop) process.exit(130);
  stop = true;
  console.error('\ntrain-captioner: finishing this step and saving a checkpoint (Ctrl-C again to abort)');
});
process.on('SIGTERM', () => {
  stop = true;
});
await runCaptioner({
  outDir: values.out,
  workDir: values.work,
  config,
  resume: values.resume,
  command: `npx tsx libs/trainer/src/cli/train-captioner.ts ${process.argv.slice(2).join(' ')}`,
  shouldStop: () => stop,
});
console.error(`tensors left: ${tf.memory().numTensors}`);
