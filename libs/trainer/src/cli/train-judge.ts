/** `nx run trainer:train-judge`: the usage and options are in USAGE below (printed by `--help`). */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initRuntime } from '@lfe/face-pipeline';
import { resolveJudgeTrainConfig, type JudgeTrainConfig } from '../judge/judge-trainer';
import { runJudge } from '../judge/run-judge';

/** What `--help` prints (the file's documentation). */
const USAGE = [
  "usage: npx nx run trainer:train-judge -- [options]",
  "",
  "Train the judge on faces rendered on the fly and ship it.",
  "  npx nx run trainer:train-judge -- --out models/judge [--steps N] [--resume] [--work tmp/judge-run]",
  "    [--seed S] [--batch B] [--report-n N] [--config cfg.json] [--workers N]",
  "--workers N: data-parallel on N threads (one core each; the batch must split into N equal parts).",
  "--config: a JSON object of JudgeTrainConfig fields (e.g. a wider `model`); the flags win over it.",
  "State (resumable), log.jsonl and config.json go to --work; the judge + report.json to --out.",
].join('\n');
if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
  console.log(USAGE);
  process.exit(0);
}

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    work: { type: 'string', default: 'tmp/judge-run' },
    steps: { type: 'string' },
    seed: { type: 'string' },
    batch: { type: 'string' },
    'report-n': { type: 'string' },
    'validate-every': { type: 'string' },
    'checkpoint-every': { type: 'string' },
    resume: { type: 'boolean', default: false },
    config: { type: 'string' },
    workers: { type: 'string', default: '1' },
  },
});
if (values.out === undefined) {
  console.error('train-judge: --out DIR is required');
  process.exit(2);
}
const int = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`train-judge: --${name} must be a non-negative integer, got "${v}"`);
    process.exit(2);
  }
  return n;
};
let user: Partial<JudgeTrainConfig> = {};
if (values.config !== undefined) {
  try {
    const parsed: unknown = JSON.parse(readFileSync(values.config, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
    user = parsed as Partial<JudgeTrainConfig>;
  } catch (e) {
    console.error(`train-judge: --config ${values.config}: ${(e as Error).message}`);
    process.exit(2);
  }
}
const steps = int('steps', values.steps);
if (steps !== undefined) user.steps = steps;
const seed = int('seed', values.seed);
if (seed !== undefined) user.seed = seed;
const batch = int('batch', values.batch);
if (batch !== undefined) user.batchSize = batch;
const reportN = int('report-n', values['report-n']);
if (reportN !== undefined) user.reportN = reportN;
const ve = int('validate-every', values['validate-every']);
if (ve !== undefined) user.validateEvery = ve;
const ce = int('checkpoint-every', values['checkpoint-every']);
if (ce !== undefined) user.checkpointEvery = ce;
let config: JudgeTrainConfig;
try {
  config = resolveJudgeTrainConfig(user);
} catch (e) {
  console.error(`train-judge: ${(e as Error).message}`);
  process.exit(2);
}

const workers = int('workers', values.workers)!;
if (workers < 1) {
  console.error('train-judge: --workers must be ≥ 1');
  process.exit(2);
}
if (config.batchSize % workers !== 0) {
  console.error(`train-judge: batch ${config.batchSize} does not split into ${workers} equal parts`);
  process.exit(2);
}

const rt = await initRuntime();
console.error(`runtime: ${rt.backend} (${rt.reason})`);
let stop = false;
process.on('SIGINT', () => {
  if (stop) process.exit(130);
  stop = true;
  console.error('\ntrain-judge: finishing this step and saving a checkpoint (Ctrl-C again to abort)');
});
process.on('SIGTERM', () => {
  stop = true;
});
const final = await runJudge({
  outDir: values.out,
  workDir: values.work,
  config,
  resume: values.resume,
  command: `nx run trainer:train-judge -- ${process.argv.slice(2).join(' ')}`,
  shouldStop: () => stop,
  workers,
});
console.error(`tensors left: ${tf.memory().numTensors}`);
if (final !== null && final.failing.length > 0) {
  console.error(`train-judge: below 98 % held-out accuracy: ${final.failing.join(', ')}`);
  process.exitCode = 1;
}
