/**
 * Are two photos the same person? face-api's recognition descriptor on each face, detected and
 * aligned the way the live path does, at the model's crop, against the calibrated threshold.
 *   npx nx run trainer:face-distance -- --a X.png --b Y.jpg [--aligned] [--json] [--identity models/real/identity.json]
 * Exit codes: 0 ok (either verdict), 2 bad usage, 3 a photo with no face, 4 an unreadable image.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { FaceDescriptor, descriptorDistance, initRuntime, loadFraming } from '@lfe/face-pipeline';
import { NoFaceError, photoFace, type PhotoFace } from './photo-input';

const USAGE = `usage: nx run trainer:face-distance -- --a PHOTO --b PHOTO [options]
  --aligned          the images are already the model's aligned crops (skip detection)
  --json             print {"distance", "threshold", "samePerson", "a": {eyes}, "b": {eyes}}
  --identity FILE    calibration (default models/real/identity.json: threshold, crop, resolution)`;
const { values } = parseArgs({
  options: {
    help: { type: 'boolean', short: 'h' },
    a: { type: 'string' },
    b: { type: 'string' },
    aligned: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    identity: { type: 'string', default: 'models/real/identity.json' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (values.a === undefined || values.b === undefined) {
  console.error(`face-distance: give --a and --b\n${USAGE}`);
  process.exit(2);
}
const cal = JSON.parse(readFileSync(values.identity, 'utf8')) as { threshold: number; crop: number; resolution: number };
await initRuntime();
const template = loadFraming(dirname(values.identity));
const faces: PhotoFace[] = [];
for (const file of [values.a, values.b]) {
  try {
    faces.push(await photoFace(file, cal.resolution, template, values.aligned));
  } catch (e) {
    console.error(`face-distance: ${(e as Error).message}`);
    process.exit(e instanceof NoFaceError ? 3 : 4);
  }
}
const d = await FaceDescriptor.load({ crop: cal.crop });
const r = cal.resolution;
const x = tf.tensor4d(new Float32Array([...faces[0]!.crop, ...faces[1]!.crop]), [2, r, r, 3]);
const [da, db] = await d.describe(x);
x.dispose();
const distance = descriptorDistance(da!, db!);
const samePerson = distance < cal.threshold;
if (values.json) {
  console.log(JSON.stringify({ distance, threshold: cal.threshold, samePerson, a: { file: values.a, eyes: faces[0]!.eyes }, b: { file: values.b, eyes: faces[1]!.eyes } }, null, 2));
} else {
  console.log(`distance ${distance.toFixed(3)} (threshold ${cal.threshold.toFixed(3)}): ${samePerson ? 'same person' : 'different people'}`);
}
