/**
 * Held-out accuracy of a judge.
 *   npx nx run trainer:eval-judge -- --world real [--model models/real/judge] [--data DIR] [--split test] [--out r.json]
 *     the real-face judge on a split of the real faces: {"meanAccuracy", "meanBalancedAccuracy",
 *     "perAttribute": {CelebA name: {"accuracy", "balancedAccuracy", "auc", "n", "positives"}}}
 *   npx nx run trainer:eval-judge -- --world synthetic --model models/judge --n 2000 --seed 777 [--out r.json] [--threshold 0.98]
 *     the synthetic judge on fresh renders: {"perAttribute": {attr: {accuracy|mae, n, …}}, "perIdentityTrait": {…}};
 *     refuses the seed the judge was trained on; exit code 1 when a discrete entry is below --threshold.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { initRuntime } from '@lfe/face-pipeline';
import { evaluateJudge, failingEntries, formatReport } from '../judge/evaluate';
import { Judge } from '../judge/judge';
import { RealJudge } from '../judge/real-judge';
import { evaluateRealJudge, formatRealJudgeReport } from '../judge/evaluate-real';
import { RealFaceDataset, SPLITS, type SplitName } from '@lfe/realface';
import { encodePng, imageGrid } from '../util/png';

const USAGE = `usage: nx run trainer:eval-judge -- --world real|synthetic [options]
  --world real        the real-face judge on the real faces' split (default world: synthetic)
    --model DIR       default models/real/judge
    --data DIR        real-face folder (default ../shared/realface)
    --split NAME      train | validation | test (default test)
    --disagreements DIR   sheets of the faces where the judge and the label disagree (git-ignored DIR:
                      they are copies of data-set faces), for --disagreement-labels (default the noisy ones)
  --world synthetic   the synthetic judge on fresh face-synth renders
    --model DIR       default models/judge
    --n N --seed S    faces and their seed (required; not the training seed)
    --threshold T     exit 1 when a discrete entry scores below T (default 0.98)
  --out FILE          write the report as JSON
  --batch N           batch size (default 100)`;

const { values } = parseArgs({
  options: {
    help: { type: 'boolean', short: 'h' },
    world: { type: 'string', default: 'synthetic' },
    data: { type: 'string' },
    split: { type: 'string', default: 'test' },
    disagreements: { type: 'string' },
    'disagreement-labels': { type: 'string', default: 'Wavy_Hair,Brown_Hair,Young,Narrow_Eyes' },
    model: { type: 'string' },
    n: { type: 'string', default: '2000' },
    seed: { type: 'string' },
    out: { type: 'string' },
    batch: { type: 'string', default: '100' },
    threshold: { type: 'string', default: '0.98' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (values.world !== 'real' && values.world !== 'synthetic') {
  console.error(`eval-judge: --world must be real or synthetic, got "${values.world}"\n${USAGE}`);
  process.exit(2);
}
if (values.world === 'real') {
  await evalReal();
  process.exit(process.exitCode ?? 0);
}
const model = values.model ?? 'models/judge';
const n = Number(values.n);
const batchSize = Number(values.batch);
const threshold = Number(values.threshold);
if (!Number.isInteger(n) || n < 1) throw new TypeError(`eval-judge: --n must be a positive integer, got "${values.n}"`);
if (!Number.isInteger(batchSize) || batchSize < 1) throw new TypeError(`eval-judge: --batch must be a positive integer, got "${values.batch}"`);
if (values.seed === undefined || !Number.isInteger(Number(values.seed))) {
  console.error('eval-judge: --seed S is required (an integer the judge was not trained on)');
  process.exit(2);
}
const seed = Number(values.seed);
const provenance = (JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8')) as { provenance?: { seed?: number; heldOut?: Record<string, number> } }).provenance;
if (provenance?.seed === seed) {
  console.error(`eval-judge: seed ${seed} is the judge's training stream; pick another`);
  process.exit(2);
}
if (provenance?.heldOut !== undefined && Object.values(provenance.heldOut).includes(seed)) {
  console.error(`eval-judge: note: seed ${seed} is one of the training run's held-out streams (${JSON.stringify(provenance.heldOut)}), never trained on`);
}

const rt = await initRuntime();
console.error(`runtime: ${rt.backend}`);
const judge = Judge.load(model);
const t0 = performance.now();
const report = evaluateJudge(judge, { seed, n, batchSize });
const seconds = (performance.now() - t0) / 1000;
judge.dispose();
console.log(formatReport(report, threshold));
console.log(`\n${n} faces (seed ${seed}) in ${seconds.toFixed(1)} s; tensors left: ${tf.memory().numTensors}`);
if (values.out !== undefined) {
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, `${JSON.stringify({ model, ...report }, null, 2)}\n`);
}
const failing = failingEntries(report, threshold);
if (failing.length > 0) {
  console.error(`eval-judge: below ${threshold}: ${failing.join(', ')}`);
  process.exitCode = 1;
}

async function evalReal(): Promise<void> {
  const split = values.split as SplitName;
  if (!SPLITS.includes(split)) {
    console.error(`eval-judge: --split must be one of ${SPLITS.join(', ')}`);
    process.exit(2);
  }
  if (split === 'train') console.error('eval-judge: note: the real judge was trained on the train split; report validation or test');
  const rt = await initRuntime();
  console.error(`runtime: ${rt.backend}`);
  const dataset = await RealFaceDataset.open({ ...(values.data !== undefined ? { data: values.data } : {}), log: (l) => console.error(l) });
  const modelDir = values.model ?? 'models/real/judge';
  const judge = RealJudge.load(modelDir);
  const t0 = performance.now();
  const report = evaluateRealJudge(judge, dataset.split(split), Number(values.batch));
  if (values.disagreements !== undefined) writeDisagreements(judge, dataset, split, values.disagreements, values['disagreement-labels'].split(','));
  judge.dispose();
  console.log(formatRealJudgeReport(report));
  console.log(`\n${dataset.split(split).count} real faces (${split} split of ${dataset.dir}) in ${((performance.now() - t0) / 1000).toFixed(1)} s; tensors left: ${tf.memory().numTensors}`);
  if (values.out !== undefined) {
    mkdirSync(dirname(values.out), { recursive: true });
    writeFileSync(values.out, `${JSON.stringify({ model: modelDir, data: dataset.dir, ...report }, null, 2)}\n`);
  }
}

/** Per label, two sheets (≤ 48 faces each): judge yes / label no, and judge no / label yes. */
function writeDisagreements(judge: RealJudge, dataset: RealFaceDataset, split: SplitName, dir: string, labels: string[]): void {
  const s = dataset.split(split);
  const r = dataset.resolution;
  const found: Record<string, { yesNo: number[]; noYes: number[] }> = Object.fromEntries(labels.map((l) => [l, { yesNo: [], noYes: [] }]));
  for (let start = 0; start < s.count; start += 250) {
    const b = s.slice(start, 250);
    const x = tf.tensor4d(b.images, b.shape);
    const v = judge.judge(x);
    x.dispose();
    v.forEach((verdict, i) => {
      const row = s.rows[start + i]!;
      for (const l of labels) {
        const label = dataset.label(row, l);
        if (verdict.has[l] === undefined) throw new TypeError(`eval-judge: the judge reads no "${l}"`);
        if (verdict.has[l] && !label) found[l]!.yesNo.push(row);
        if (!verdict.has[l] && label) found[l]!.noYes.push(row);
      }
    });
  }
  mkdirSync(dir, { recursive: true });
  for (const [l, f] of Object.entries(found)) {
    for (const [kind, rows] of [['judge-yes-label-no', f.yesNo], ['judge-no-label-yes', f.noYes]] as const) {
      const pick = rows.slice(0, 48);
      if (pick.length === 0) continue;
      const all = new Uint8Array(pick.length * r * r * 3);
      pick.forEach((row, i) => all.set(dataset.image(row), i * r * r * 3));
      const g = imageGrid(all, pick.length, r, 8);
      writeFileSync(join(dir, `${l}-${kind}.png`), encodePng(g.rgb, g.width, g.height));
    }
    console.error(`${l}: judge yes / label no ${f.yesNo.length}, judge no / label yes ${f.noYes.length}`);
  }
  console.error(`disagreement sheets (copies of data-set faces: git-ignored, never commit) in ${dir}/`);
}
