/**
 * The hand-over check for a model the PyTorch engine exported: recompute its `parity.json` in
 * TypeScript and print `{"kind", "worst"}` (largest |Δ| / (1 + |value|)). Used by trainer-torch's
 * tests right after a tiny training run:
 *   tsx libs/trainer/src/testing/torch-parity.ts MODEL_DIR [GENERATOR_DIR (encoders: the mean w)]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CAPTION_STYLES, Captioner, initRuntime, loadEncoder, loadGenerator } from '@lfe/face-pipeline';
import { parityInputs } from './parity-inputs';

const [dir, generatorDir] = process.argv.slice(2);
if (dir === undefined) {
  console.error('usage: tsx libs/trainer/src/testing/torch-parity.ts MODEL_DIR [GENERATOR_DIR]');
  process.exit(2);
}
await initRuntime();
const kind = (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { architecture: { kind: string } }).architecture.kind;
const parity = JSON.parse(readFileSync(join(dir, 'parity.json'), 'utf8')) as Record<string, unknown>;
let want: number[];
let got: number[];
if (kind === 'lfe-captioner') {
  const cap = Captioner.load(dir);
  const ids = parity['ids'] as number[][];
  const styles = (parity['styles'] as number[]).map((i) => CAPTION_STYLES[i]!);
  const r = cap.config.resolution;
  const x = tf.tensor4d(parityInputs(ids.length, r), [ids.length, r, r, 3]);
  const t = tf.tensor2d(ids, [ids.length, ids[0]!.length], 'int32');
  const lp = cap.logProb(x, t, styles);
  got = [...lp.dataSync()];
  want = parity['logProb'] as number[];
  tf.dispose([x, t, lp]);
  cap.dispose();
} else if (kind === 'lfe-encoder') {
  if (generatorDir === undefined) throw new TypeError('torch-parity: an encoder needs GENERATOR_DIR (its mean w)');
  const enc = loadEncoder(dir);
  const g = loadGenerator(generatorDir);
  const w = parity['w'] as number[][][];
  const r = enc.config.resolution;
  const x = tf.tensor4d(parityInputs(w.length, r), [w.length, r, r, 3]);
  const out = enc.encode(x, g.params.get('mapping/w_avg'));
  got = [...out.dataSync()];
  want = w.flat(2);
  tf.dispose([x, out]);
  enc.dispose();
  g.dispose();
} else throw new TypeError(`torch-parity: no parity check for kind ${kind}`);
if (got.length !== want.length) throw new TypeError(`torch-parity: ${got.length} values, parity.json has ${want.length}`);
let worst = 0;
want.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - got[i]!) / (1 + Math.abs(v)))));
console.log(JSON.stringify({ kind, worst, n: want.length }));
