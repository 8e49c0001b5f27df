/** `nx run trainer:eval-optimise`: the usage and options are in USAGE below (printed by `--help`). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { Captioner, initRuntime, loadEncoder, loadGenerator, readEditorInfo } from '@lfe/face-pipeline';
import { DEFAULT_EDIT_TARGET_CONFIG } from '../editor/edit-targets';
import { buildCases, evaluateEditor, formatEditorReport } from '../eval/eval-editor';
import { OffsetAverager, captionerOptimisation, judgeOptimisation } from '../eval/eval-optimise';
import { Judge } from '../judge/judge';

/** What `--help` prints (the file's documentation). */
const USAGE = [
  "usage: npx nx run trainer:eval-optimise -- [options]",
  "",
  "Editor diagnostics (issue 5): per-face latent optimisation against the frozen captioner (the joint",
  "training's objective, judge-free) and against the judge (an oracle bound), scored like the editor;",
  "then, per command, whether the average captioner-optimised offset transfers to other faces.",
  "  npx nx run trainer:eval-optimise -- [--faces 32] [--steps 40] [--lr 0.05] [--latent-weight 10]",
  "      [--coarse-weight 10] [--transfer \"add glasses;long hair;smile\"] [--out FILE.json]",
].join('\n');
if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
  console.log(USAGE);
  process.exit(0);
}

const { values } = parseArgs({
  options: {
    faces: { type: 'string', default: '32' },
    steps: { type: 'string', default: String(DEFAULT_EDIT_TARGET_CONFIG.steps) },
    lr: { type: 'string', default: String(DEFAULT_EDIT_TARGET_CONFIG.lr) },
    'latent-weight': { type: 'string', default: String(DEFAULT_EDIT_TARGET_CONFIG.latentWeight) },
    'coarse-weight': { type: 'string', default: String(DEFAULT_EDIT_TARGET_CONFIG.coarseWeight) },
    transfer: { type: 'string', default: 'add glasses;long hair;smile;give him a beard;blond hair;wear a hat' },
    editor: { type: 'string', default: 'models/default/editor' },
    generator: { type: 'string', default: 'models/default/generator' },
    captioner: { type: 'string', default: 'models/default/captioner' },
    judge: { type: 'string', default: 'models/judge' },
    out: { type: 'string' },
  },
});
const num = (name: string, v: string, min: number, int = false): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || (int && !Number.isInteger(n))) {
    console.error(`eval-optimise: --${name} must be ${int ? 'an integer' : 'a number'} ≥ ${min}, got "${v}"`);
    process.exit(2);
  }
  return n;
};
const faces = num('faces', values.faces, 1, true);
const noise = readEditorInfo(values.editor).noise ?? 'const';
const c = {
  steps: num('steps', values.steps, 0, true),
  lr: num('lr', values.lr, 0),
  latentWeight: num('latent-weight', values['latent-weight'], 0),
  coarseWeight: num('coarse-weight', values['coarse-weight'], 0),
  coarseLayers: DEFAULT_EDIT_TARGET_CONFIG.coarseLayers,
  noise,
};
await initRuntime();
const g = loadGenerator(values.generator);
const encoder = loadEncoder(join(values.editor, 'encoder'));
const captioner = Captioner.load(values.captioner);
const judge = Judge.load(values.judge);
const t0 = performance.now();
const seed = 606;
const { cases } = buildCases({ seed, faces });
const perFace = evaluateEditor({
  generator: g,
  encoder,
  judge,
  methods: { 'captioner-optimised': captionerOptimisation(g, captioner, c), 'judge-optimised (oracle)': judgeOptimisation(g, judge, c) },
  cases,
  faces,
  texts: faces,
  seed,
  noise,
});
console.log(`# per-face optimisation: ${c.steps} Adam steps (lr ${c.lr}) on Δ, λ ${c.latentWeight}, coarse rows ×${c.coarseWeight}\n`);
console.log(formatEditorReport(perFace));
const transfer: Array<Record<string, number | string>> = [];
const pct = (v: number): string => `${(100 * v).toFixed(1)} %`;
console.log(`\n# transfer: mean offset of one command over ${faces} faces (seed ${seed}), applied to ${faces} other faces (seed 707)\n`);
console.log('| command | per-face edit / identity | mean ×1 edit / identity | mean ×2 edit / identity | reconstruction shows it |');
console.log('|---|---|---|---|---|');
for (const text of values.transfer.split(';').map((t) => t.trim()).filter((t) => t !== '')) {
  const avg = new OffsetAverager();
  const a = buildCases({ seed, faces, texts: [text] });
  if (a.cases.length === 0) {
    console.log(`| ${text} | not understood: ${a.unknownTexts[0]?.error ?? '?'} | | | |`);
    continue;
  }
  const ra = evaluateEditor({ generator: g, encoder, judge, methods: { m: captionerOptimisation(g, captioner, c, (d, cs) => avg.add(d, cs)) }, cases: a.cases, faces, texts: 1, seed, noise });
  const b = buildCases({ seed: 707, faces, texts: [text] }).cases;
  const rb = evaluateEditor({ generator: g, encoder, judge, methods: { x1: avg.method(1), x2: avg.method(2) }, cases: b, faces, texts: 1, seed: 707, noise });
  avg.dispose();
  const m = (r: typeof ra, k: string): string => `${pct(r.methods[k]!.editAccuracy)} / ${pct(r.methods[k]!.identityKept)}`;
  console.log(`| ${text} | ${m(ra, 'm')} | ${m(rb, 'x1')} | ${m(rb, 'x2')} | ${pct(rb.reconstructionEditAccuracy)} |`);
  transfer.push({ text, perFaceEdit: ra.methods['m']!.editAccuracy, perFaceIdentity: ra.methods['m']!.identityKept, mean1Edit: rb.methods['x1']!.editAccuracy, mean1Identity: rb.methods['x1']!.identityKept, mean2Edit: rb.methods['x2']!.editAccuracy, mean2Identity: rb.methods['x2']!.identityKept, reconstruction: rb.reconstructionEditAccuracy });
}
console.log(`\n${((performance.now() - t0) / 1000).toFixed(0)} s`);
if (values.out !== undefined) writeFileSync(values.out, `${JSON.stringify({ config: c, faces, perFace, transfer }, null, 2)}\n`);
for (const m of [g, encoder, captioner, judge]) m.dispose();
console.error(`tensors left: ${tf.memory().numTensors}`);
