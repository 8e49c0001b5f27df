/** `nx run trainer:eval-inversion`: the usage and options are in USAGE below (printed by `--help`). */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { FaceDescriptor, initRuntime, loadEncoder, loadGenerator } from '@lfe/face-pipeline';
import { RealFaceDataset } from '@lfe/realface';
import { evaluateInversionReal, formatRealInversionReport } from '../eval/eval-inversion-real';
import { RealJudge } from '../judge/real-judge';

const USAGE = [
  'usage: npx nx run trainer:eval-inversion -- --world real --generator DIR --encoder DIR',
  '       [--faces 1500] [--refine 0,20] [--split test|validation] [--data DIR] [--judge models/real/judge] [--identity models/real/identity.json] [--out report.json]',
  '',
  'Inversion of real held-out faces (the test split; --split validation to choose settings): each face through the encoder (and N steps of latent refinement)',
  'into the generator and back. Reports pixel MSE, the face-descriptor distance and the share under the',
  'calibrated same-person threshold, the share of command labels the real judge reads the same, and FD',
  'of the reconstructions against the test faces (with the real-vs-real floors).',
  "The synthetic world's inversion report is written by train-encoder (report.json beside the encoder).",
  'Exit codes: 0 done, 2 usage.',
].join('\n');

const { values } = parseArgs({
  options: {
    help: { type: 'boolean', short: 'h' },
    world: { type: 'string', default: 'real' },
    generator: { type: 'string' },
    encoder: { type: 'string' },
    faces: { type: 'string', default: '1500' },
    refine: { type: 'string', default: '0' },
    split: { type: 'string', default: 'test' },
    data: { type: 'string' },
    judge: { type: 'string', default: 'models/real/judge' },
    identity: { type: 'string', default: 'models/real/identity.json' },
    out: { type: 'string' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const fail = (msg: string): never => {
  console.error(`eval-inversion: ${msg}\n${USAGE}`);
  process.exit(2);
};
if (values.world !== 'real') fail(`--world ${values.world}: only "real" (the synthetic report is train-encoder's report.json)`);
if (values.generator === undefined || values.encoder === undefined) fail('--generator DIR and --encoder DIR are required');
const faces = Number(values.faces);
if (!Number.isInteger(faces) || faces < 2) fail(`--faces must be an integer ≥ 2, got "${values.faces}"`);
if (values.split !== 'test' && values.split !== 'validation') fail(`--split must be test or validation, got "${values.split}"`);
const refine = values.refine.split(',').map(Number);
if (refine.some((v) => !Number.isInteger(v) || v < 0 || v > 1000)) fail(`--refine must be integers in 0…1000, got "${values.refine}"`);

await initRuntime();
const set = await RealFaceDataset.open({ ...(values.data !== undefined ? { data: values.data } : {}), log: (l) => console.error(l) });
const g = loadGenerator(values.generator!);
const enc = loadEncoder(values.encoder!);
const judge = RealJudge.load(values.judge);
const cal = JSON.parse(readFileSync(values.identity, 'utf8')) as { threshold: number; crop: number };
const descriptor = await FaceDescriptor.load({ crop: cal.crop });
const t0 = performance.now();
try {
  const report = await evaluateInversionReal(g, enc, judge, descriptor, cal.threshold, set, { faces, refineSteps: refine, split: values.split as 'test' | 'validation', log: (l) => console.error(l) });
  console.log(formatRealInversionReport(report));
  console.error(`${((performance.now() - t0) / 1000).toFixed(0)} s`);
  if (values.out !== undefined) {
    mkdirSync(dirname(values.out), { recursive: true });
    const meta = { generator: values.generator, encoder: values.encoder, judge: values.judge, command: `npx nx run trainer:eval-inversion -- ${process.argv.slice(2).join(' ')}`, date: new Date().toISOString().slice(0, 10) };
    writeFileSync(values.out, `${JSON.stringify({ ...meta, ...report }, null, 2)}\n`);
  }
} finally {
  g.dispose();
  enc.dispose();
  judge.dispose();
}
console.error(`tensors left: ${tf.memory().numTensors}`);
