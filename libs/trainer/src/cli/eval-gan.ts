/**
 * FD-judge and attribute coverage of a generator.
 *   npx nx run trainer:eval-gan -- [--generator models/default/generator] [--judge models/judge]
 *                                  [--samples 2000] [--psi 1] [--noise const|random|none] [--out r.json]
 *                                  [--editability] [--edit-samples 160] [--multipliers 1,4,16]
 *   npx nx run trainer:eval-gan -- --world real [--generator DIR] [--judge models/real/judge] [--data DIR] [--samples 1500] [--out r.json]
 *                                  [--editability [--edit-samples 2000]] [--sheet sheet.png] [--sweep sweep.png]
 *     against the real faces: {"fdJudge", "fdRealReal", "fdFace", "fdFaceRealReal", "coverage": {attr: {present, absent}}, …}
 *     (FD in the real judge's features and in face-descriptor space, floors = validation vs test split);
 *     --editability: how well a hyperplane in W predicts the real judge on each command label
 *     (src/eval/eval-editability-real.ts); --sheet: 8×8 faces of fixed z at --psi; --sweep: the
 *     truncation sweep (rows: fixed z; columns: ψ 0, 0.25, 0.5, 0.7, 0.85, 1). Both worlds write the sheets.
 * --editability adds how linearly W encodes each attribute level (src/eval/eval-editability.ts): the
 * share of samples a move along its InterFaceGAN normal (fitted step × multiplier) brings to it.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FaceDescriptor, initRuntime, loadGenerator } from '@lfe/face-pipeline';
import { RealFaceDataset } from '@lfe/realface';
import { evaluateGanReal, formatRealGanReport } from '../eval/eval-gan-real';
import { RealJudge } from '../judge/real-judge';
import { evaluateEditability, formatEditability } from '../eval/eval-editability';
import { evaluateRealEditability, formatRealEditability } from '../eval/eval-editability-real';
import { commandLabels, realCommands } from '../eval/eval-editor-real';
import { sampleSheet, truncationSweep } from '../eval/gan-sheets';
import { evaluateGan, formatGanReport } from '../eval/eval-gan';
import { Judge } from '../judge/judge';

const USAGE = `usage: nx run trainer:eval-gan -- [--world synthetic|real] [options]
  --generator DIR   default models/default/generator
  --judge DIR       default models/judge (synthetic) / models/real/judge (real)
  --data DIR        real-face folder (real world; default ../shared/realface)
  --samples N       default 2000 (synthetic) / 1500, the test split's size (real)
  --psi P --noise const|random|none --out FILE
  --editability [--edit-samples N] [--multipliers 1,4,16]
        synthetic: InterFaceGAN moves (default 160 samples); real: linear separability in W of each
        command label (default 2000 samples)
  --sheet FILE.png  8×8 faces of fixed z at --psi      --sweep FILE.png  truncation sweep`;
const { values } = parseArgs({
  options: {
    help: { type: 'boolean', short: 'h' },
    world: { type: 'string', default: 'synthetic' },
    data: { type: 'string' },
    generator: { type: 'string', default: 'models/default/generator' },
    judge: { type: 'string' },
    samples: { type: 'string' },
    psi: { type: 'string', default: '1' },
    noise: { type: 'string', default: 'const' },
    out: { type: 'string' },
    editability: { type: 'boolean', default: false },
    'edit-samples': { type: 'string' },
    sheet: { type: 'string' },
    sweep: { type: 'string' },
    multipliers: { type: 'string', default: '1,4,16' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (values.world !== 'synthetic' && values.world !== 'real') {
  console.error(`eval-gan: --world must be synthetic or real\n${USAGE}`);
  process.exit(2);
}
if (!['const', 'random', 'none'].includes(values.noise)) {
  console.error(`eval-gan: --noise must be const, random or none, got "${values.noise}"`);
  process.exit(2);
}
await initRuntime();
const g = loadGenerator(values.generator);
if (values.sheet !== undefined) {
  writeFileSync(values.sheet, sampleSheet(g, { psi: Number(values.psi) }));
  console.error(`eval-gan: wrote ${values.sheet} (8×8, fixed z, ψ ${values.psi})`);
}
if (values.sweep !== undefined) {
  writeFileSync(values.sweep, truncationSweep(g));
  console.error(`eval-gan: wrote ${values.sweep} (truncation sweep: rows fixed z, columns ψ 0 0.25 0.5 0.7 0.85 1)`);
}
if (values.world === 'real') {
  const set = await RealFaceDataset.open({ ...(values.data !== undefined ? { data: values.data } : {}), log: (l) => console.error(l) });
  const rj = RealJudge.load(values.judge ?? 'models/real/judge');
  const report = await evaluateGanReal(g, rj, await FaceDescriptor.load(), set, {
    samples: Number(values.samples ?? 1500),
    psi: Number(values.psi),
    noise: values.noise as 'const' | 'random' | 'none',
    checkpoint: values.generator,
  });
  console.log(formatRealGanReport(report));
  let editability = null;
  if (values.editability) {
    const editSamples = Number(values['edit-samples'] ?? 2000);
    if (!Number.isInteger(editSamples) || editSamples < 40) {
      console.error(`eval-gan: --edit-samples wants an integer ≥ 40 in the real world (a quarter is held out), got "${values['edit-samples']}"`);
      process.exit(2);
    }
    editability = evaluateRealEditability(g, rj, commandLabels(realCommands()), { samples: editSamples, psi: Number(values.psi) });
    console.log(formatRealEditability(editability));
  }
  if (values.out !== undefined) writeFileSync(values.out, `${JSON.stringify({ ...report, editability }, null, 2)}\n`);
  rj.dispose();
  g.dispose();
  process.exit(0);
}
const judge = Judge.load(values.judge ?? 'models/judge');
const report = evaluateGan(g, judge, { samples: Number(values.samples ?? 2000), psi: Number(values.psi), noise: values.noise as 'const' | 'random' | 'none', checkpoint: values.generator });
console.log(formatGanReport(report));
let editability = null;
if (values.editability) {
  const multipliers = values.multipliers.split(',').map(Number);
  const editSamples = Number(values['edit-samples'] ?? 160);
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
