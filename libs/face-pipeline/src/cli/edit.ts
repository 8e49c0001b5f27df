/**
 * Edit one face image with a command.
 *   npx nx run face-pipeline:edit -- --in face.png --text "add glasses" --out out.png
 *       [--strength 1] [--refine 0] [--refine-edit 10] [--fusion residual|patent] [--composite delta|replace] [--no-localize] [--side-by-side]
 *       [--editor models/default/editor] [--generator models/default/generator] [--captioner models/default/captioner]
 * The input (PNG/JPEG, any size) is scaled so its short side fits and centre-cropped to the
 * generator's resolution; the output is the edited face at that resolution (with --side-by-side:
 * input | reconstruction | edit). --composite delta (default, as the live server) adds what the edit
 * changes to the input, only where the edited attributes live (--no-localize: everywhere); replace
 * outputs the regenerated face (the method's). --refine N refines the inversion against the input;
 * --refine-edit N (default 10; 0 = the fusion alone) refines the edit: N Adam steps on the fused
 * latent so that the captioner (--captioner) reads the command from the regenerated face (~0.1 s
 * per step on this 2-core machine).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import * as tf from '@tensorflow/tfjs';
import { CommandError } from '@lfe/edit-language';
import { Editor } from '../editor/editor';
import { CheckpointError } from '../checkpoint/errors';
import { initRuntime } from '../runtime/init-runtime';

const { values } = parseArgs({
  options: {
    in: { type: 'string' },
    text: { type: 'string' },
    out: { type: 'string' },
    strength: { type: 'string', default: '1' },
    refine: { type: 'string', default: '0' },
    'refine-edit': { type: 'string', default: '10' },
    captioner: { type: 'string', default: 'models/default/captioner' },
    fusion: { type: 'string' },
    editor: { type: 'string', default: 'models/default/editor' },
    generator: { type: 'string', default: 'models/default/generator' },
    'side-by-side': { type: 'boolean', default: false },
    composite: { type: 'string', default: 'delta' },
    'no-localize': { type: 'boolean', default: false },
  },
});
const fail = (msg: string, code = 2): never => {
  console.error(`edit: ${msg}`);
  process.exit(code);
};
if (values.in === undefined || values.text === undefined || values.out === undefined) fail('--in IMAGE, --text "COMMAND" and --out OUT.png are required');
const strength = Number(values.strength);
if (!Number.isFinite(strength) || strength < 0 || strength > 3) fail(`--strength must be a number in 0…3, got "${values.strength}"`);
const composite = values.composite;
if (composite !== 'delta' && composite !== 'replace') fail(`--composite must be delta or replace, got "${values.composite}"`);
const refine = Number(values.refine);
if (!Number.isInteger(refine) || refine < 0 || refine > 1000) fail(`--refine must be an integer in 0…1000, got "${values.refine}"`);
const refineEdit = Number(values['refine-edit']);
if (!Number.isInteger(refineEdit) || refineEdit < 0 || refineEdit > 1000) fail(`--refine-edit must be an integer in 0…1000, got "${values['refine-edit']}"`);

let bytes: Buffer;
try {
  bytes = readFileSync(values.in!);
} catch (e) {
  fail(`cannot read ${values.in}: ${(e as Error).message}`);
}
let img: Awaited<ReturnType<typeof loadImage>>;
try {
  img = await loadImage(bytes!);
} catch (e) {
  fail(`${values.in} is not a PNG or JPEG image (${(e as Error).message})`);
}

await initRuntime();
let editor: Editor;
try {
  editor = Editor.load(values.editor, values.generator, {
    ...(values.fusion !== undefined ? { fusion: values.fusion } : {}),
    ...(refineEdit > 0 ? { captioner: values.captioner } : {}),
  });
} catch (e) {
  if (e instanceof CheckpointError || e instanceof TypeError) fail(e.message, 1);
  throw e;
}
const r = editor!.resolution;
const canvas = createCanvas(r, r);
const ctx = canvas.getContext('2d');
const side = Math.min(img!.width, img!.height);
ctx.drawImage(img!, (img!.width - side) / 2, (img!.height - side) / 2, side, side, 0, 0, r, r);
const rgba = ctx.getImageData(0, 0, r, r).data;
const rgb = new Float32Array(r * r * 3);
for (let i = 0; i < r * r; i++) for (let c = 0; c < 3; c++) rgb[i * 3 + c] = rgba[i * 4 + c]! / 127.5 - 1;
const x = tf.tensor4d(rgb, [1, r, r, 3]);

let panels: tf.Tensor4D[];
try {
  const t0 = performance.now();
  const edited = editor!.edit(x, values.text!, { strength, refineSteps: refine, refineEdit, composite: composite as 'delta' | 'replace', localize: values['no-localize'] !== true });
  const ms = performance.now() - t0;
  if (values['side-by-side']) {
    const w = editor!.invert(x, { refineSteps: refine });
    const rec = editor!.generate(w);
    w.dispose();
    panels = [x, rec, edited];
  } else panels = [edited];
  console.error(`edited "${values.text}" in ${ms.toFixed(0)} ms (strength ${strength}, refinement ${refine} steps, edit refinement ${refineEdit} steps, composite ${composite})`);
} catch (e) {
  if (e instanceof CommandError) fail(e.message, 1);
  throw e;
}
const out = createCanvas(r * panels!.length, r);
const octx = out.getContext('2d');
panels!.forEach((p, k) => {
  const t = tf.tidy(() => tf.clipByValue(tf.add(tf.mul(p, 127.5), 127.5), 0, 255).round().cast('int32'));
  const px = t.dataSync();
  t.dispose();
  const data = octx.createImageData(r, r);
  for (let i = 0; i < r * r; i++) {
    for (let c = 0; c < 3; c++) data.data[i * 4 + c] = px[i * 3 + c]!;
    data.data[i * 4 + 3] = 255;
  }
  octx.putImageData(data, k * r, 0);
});
writeFileSync(values.out!, out.toBuffer('image/png'));
tf.dispose(panels!);
editor!.dispose();
console.error(`wrote ${values.out}`);
