/**
 * FD-judge and attribute coverage of a generator.
 *   npx nx run trainer:eval-gan -- [--generator models/default/generator] [--judge models/judge]
 *                                  [--samples 2000] [--psi 1] [--noise const|random|none] [--out r.json]
 *                                  [--editability] [--edit-samples 160] [--multipliers 1,4,16]
 * --editability adds how linearly W encodes each attribute level (src/eval/eval-editability.ts): the
 * share of samples a move along its InterFaceGAN normal (fitted step × multiplier) brings to it.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initRuntime, loadGenerator } from '@lfe/face-pipeline';
import { evaluateEditability, formatEditability } from '../eval/eval-editability';
import { evaluateGan, formatGanReport } from '../eval/eval-gan';
import { Judge } from '../judge/judge';

const { values } = parseArgs({
  options: {
    generator: { type: 'string', default: 'models/default/generator' },
    judge: { type: 'string', default: 'models/judge' },
    samples: { type: 'string', default: '2000' },
    psi: { type: 'string', default: '1' },
    noise: { type: 'string', default: 'const' },
    out: { type: 'string' },
    editability: { type: 'boolean', default: false },
    'edit-samples': { type: 'string', default: '160' },
    multipliers: { type: 'string', default: '1,4,16' },
  },
});
if (!['const', 'random', 'none'].includes(values.noise)) {
  console.error(`eval-gan: --noise must be const, random or none, got "${values.noise}"`);
  process.exit(2);
}
await initRuntime();
const g = loadGenerator(values.generator);
const judge = Judge.load(values.judge);
const report = evaluateGan(g, judge, { samples: Number(values.samples), psi: Number(values.psi), noise: values.noise as 'const' | 'random' | 'none', checkpoint: values.generator });
console.log(formatGanReport(report));
let editability = null;
if (values.editability) {
  const multipliers = values.multipliers.split(',').map(Number);
  const editSamples = Number(values['edit-samples']);
  if (multipliers.some((m) => !(m >= 0)) || !Number.isInteger(editSamples) || editSamples < 1) {
    console.error(`eval-gan: --multipliers wants non-negative numbers and --edit-samples a positive integer`);
    process.exit(2);
  }
  editability = evaluateEditability(g, judge, { samples: editSamples, multipliers });
  console.log(formatEditability(editability));
}
if (values.out !== undefined) writeFileSync(values.out, `${JSON.stringify({ ...report, editability }, null, 2)}\n`);
g.dispose();
judge.dispose();
