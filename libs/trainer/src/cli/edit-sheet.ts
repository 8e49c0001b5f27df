/** `nx run trainer:edit-sheet`: the usage and options are in USAGE below (printed by `--help`). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { Editor, initRuntime, parseForModel, resolveModel, selectModel } from '@lfe/face-pipeline';
import { RealFaceDataset } from '@lfe/realface';
import { encodePng, imageGrid } from '../util/png';

const COMMANDS = ['add glasses', 'blond hair', 'smile', 'make her older', 'add bangs', '大眼睛长头发'];
const USAGE = [
  'usage: npx nx run trainer:edit-sheet -- --out FILE.png [--model real] [--faces 8] [--seed 7] [--psi 0.7]',
  '      [--composite delta|replace] [--commands "a;b;…"] [--real-out FILE.png [--data DIR]]',
  '',
  'A figure of the editor: rows are faces drawn by the model\'s own generator (never data-set faces,',
  'so the file may be committed), columns the input and one edit per command, each made the way the',
  'product edits a photo (Editor.edit: invert, fuse, regenerate, composite). Default commands:',
  `  ${COMMANDS.join(' | ')}`,
  '--real-out writes the same sheet on real test faces for a person to look at: it holds copies of',
  'data-set faces, so write it under tmp/ (git-ignored) and never commit it.',
].join('\n');
const { values } = parseArgs({
  options: {
    help: { type: 'boolean', short: 'h' },
    out: { type: 'string' },
    model: { type: 'string' },
    faces: { type: 'string', default: '8' },
    seed: { type: 'string', default: '7' },
    psi: { type: 'string', default: '0.7' },
    composite: { type: 'string', default: 'delta' },
    commands: { type: 'string' },
    'real-out': { type: 'string' },
    data: { type: 'string' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const fail = (msg: string): never => {
  console.error(`edit-sheet: ${msg}\n${USAGE}`);
  process.exit(2);
};
if (values.out === undefined) fail('--out FILE.png is required');
const faces = Number(values.faces);
const seed = Number(values.seed);
const psi = Number(values.psi);
if (!Number.isInteger(faces) || faces < 1 || faces > 32) fail(`--faces must be an integer in 1…32, got "${values.faces}"`);
if (!Number.isInteger(seed)) fail(`--seed must be an integer, got "${values.seed}"`);
if (!(psi > 0 && psi <= 1)) fail(`--psi must be in (0, 1], got "${values.psi}"`);
if (values.composite !== 'delta' && values.composite !== 'replace') fail(`--composite must be delta or replace, got "${values.composite}"`);
const commands = values.commands !== undefined ? values.commands.split(';').map((c) => c.trim()).filter((c) => c !== '') : COMMANDS;
let model: ReturnType<typeof resolveModel>;
try {
  model = resolveModel(selectModel(values.model ?? 'real'));
} catch (e) {
  console.error(`edit-sheet: ${(e as Error).message}`);
  process.exit(1);
}
for (const c of commands) {
  try {
    parseForModel(c, model.levels);
  } catch (e) {
    fail(`"${c}": ${(e as Error).message}`);
  }
}
await initRuntime();
const editor = Editor.load(model.editor, model.generator);
const r = editor.generator.config.resolution;
const px = r * r * 3;

/** The sheet of `x` ([B,R,R,3] in [-1, 1]): per row the input, then one edit per command. */
function sheet(x: tf.Tensor4D): Buffer {
  const n = x.shape[0];
  const cols = 1 + commands.length;
  const all = new Uint8Array(n * cols * px);
  const put = (img: tf.Tensor4D, col: number): void => {
    const bytes = tf.tidy(() => tf.clipByValue(tf.round(tf.mul(tf.add(img, 1), 127.5)), 0, 255).dataSync());
    for (let i = 0; i < n; i++) all.set(Uint8Array.from(bytes.subarray(i * px, (i + 1) * px)), (i * cols + col) * px);
  };
  put(x, 0);
  commands.forEach((c, k) => {
    const y = editor.edit(x, c, { composite: values.composite as 'delta' | 'replace' });
    put(y, k + 1);
    y.dispose();
  });
  const g = imageGrid(all, n * cols, r, cols);
  return encodePng(g.rgb, g.width, g.height);
}

const drawn = tf.tidy(() => {
  const w = editor.generator.mapping(tf.randomNormal([faces, editor.generator.config.zDim], 0, 1, 'float32', seed));
  const avg = tf.reshape(editor.generator.params.get('mapping/w_avg'), [1, -1]);
  const wt = tf.add(avg, tf.mul(tf.sub(w, avg), psi));
  return editor.generator.synthesis(tf.tile(tf.expandDims(wt, 1), [1, editor.generator.numWs, 1]), { noise: 'const' });
});
mkdirSync(dirname(values.out!), { recursive: true });
writeFileSync(values.out!, sheet(drawn));
drawn.dispose();
console.error(`edit-sheet: ${faces} generated faces × ${commands.length} commands (${values.composite}) → ${values.out}`);
if (values['real-out'] !== undefined) {
  const set = await RealFaceDataset.open({ ...(values.data !== undefined ? { data: values.data } : {}) });
  const b = set.split('test').slice(0, faces);
  const x = tf.tensor4d(b.images, b.shape);
  mkdirSync(dirname(values['real-out']), { recursive: true });
  writeFileSync(values['real-out'], sheet(x));
  x.dispose();
  console.error(`edit-sheet: the same on ${faces} real test faces → ${values['real-out']} (data-set faces: never commit it)`);
}
editor.dispose();
