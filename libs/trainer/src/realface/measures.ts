import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { FaceTemplate } from '@lfe/face-pipeline';

/**
 * Measured values for the two attributes CelebA never labelled and the method's own example asks
 * for ("big eyes, long hair"): eye opening and a hair-length proxy, read off aligned faces in the
 * real framing (models/real/framing.json). Validation numbers and how to look at the decile sheets:
 * docs/realface.md.
 */

type Rgb = [number, number, number];

function meanColor(img: Uint8Array, r: number, x0: number, x1: number, y0: number, y1: number): Rgb {
  let a = 0;
  let b = 0;
  let c = 0;
  let n = 0;
  for (let y = Math.floor(y0 * r); y < Math.ceil(y1 * r); y++) {
    for (let x = Math.floor(x0 * r); x < Math.ceil(x1 * r); x++) {
      const i = (y * r + x) * 3;
      a += img[i]!;
      b += img[i + 1]!;
      c += img[i + 2]!;
      n++;
    }
  }
  return [a / n, b / n, c / n];
}

/**
 * Hair-length proxy in [0, 1]: the share of pixels beside the neck (left and right bands from the
 * mouth's height to above the shoulders) whose colour is the hair's (sampled on top of the head),
 * nearer to it than to the skin (sampled on the cheeks) and to the background (the top corners).
 * Long hair falls there; short hair leaves background or neck. Pixels only, no model.
 */
export function hairLengthProxy(img: Uint8Array, r: number): number {
  const hair = meanColor(img, r, 0.38, 0.62, 0.04, 0.14);
  const skin = meanColor(img, r, 0.42, 0.58, 0.55, 0.65);
  const bgL = meanColor(img, r, 0, 0.08, 0, 0.1);
  const bgR = meanColor(img, r, 0.92, 1, 0, 0.1);
  const dist = (i: number, c: Rgb): number => Math.hypot(img[i]! - c[0], img[i + 1]! - c[1], img[i + 2]! - c[2]);
  let hit = 0;
  let n = 0;
  for (const [x0, x1] of [
    [0.1, 0.3],
    [0.7, 0.9],
  ] as const) {
    for (let y = Math.floor(0.62 * r); y < Math.floor(0.88 * r); y++) {
      for (let x = Math.floor(x0 * r); x < Math.ceil(x1 * r); x++) {
        const i = (y * r + x) * 3;
        const dh = dist(i, hair);
        n++;
        if (dh < 40 && dh < dist(i, skin) && dh < Math.min(dist(i, bgL), dist(i, bgR))) hit++;
      }
    }
  }
  return hit / n;
}

interface LandmarkNet {
  loadFromDisk(dir: string): Promise<void>;
  detectLandmarks(input: tf.Tensor3D): Promise<{ positions: Array<{ x: number; y: number }> }>;
}

let landmarkNet: Promise<LandmarkNet> | null = null;

/** face-api's full 68-point landmark net (shipped in the npm package). After `initRuntime()`. */
export function loadLandmarkNet(): Promise<LandmarkNet> {
  landmarkNet ??= (async () => {
    const require = createRequire(import.meta.url);
    const api = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as { nets: { faceLandmark68Net: LandmarkNet } };
    await api.nets.faceLandmark68Net.loadFromDisk(join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model'));
    return api.nets.faceLandmark68Net;
  })();
  return landmarkNet;
}

/** Side the face box is resized to before the landmark net (it reads 112 px; more helps at 64 px input). */
const LANDMARK_INPUT = 224;

/**
 * Eye opening: the mean lid-to-lid distance of both eyes (68-point landmarks 37–41, 38–40, 43–47,
 * 44–46) over the distance between the eye centres. The landmark net reads the face box the live
 * tracker would use for this framing (side 3.2 × eye distance, centred between eyes and mouth).
 */
export async function eyeOpening(net: LandmarkNet, img: Uint8Array, r: number, framing: FaceTemplate): Promise<number> {
  const side = framing.eyeDistance * 3.2;
  const cx = framing.eyeMid.x;
  const cy = framing.eyeMid.y + framing.mouthDistance / 2;
  const box = [cy - side / 2, cx - side / 2, cy + side / 2, cx + side / 2];
  const crop = tf.tidy(() => {
    const x = tf.tensor4d(img, [1, r, r, 3], 'float32');
    return tf.squeeze(tf.image.cropAndResize(x, tf.tensor2d([box]), tf.tensor1d([0], 'int32'), [LANDMARK_INPUT, LANDMARK_INPUT]), [0]) as tf.Tensor3D;
  });
  let p: Array<{ x: number; y: number }>;
  try {
    p = (await net.detectLandmarks(crop)).positions;
  } finally {
    crop.dispose();
  }
  const d = (a: number, b: number): number => Math.hypot(p[a]!.x - p[b]!.x, p[a]!.y - p[b]!.y);
  const centre = (a: number, b: number): { x: number; y: number } => ({ x: (p[a]!.x + p[b]!.x) / 2, y: (p[a]!.y + p[b]!.y) / 2 });
  const l = centre(36, 39);
  const rr = centre(42, 45);
  const iod = Math.hypot(rr.x - l.x, rr.y - l.y);
  return (d(37, 41) + d(38, 40) + d(43, 47) + d(44, 46)) / 4 / iod;
}

/** Eye opening and hair-length proxy of each face of a batch in [-1, 1] ([B,R,R,3]); no tensor is left behind. */
export async function measureFaces(x: tf.Tensor4D, framing: FaceTemplate): Promise<{ eyeSize: number[]; hairLength: number[] }> {
  const net = await loadLandmarkNet();
  const [b, r] = x.shape;
  const t = tf.tidy(() => tf.clipByValue(tf.round(tf.mul(tf.add(x, 1), 127.5)), 0, 255));
  const bytes = t.dataSync();
  t.dispose();
  const px = r * r * 3;
  const eyeSize: number[] = [];
  const hairLength: number[] = [];
  for (let i = 0; i < b; i++) {
    const img = Uint8Array.from(bytes.subarray(i * px, (i + 1) * px));
    eyeSize.push(await eyeOpening(net, img, r, framing));
    hairLength.push(hairLengthProxy(img, r));
  }
  return { eyeSize, hairLength };
}
