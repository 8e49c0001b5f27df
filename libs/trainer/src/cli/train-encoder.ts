/** `nx run trainer:train-encoder`: the usage and options are in USAGE below (printed by `--help`). */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initRuntime, loadEncoder, loadGenerator, saveEncoder, type Provenance } from '@lfe/face-pipeline';
import { openImageFolder } from '@lfe/face-synth';
import { resolveEncoderTrainConfig, EncoderTrainer, type EncoderTrainConfig, type EncoderStepStats } from '../editor/encoder-trainer';
import { evaluateInversion, formatInversionReport } from '../eval/eval-inversion';
import { DatasetSource, SyntheticFaceSource, type ImageSource } from '../gan/image-source';
import { fmtDuration, loggedSeconds, runLoop, type StepProvenance } from '../util/run-loop';
import { stopRequests } from '../util/stop-requests';

/** What `--help` prints (the file's documentation). */
const USAGE = [
  "usage: npx nx run trainer:train-encoder -- [options]",
  "",
  "Train the inversion encoder (image → W+) against a frozen generator and export it.",
  "  npx nx run trainer:train-encoder -- --out models/default/editor/encoder --work training/encoder-run",
  "      [--config cfg.json] [--generator DIR] [--steps N] [--resume] [--folder DIR [--index captions.jsonl]]",
  "Data for the pixel loss: face-synth renders (default) or --folder with your own photos.",
  "The judge is not used here (it never touches training); eval-editor reports judge agreement.",
  "Stop cleanly: Ctrl-C or `touch <work>/STOP`; continue with --resume.",
].join('\n');
if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
  console.log(USAGE);
  process.exit(0);
}

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    work: { type: 'string', default: 'training/encoder-run' },
    config: { type: 'string' },
    generator: { type: 'string' },
    steps: { type: 'string' },
    folder: { type: 'string' },
    index: { type: 'string' },
    'report-faces': { type: 'string', default: '256' },
    resume: { type: 'boolean', default: false },
  },
});
const fail = (msg: string): never => {
  console.error(`train-encoder: ${msg}`);
  process.exit(2);
};
if (values.out === undefined) fail('--out DIR is required');
const work = values.work;
const cfgFile = join(work, 'config.json');
let user: Partial<EncoderTrainConfig> = {};
if (values.resume && existsSync(cfgFile)) user = JSON.parse(readFileSync(cfgFile, 'utf8')) as Partial<EncoderTrainConfig>;
else if (values.config !== undefined) user = JSON.parse(readFileSync(values.config, 'utf8')) as Partial<EncoderTrainConfig>;
if (values.generator !== undefined) user.generator = values.generator;
if (values.steps !== undefined) {
  const n = Number(values.steps);
  if (!Number.isInteger(n) || n < 1) fail(`--steps must be a positive integer, got "${values.steps}"`);
  user.steps = n;
}
if (values.folder !== undefined) user.data = { kind: 'folder', dir: values.folder, ...(values.index !== undefined ? { index: values.index } : {}) };
const config = resolveEncoderTrainConfig(user);

const rt = await initRuntime();
console.error(`runtime: ${rt.backend} (${rt.reason})`);
const g = loadGenerator(config.generator);
const genSha = (JSON.parse(readFileSync(join(config.generator, 'manifest.json'), 'utf8')) as { weights: { sha256: string } }).weights.sha256;
let source: ImageSource;
if (config.data.kind === 'synthetic') source = new SyntheticFaceSource(g.config.resolution, config.data.seed);
else {
  const ds = await openImageFolder(config.data.dir, { size: g.config.resolution, ...(config.data.index !== undefined ? { index: config.data.index } : {}) });
  source = new DatasetSource(ds, config.seed, `image folder ${config.data.dir}`, null);
}
mkdirSync(work, { recursive: true });
writeFileSync(cfgFile, `${JSON.stringify(config, null, 2)}\n`);

const stopRequested = stopRequests(work, 'train-encoder');
const command = `npx nx run trainer:train-encoder -- ${process.argv.slice(2).join(' ')}`;
const provenance = (): StepProvenance => ({
  command,
  seed: config.seed,
  dataManifestSha256: source.describe().manifestSha256,
  date: new Date().toISOString(),
  data: `${config.batchSize - Math.round(config.batchSize * config.dataFraction)} generator samples per step (ψ ∈ [${config.psiMin}, 1], mixing ${config.mixingProb}) + ${source.describe().detail}`,
  generator: config.generator,
  generatorSha256: genSha,
  loss: `${config.latentWeight}·‖E(G(w)) − w‖² + ${config.pixelWeight}·‖G(E(x)) − x‖²`,
  optimizer: `Adam(${config.lr}, 0.9, 0.999), cosine to ${config.lr * config.finalLrFraction}`,
});
const trainer = new EncoderTrainer(config, g, source);
const { completed } = await runLoop<EncoderStepStats>({
  trainer,
  workDir: work,
  steps: config.steps,
  resume: values.resume,
  checkpointEvery: config.checkpointEvery,
  provenance,
  describe: (s) => `loss ${s.loss.toFixed(4)} (latent ${s.latent.toFixed(4)} pixel ${s.pixel.toFixed(4)}) lr ${s.lr.toExponential(2)}`,
  shouldStop: stopRequested,
});
if (!completed) {
  console.error(`stopped at step ${trainer.step}/${config.steps}; continue with --resume`);
} else {
  const seconds = loggedSeconds(work);
  const prov: Provenance = { ...provenance(), steps: trainer.step, trainingSeconds: Math.round(seconds) };
  const n = Number(values['report-faces']);
  const reports: Record<string, ReturnType<typeof evaluateInversion>> = {};
  for (const dtype of ['float32', 'float16'] as const) {
    const dir = join(work, `export-${dtype}`);
    saveEncoder(dir, trainer.encoder, { ...prov, dtype }, dtype);
    const e = loadEncoder(dir);
    reports[dtype] = evaluateInversion(g, e, null, { faces: n, seed: 404, refineSteps: dtype === 'float16' ? [0, 20] : [0] });
    e.dispose();
  }
  const r32 = reports['float32']!.rows[0]!;
  const r16 = reports['float16']!.rows[0]!;
  const dtype = r16.mse <= r32.mse * 1.01 ? 'float16' : 'float32';
  saveEncoder(values.out!, trainer.encoder, { ...prov, dtype }, dtype);
  const report = { dtype, dtypeDecision: `float16 ships when its held-out reconstruction MSE is within 1 % of float32's: float32 ${r32.mse.toFixed(5)}, float16 ${r16.mse.toFixed(5)}`, inversion: reports[dtype], trainingSeconds: seconds, provenance: prov };
  writeFileSync(join(values.out!, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.error(`${formatInversionReport(reports['float16']!)}\n\nshipped ${dtype} encoder to ${values.out} after ${fmtDuration(seconds)} of training`);
}
trainer.dispose();
g.dispose();
console.error(`tensors left: ${tf.memory().numTensors}`);
