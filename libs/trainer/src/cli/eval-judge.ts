/**
 * Held-out accuracy of a judge on fresh renders.
 *   npx nx run trainer:eval-judge -- --model models/judge --n 2000 --seed 777 [--out r.json] [--threshold 0.98]
 * Prints a table; writes {"perAttribute": {attr: {accuracy|mae, n, …}}, "perIdentityTrait": {…}} to --out.
 * Refuses the seed the judge was trained on. Exit code 1 when a discrete entry is below --threshold.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { initRuntime } from '@lfe/face-pipeline';
import { evaluateJudge, failingEntries, formatReport } from '../judge/evaluate';
import { Judge } from '../judge/judge';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'models/judge' },
    n: { type: 'string', default: '2000' },
    seed: { type: 'string' },
    out: { type: 'string' },
    batch: { type: 'string', default: '100' },
    threshold: { type: 'string', default: '0.98' },
  },
});
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
const provenance = (JSON.parse(readFileSync(join(values.model, 'manifest.json'), 'utf8')) as { provenance?: { seed?: number; heldOut?: Record<string, number> } }).provenance;
if (provenance?.seed === seed) {
  console.error(`eval-judge: seed ${seed} is the judge's training stream; pick another`);
  process.exit(2);
}
if (provenance?.heldOut !== undefined && Object.values(provenance.heldOut).includes(seed)) {
  console.error(`eval-judge: note: seed ${seed} is one of the training run's held-out streams (${JSON.stringify(provenance.heldOut)}), never trained on`);
}

const rt = await initRuntime();
console.error(`runtime: ${rt.backend}`);
const judge = Judge.load(values.model);
const t0 = performance.now();
const report = evaluateJudge(judge, { seed, n, batchSize });
const seconds = (performance.now() - t0) / 1000;
judge.dispose();
console.log(formatReport(report, threshold));
console.log(`\n${n} faces (seed ${seed}) in ${seconds.toFixed(1)} s; tensors left: ${tf.memory().numTensors}`);
if (values.out !== undefined) {
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, `${JSON.stringify({ model: values.model, ...report }, null, 2)}\n`);
}
const failing = failingEntries(report, threshold);
if (failing.length > 0) {
  console.error(`eval-judge: below ${threshold}: ${failing.join(', ')}`);
  process.exitCode = 1;
}
