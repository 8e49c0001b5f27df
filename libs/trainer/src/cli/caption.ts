/** `nx run trainer:caption`: the usage and options are in USAGE below (printed by `--help`). */
import * as tf from '@tensorflow/tfjs';
import { basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { describeFace, joinTokens, seededRandom } from '@lfe/edit-language';
import { Captioner, initRuntime, type Caption } from '@lfe/face-pipeline';
import { ImageFolderDataset } from '@lfe/face-synth';
import { captionBatch } from '../captioner/caption-batch';

/** What `--help` prints (the file's documentation). */
const USAGE = [
  "usage: npx nx run trainer:caption -- [options]",
  "",
  "Caption images with a trained captioner.",
  "  npx tsx libs/trainer/src/cli/caption.ts --model models/default/captioner --in face.png [--in more.jpg …]",
  "  npx tsx libs/trainer/src/cli/caption.ts --model models/default/captioner --seed 303 --count 8 [--start 0]",
  "    [--lang en|zh] [--mode full|partial] [--beam K] [--max-length N] [--json]",
  "Images are scaled (short side) and centre-cropped to the model's resolution. With --seed, rendered",
  "faces of that stream are captioned and printed beside their true full description.",
].join('\n');
if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
  console.log(USAGE);
  process.exit(0);
}

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'models/default/captioner' },
    in: { type: 'string', multiple: true },
    seed: { type: 'string' },
    count: { type: 'string', default: '8' },
    start: { type: 'string', default: '0' },
    lang: { type: 'string', default: 'en' },
    mode: { type: 'string', default: 'full' },
    beam: { type: 'string', default: '1' },
    'max-length': { type: 'string', default: '40' },
    json: { type: 'boolean', default: false },
  },
});
const fail = (msg: string): never => {
  console.error(`caption: ${msg}`);
  process.exit(2);
};
const int = (name: string, v: string, min: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer ≥ ${min}, got "${v}"`);
  return n;
};
if (values.lang !== 'en' && values.lang !== 'zh') fail(`--lang must be en or zh, got "${values.lang}"`);
if (values.mode !== 'full' && values.mode !== 'partial') fail(`--mode must be full or partial, got "${values.mode}"`);
const files = values.in ?? [];
if ((files.length === 0) === (values.seed === undefined)) fail('give either --in FILE (repeatable) or --seed S');
const beam = int('beam', values.beam, 1);
const maxLength = int('max-length', values['max-length'], 1);
const style = { mode: values.mode as 'full' | 'partial', lang: values.lang as 'en' | 'zh' };

await initRuntime();
const model = Captioner.load(values.model);
const r = model.config.resolution;
const sources: string[] = [];
const truths: Array<string | null> = [];
let pixels: Float32Array;
if (files.length > 0) {
  pixels = new Float32Array(files.length * r * r * 3);
  for (const [i, f] of files.entries()) {
    const rgb = await new ImageFolderDataset(dirname(f), r, []).decode({ image: basename(f), captions: [''] });
    for (let j = 0; j < rgb.length; j++) pixels[i * r * r * 3 + j] = rgb[j]! / 127.5 - 1;
    sources.push(f);
    truths.push(null);
  }
} else {
  const seed = int('seed', values.seed!, 0);
  const start = int('start', values.start, 0);
  const count = int('count', values.count, 1);
  const batch = captionBatch(seed, start, count, r, { fullFraction: 1, zhFraction: 0 });
  pixels = batch.images;
  batch.faces.forEach((face, i) => {
    sources.push(`seed ${seed} face ${start + i}`);
    truths.push(describeFace(face, seededRandom(start + i), style));
  });
}
const x = tf.tensor4d(pixels, [sources.length, r, r, 3]);
let captions: Caption[];
try {
  captions = beam > 1 ? model.beam(x, { beamSize: beam, maxLength, style }) : model.greedy(x, { maxLength, style });
} finally {
  x.dispose();
  model.dispose();
}
const rows = captions.map((c, i) => ({ source: sources[i]!, caption: joinTokens(c.tokens), logProb: c.logProb, ended: c.ended, truth: truths[i] }));
if (values.json) console.log(JSON.stringify(rows, null, 2));
else for (const row of rows) console.log(`${row.source}\t${row.caption}\t(log p ${row.logProb.toFixed(2)})${row.truth === null ? '' : `\n  truth: ${row.truth}`}`);
