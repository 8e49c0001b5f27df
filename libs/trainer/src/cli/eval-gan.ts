/**
 * FD-judge and attribute coverage of a generator.
 *   npx nx run trainer:eval-gan -- [--generator models/default/generator] [--judge models/judge]
 *                                  [--samples 2000] [--psi 1] [--noise const|random|none] [--out r.json]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initRuntime, loadGenerator } from '@lfe/face-pipeline';
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
if (values.out !== undefined) writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
g.dispose();
judge.dispose();
