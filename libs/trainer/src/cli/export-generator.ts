/** `nx run trainer:export-generator`: the usage and options are in USAGE below (printed by `--help`). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initRuntime, loadGenerator, saveGenerator, type CheckpointManifest } from '@lfe/face-pipeline';

/** What `--help` prints (the file's documentation). */
const USAGE = [
  "usage: npx nx run trainer:export-generator -- [options]",
  "",
  "Export a training run's EMA generator for shipping (float16 by default), keeping its provenance",
  "and saying where it came from. Prints how far float16 moves the images (fixed z, constant noise).",
  "  npx nx run trainer:export-generator -- --from training/gan-default/generator --out models/default/generator",
  "      [--dtype float16|float32] [--note \"interim snapshot\"]",
].join('\n');
if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
  console.log(USAGE);
  process.exit(0);
}

const { values } = parseArgs({
  options: { from: { type: 'string' }, out: { type: 'string' }, dtype: { type: 'string', default: 'float16' }, note: { type: 'string' } },
});
if (values.from === undefined || values.out === undefined) {
  console.error('export-generator: --from DIR and --out DIR are required');
  process.exit(2);
}
if (values.dtype !== 'float16' && values.dtype !== 'float32') {
  console.error(`export-generator: --dtype must be float16 or float32, got "${values.dtype}"`);
  process.exit(2);
}
await initRuntime();
const g = loadGenerator(values.from);
const manifest = JSON.parse(readFileSync(join(values.from, 'manifest.json'), 'utf8')) as CheckpointManifest;
saveGenerator(values.out, g, { ...manifest.provenance, exportedFrom: values.from, exportedFromSha256: manifest.weights.sha256, exportDate: new Date().toISOString(), ...(values.note !== undefined ? { note: values.note } : {}) }, values.dtype);
const h = loadGenerator(values.out);
const z = tf.randomNormal([16, g.config.zDim], 0, 1, 'float32', 7) as tf.Tensor2D;
const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(g.generate(z, { noise: 'const' }), h.generate(z, { noise: 'const' })))).dataSync()[0]!);
console.log(`exported ${values.from} (step ${manifest.provenance.steps}) → ${values.out} as ${values.dtype}; max |Δpixel| on 16 fixed-z samples: ${diff.toExponential(2)} (pixels in [-1, 1])`);
tf.dispose([z]);
g.dispose();
h.dispose();
