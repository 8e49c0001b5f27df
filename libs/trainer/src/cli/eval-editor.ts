/**
 * Evaluate the editor on held-out rendered faces: edit accuracy, identity kept, FD-judge and ms per
 * edit for the default fusion, the patent's tanh fusion and an InterFaceGAN baseline.
 *   npx nx run trainer:eval-editor -- [--texts FILE] [--out report.json] [--md docs/editor-report.md]
 *       [--editor models/default/editor] [--generator models/default/generator] [--judge models/judge]
 *       [--faces 200] [--refine 0] [--ifg-samples 2000] [--seed 606] [--extra name=DIR,…] [--delta] [--strengths 2,3]
 * --extra adds rows for other trained variants (a folder with text-encoder/ and fusion/, e.g. an
 * ablation written by train-editor --variant), evaluated on the same faces and texts.
 * --delta adds, for every row, the live loop's delta composite (input + edited − reconstruction).
 * --localize adds "+local" rows: the delta kept where the edited attributes live (regionMask).
 * --local-replace adds "+local replace" rows: the regenerated face inside that region, the input outside.
 * --strengths adds rows "default@s" for the default variant at other edit strengths.
 * --refine-edit N[,M…] adds rows "default +refine N": the default variant followed by N steps of edit
 * refinement against the captioner (--captioner), as `face-pipeline:edit --refine-edit N` runs it.
 * --atoms DIR adds the row "atom-teacher": the parsed edits' summed atom directions of an atoms
 * targets folder (the ceiling of a fusion distilled from it; not a text model).
 * --paired: every generated case is also said in the other language (same face, same edits), so the
 * en / zh columns compare identical edits (2 × --faces cases).
 * --texts: one command per line (English or Chinese); lines that do not parse are listed in
 * `unknownTexts`, not fatal. Without it: one generated held-out command per face.
 *
 * --world real: the editor on real test faces (src/eval/eval-editor-real.ts), end to end as the
 * product runs it, scored by the real judge (models/real/judge) and the face descriptor
 * (models/real/identity.json), the real model by default (--editor models/real/editor --generator
 * models/real/generator): [--split test|validation] (validation: where variants and settings are
 * chosen; test: the report) [--faces 1500] [--per-face 2] [--refine-edit 10] [--data DIR] [--out] [--md]
 * [--variants a,b] (other fusion variants of the bundle as rows) [--ifg-samples 2000] (the InterFaceGAN
 * baseline fitted on that many inverted train faces and their labels; 0 leaves it out)
 * [--measured training/edit-targets-real/measured-atoms/report.json] ("big eyes", "long/short hair"
 * scored on measured values against that report's train tertiles; skipped when the file is absent).
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { Captioner, checkVariantEncoder, initRuntime, loadEncoder, loadFusion, loadGenerator, loadTextEncoder, readEditorInfo } from '@lfe/face-pipeline';
import { atomDirections, loadEditTargets } from '../editor/edit-targets';
import { atomTeacherMethod, buildCases, evaluateEditor, formatEditorReport, fusionMethod, interFaceGanMethod, refinedMethod, type EditMethod } from '../eval/eval-editor';
import { evaluateInversion, formatInversionReport } from '../eval/eval-inversion';
import { fitInterFaceGan } from '../eval/eval-interfacegan';
import { Judge } from '../judge/judge';
import { runRealEditorEval } from './eval-editor-real';

const { values } = parseArgs({
  options: {
    help: { type: 'boolean', short: 'h' },
    world: { type: 'string', default: 'synthetic' },
    data: { type: 'string' },
    identity: { type: 'string', default: 'models/real/identity.json' },
    'per-face': { type: 'string', default: '2' },
    texts: { type: 'string' },
    out: { type: 'string' },
    md: { type: 'string' },
    editor: { type: 'string' },
    generator: { type: 'string' },
    split: { type: 'string', default: 'test' },
    judge: { type: 'string' },
    faces: { type: 'string' },
    refine: { type: 'string', default: '0' },
    'ifg-samples': { type: 'string', default: '2000' },
    seed: { type: 'string', default: '606' },
    extra: { type: 'string' },
    delta: { type: 'boolean', default: false },
    localize: { type: 'boolean', default: false },
    'local-replace': { type: 'boolean', default: false },
    strengths: { type: 'string', default: '' },
    atoms: { type: 'string' },
    paired: { type: 'boolean', default: false },
    'refine-edit': { type: 'string', default: '' },
    captioner: { type: 'string', default: 'models/default/captioner' },
    variants: { type: 'string' },
    measured: { type: 'string' },
  },
});
const int = (name: string, v: string, min: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    console.error(`eval-editor: --${name} must be an integer ≥ ${min}, got "${v}"`);
    process.exit(2);
  }
  return n;
};
if (values.help) {
  console.log(`usage: nx run trainer:eval-editor -- [--world synthetic|real] [options]; the options are listed at the top of libs/trainer/src/cli/eval-editor.ts`);
  process.exit(0);
}
if (values.world !== 'synthetic' && values.world !== 'real') {
  console.error('eval-editor: --world must be synthetic or real');
  process.exit(2);
}
if (values.split !== 'test' && values.split !== 'validation') {
  console.error('eval-editor: --split must be test or validation');
  process.exit(2);
}
if (values.world === 'real') {
  await initRuntime();
  await runRealEditorEval({
    editor: values.editor ?? 'models/real/editor',
    generator: values.generator ?? 'models/real/generator',
    captioner: values.captioner,
    judge: values.judge ?? 'models/real/judge',
    split: values.split === 'validation' ? 'validation' : 'test',
    identity: values.identity,
    ...(values.data !== undefined ? { data: values.data } : {}),
    faces: int('faces', values.faces ?? '1500', 1),
    perFace: int('per-face', values['per-face'], 1),
    seed: int('seed', values.seed, 0),
    refineEdit: int('refine-edit', values['refine-edit'] === '' ? '10' : values['refine-edit'], 0),
    ifgFaces: int('ifg-samples', values['ifg-samples'], 0),
    measured: values.measured ?? 'training/edit-targets-real/measured-atoms/report.json',
    ...(values.variants !== undefined ? { variants: values.variants.split(',').filter((v) => v !== '') } : {}),
    ...(values.out !== undefined ? { out: values.out } : {}),
    ...(values.md !== undefined ? { md: values.md } : {}),
  });
  process.exit(0);
}
const faces = int('faces', values.faces ?? '200', 1);
const refine = int('refine', values.refine, 0);
const ifgSamples = int('ifg-samples', values['ifg-samples'], 100);
const seed = int('seed', values.seed, 0);
let texts: string[] | undefined;
if (values.paired && values.texts !== undefined) {
  console.error('eval-editor: --paired works on generated commands; a --texts file says its own languages');
  process.exit(2);
}
if (values.texts !== undefined) {
  if (!existsSync(values.texts)) {
    console.error(`eval-editor: no texts file ${values.texts}`);
    process.exit(2);
  }
  texts = readFileSync(values.texts, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

await initRuntime();
// The synthetic world's models by default.
const editorDir = values.editor ?? 'models/default/editor';
const generatorDir = values.generator ?? 'models/default/generator';
const info = readEditorInfo(editorDir);
const g = loadGenerator(generatorDir);
const sha = (JSON.parse(readFileSync(join(generatorDir, 'manifest.json'), 'utf8')) as { weights: { sha256: string } }).weights.sha256;
if (sha !== info.generatorSha256) {
  console.error(`eval-editor: ${editorDir} was trained for another generator than ${generatorDir}; retrain it`);
  process.exit(2);
}
const encoder = loadEncoder(join(editorDir, 'encoder'));
const judgeDir = values.judge ?? 'models/judge';
const judge = Judge.load(judgeDir);
const owned: Array<{ dispose(): void }> = [g, encoder, judge];
const methods: Record<string, EditMethod> = {};
const strengths = values.strengths
  .split(',')
  .filter((x) => x.trim() !== '')
  .map((x) => {
    const s = Number(x);
    if (!Number.isFinite(s) || s < 0 || s > 8) {
      console.error(`eval-editor: --strengths wants numbers in 0…8, got "${x}"`);
      process.exit(2);
    }
    return s;
  });
const variant = (name: string, at?: string, strengthsToo: readonly number[] = []): Array<[string, EditMethod]> | null => {
  const dir = at ?? join(editorDir, name);
  if (!existsSync(join(dir, 'fusion', 'manifest.json'))) return null;
  if (at === undefined) checkVariantEncoder(editorDir, name); // trained on this bundle encoder's latents (when it says)
  const t = loadTextEncoder(join(dir, 'text-encoder'));
  const f = loadFusion(join(dir, 'fusion'));
  owned.push(t, f);
  return [[name, fusionMethod(t, f)], ...strengthsToo.map((s): [string, EditMethod] => [`${name}@${s}`, fusionMethod(t, f, s)])];
};
checkVariantEncoder(editorDir, info.defaultFusion);
const def = variant('default', join(editorDir, info.defaultFusion), strengths);
if (def === null) throw new Error(`eval-editor: the default variant ${info.defaultFusion} has no fusion`);
for (const [k, m] of def) methods[k] = m;
const refineEdit = values['refine-edit']
  .split(',')
  .filter((x) => x.trim() !== '')
  .map((x) => int('refine-edit', x.trim(), 1));
if (refineEdit.length > 0) {
  const captioner = Captioner.load(values.captioner);
  owned.push(captioner);
  for (const n of refineEdit) methods[`default +refine ${n}`] = refinedMethod(def[0]![1], g, captioner, n, info.noise ?? 'const');
}
// Every other variant of the bundle (patent, residual, their distilled versions…), under its folder name.
for (const name of readdirSync(editorDir).sort()) {
  if (name === info.defaultFusion || !/^[a-z0-9-]+$/.test(name)) continue;
  const m = variant(name);
  if (m !== null) methods[name] = m[0]![1];
}
for (const item of (values.extra ?? '').split(',').filter((x) => x !== '')) {
  const [name, dir] = item.split('=');
  if (name === undefined || dir === undefined || name === '' || dir === '') {
    console.error(`eval-editor: --extra wants name=DIR, got "${item}"`);
    process.exit(2);
  }
  const m = variant(name, dir);
  if (m === null) {
    console.error(`eval-editor: ${dir} has no fusion/manifest.json`);
    process.exit(2);
  }
  methods[name] = m[0]![1];
}
if (values.atoms !== undefined) methods['atom-teacher'] = atomTeacherMethod(atomDirections(loadEditTargets(values.atoms, { generatorSha256: sha })));
console.error(`fitting InterFaceGAN directions on ${ifgSamples} judge-labelled samples…`);
const dirs = fitInterFaceGan(g, judge, { samples: ifgSamples, seed: 9090 });
methods['interfacegan'] = interFaceGanMethod(dirs);

const { cases, unknownTexts } = buildCases({ seed, faces, paired: values.paired, ...(texts !== undefined ? { texts } : {}) });
console.error(`${cases.length} cases; ${unknownTexts.length} texts not understood`);
const noise = info.noise ?? 'const';
const report = evaluateEditor({ generator: g, encoder, judge, methods, cases, unknownTexts, faces, texts: texts?.length ?? cases.length, refineSteps: refine, seed, noise, delta: values.delta, localize: values.localize, localReplace: values['local-replace'] });
const inversion = evaluateInversion(g, encoder, judge, { faces: Math.min(faces, 64), seed, refineSteps: [0, 20], noise });
// The same encoder on the generator's own samples: what it loses there is the encoder's, not the generator's.
const inversionGenerated = evaluateInversion(g, encoder, judge, { faces: Math.min(faces, 64), seed, refineSteps: [0], noise, source: 'generated' });
const judgeSha = (JSON.parse(readFileSync(join(judgeDir, 'manifest.json'), 'utf8')) as { weights: { sha256: string } }).weights.sha256;
const full = { ...report, inversion, inversionGenerated, defaultVariant: info.defaultFusion, judge: { dir: judgeDir, sha256: judgeSha }, interfacegan: { samples: dirs.samples, directions: dirs.directions.size } };
const table = `${formatEditorReport(report)}\n\n${formatInversionReport(inversion)}\n\n${formatInversionReport(inversionGenerated)}`;
console.log(table);
if (values.out !== undefined) writeFileSync(values.out, `${JSON.stringify(full, null, 2)}\n`);
if (values.md !== undefined) {
  writeFileSync(
    values.md,
    `# Editor evaluation\n\nCommand: \`npx nx run trainer:eval-editor -- ${process.argv.slice(2).join(' ')}\` (${new Date().toISOString().slice(0, 10)}).\n` +
      `Default variant: **${info.defaultFusion}**. Generator: \`${generatorDir}\` (${sha.slice(0, 12)}…). Judge: \`${values.judge}\` (${judgeSha.slice(0, 12)}…).\n\n${table.replace(/^inversion on/m, '\n## Inversion\n\n```\ninversion on')}\n\`\`\`\n`,
  );
}
for (const o of owned) o.dispose();
console.error(`tensors left: ${tf.memory().numTensors}`);
