/**
 * What the real-face judge reads in any photos: each face is detected and aligned the way the live
 * path does (so full-size photos work), then scored.
 *   npx nx run trainer:judge -- --world real --in A.png [B.jpg …] [--json] [--aligned] [--model models/real/judge]
 * Exit codes: 0 ok, 2 bad usage, 3 a photo with no face, 4 an unreadable image.
 */
import * as tf from '@tensorflow/tfjs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { initRuntime, loadFraming } from '@lfe/face-pipeline';
import { RealJudge } from '../judge/real-judge';
import { NoFaceError, photoFace, type PhotoFace } from './photo-input';

const USAGE = `usage: nx run trainer:judge -- --world real --in PHOTO [PHOTO …] [options]
  --in PHOTO …     images (PNG, JPEG, WebP …); each face is detected and aligned as live
  --aligned        the images are already the model's aligned crops (skip detection)
  --json           print JSON: [{file, eyes, probabilities: {attribute: p}, has: [attribute …]}]
  --model DIR      default models/real/judge (its framing: models/real/framing.json)
  --world real     the only world with a photo judge (the synthetic judge reads face-synth renders)`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    help: { type: 'boolean', short: 'h' },
    world: { type: 'string', default: 'real' },
    in: { type: 'string', multiple: true },
    json: { type: 'boolean', default: false },
    aligned: { type: 'boolean', default: false },
    model: { type: 'string', default: 'models/real/judge' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const files = [...(values.in ?? []), ...positionals];
if (values.world !== 'real' || files.length === 0) {
  console.error(values.world !== 'real' ? `judge: only --world real reads photos (got "${values.world}")\n${USAGE}` : `judge: give at least one --in PHOTO\n${USAGE}`);
  process.exit(2);
}
await initRuntime();
const judge = RealJudge.load(values.model);
const template = loadFraming(resolve(values.model, '..'));
const r = judge.config.resolution;
const results: Array<PhotoFace & { probabilities: Record<string, number>; has: string[] }> = [];
let code = 0;
for (const file of files) {
  let face: PhotoFace;
  try {
    face = await photoFace(file, r, template, values.aligned);
  } catch (e) {
    console.error(`judge: ${(e as Error).message}`);
    code = Math.max(code, e instanceof NoFaceError ? 3 : 4);
    continue;
  }
  const x = tf.tensor4d(face.crop, [1, r, r, 3]);
  const [v] = judge.judge(x);
  x.dispose();
  const probabilities = Object.fromEntries(Object.entries(v!.probabilities).map(([k, p]) => [k, Math.round(p * 1000) / 1000]));
  results.push({ ...face, probabilities, has: Object.keys(v!.has).filter((k) => v!.has[k]) });
}
judge.dispose();
if (values.json) {
  console.log(JSON.stringify(results.map(({ crop: _crop, ...rest }) => rest), null, 2));
} else {
  for (const res of results) {
    console.log(`${res.file}: ${res.has.length > 0 ? res.has.join(', ') : '(no attribute above its threshold)'}`);
    const top = Object.entries(res.probabilities).sort((a, b) => b[1] - a[1]).slice(0, 8);
    console.log(`  ${top.map(([k, p]) => `${k} ${p.toFixed(2)}`).join(' · ')}`);
  }
}
process.exit(code);
