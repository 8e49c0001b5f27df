import * as tf from '@tensorflow/tfjs';
import { EDITABLE_ATTRIBUTES, type EditableAttributeName } from '@lfe/edit-language';
import type { Generator } from '@lfe/face-pipeline';
import type { Judge } from '../judge/judge';

/** One unit direction per (attribute, level) in W, and the step that crosses between the classes. */
export interface InterFaceGanDirections {
  wDim: number;
  /** key `${attribute}=${level}` → unit normal n (length wDim) and step α along it. */
  directions: Map<string, { normal: Float32Array; step: number; positives: number }>;
  samples: number;
}

/**
 * The InterFaceGAN baseline (Shen et al.): label generated samples with an attribute classifier
 * (here the judge), fit one linear SVM per attribute level (level vs. the rest) in W, and edit by
 * moving w along the unit normal. The step of each direction is fixed once: the distance between
 * the two classes' mean projections (so a face on the "rest" side lands, on average, on the level's
 * side); it does not depend on the face being edited. Levels with too few samples get no direction.
 */
export function fitInterFaceGan(g: Generator, judge: Judge, opts: { samples: number; seed: number; iterations?: number; minPositives?: number }): InterFaceGanDirections {
  const n = opts.samples;
  const { zDim, wDim } = g.config;
  const ws = new Float32Array(n * wDim);
  const levels: Record<EditableAttributeName, number>[] = [];
  for (let start = 0; start < n; start += 50) {
    const count = Math.min(50, n - start);
    const w = tf.tidy(() => g.mapping(tf.randomNormal([count, zDim], 0, 1, 'float32', opts.seed + start)));
    const img = tf.tidy(() => g.synthesis(w, { noise: 'const' }));
    ws.set(w.dataSync(), start * wDim);
    for (const v of judge.judge(img)) levels.push(v.levels);
    tf.dispose([w, img]);
  }
  const labelings: Array<[string, number[]]> = [];
  for (const spec of EDITABLE_ATTRIBUTES) spec.levels.forEach((_, level) => labelings.push([`${spec.name}=${level}`, levels.map((l) => (l[spec.name] === level ? 1 : -1))]));
  const directions = directionsFromLabels(ws, wDim, labelings, { iterations: opts.iterations ?? 300, minPositives: opts.minPositives ?? 10 });
  return { wDim, directions, samples: n };
}

/**
 * One InterFaceGAN direction per labelling of the codes `ws` ([n, wDim]; labels ±1): W standardised
 * so one SVM regularisation fits every coordinate, a class-balanced linear SVM, its normal taken
 * back to W as a unit vector, and the step = the distance between the two classes' mean
 * projections. Labellings with fewer than `minPositives` on either side get no direction.
 */
export function directionsFromLabels(ws: Float32Array, wDim: number, labelings: Iterable<readonly [string, number[]]>, opts: { iterations: number; minPositives: number }): InterFaceGanDirections['directions'] {
  const n = ws.length / wDim;
  const mean = new Float32Array(wDim);
  const std = new Float32Array(wDim);
  for (let i = 0; i < n; i++) for (let d = 0; d < wDim; d++) mean[d]! += ws[i * wDim + d]! / n;
  for (let i = 0; i < n; i++) for (let d = 0; d < wDim; d++) std[d]! += (ws[i * wDim + d]! - mean[d]!) ** 2 / n;
  for (let d = 0; d < wDim; d++) std[d] = Math.sqrt(std[d]!) + 1e-6;
  const x = tf.tidy(() => tf.div(tf.sub(tf.tensor2d(ws, [n, wDim]), tf.tensor1d(mean)), tf.tensor1d(std))) as tf.Tensor2D;
  const directions: InterFaceGanDirections['directions'] = new Map();
  try {
    for (const [key, y] of labelings) {
      const positives = y.filter((v) => v > 0).length;
      if (positives < opts.minPositives || positives > n - opts.minPositives) continue;
      const { normal } = fitLinearSvm(x, y, opts.iterations);
      // Back to W: the SVM's normal in standardised space is a/σ per coordinate in W.
      const nW = normal.map((v, d) => v / std[d]!);
      const len = Math.hypot(...nW);
      const unit = Float32Array.from(nW, (v) => v / len);
      let posMean = 0;
      let negMean = 0;
      for (let i = 0; i < n; i++) {
        let p = 0;
        for (let d = 0; d < wDim; d++) p += ws[i * wDim + d]! * unit[d]!;
        if (y[i]! > 0) posMean += p / positives;
        else negMean += p / (n - positives);
      }
      directions.set(key, { normal: unit, step: Math.max(0, posMean - negMean), positives });
    }
  } finally {
    x.dispose();
  }
  return directions;
}

/** Linear SVM (hinge loss + ½λ‖a‖², class-balanced) by full-batch Adam: the normal a and the bias b (decision a·x + b > 0). */
export function fitLinearSvm(x: tf.Tensor2D, labels: number[], iterations: number): { normal: Float32Array; bias: number } {
  const [n, d] = x.shape;
  const pos = labels.filter((v) => v > 0).length;
  const y = tf.tensor1d(labels);
  const weight = tf.tensor1d(labels.map((v) => (v > 0 ? n / (2 * pos) : n / (2 * (n - pos)))));
  const a0 = tf.zeros([d, 1]);
  const b0 = tf.zeros([1]);
  const a = tf.variable(a0);
  const b = tf.variable(b0);
  tf.dispose([a0, b0]); // the variables hold their own reference
  const opt = tf.train.adam(0.05);
  for (let i = 0; i < iterations; i++) {
    const cost = opt.minimize(() => {
      const margin = tf.mul(y, tf.reshape(tf.add(tf.matMul(x, a), b), [n]));
      const hinge = tf.mean(tf.mul(weight, tf.relu(tf.sub(1, margin))));
      return tf.add(hinge, tf.mul(0.5e-3, tf.sum(tf.square(a)))) as tf.Scalar;
    }, false, [a, b]);
    cost?.dispose();
  }
  const out = { normal: a.dataSync().slice() as Float32Array, bias: b.dataSync()[0]! };
  tf.dispose([y, weight, a, b]);
  opt.dispose();
  return out;
}

/** Edit W+ codes: for each (attribute, target level) of a row, add step·n to every W+ row. */
export function interFaceGanEdit(dirs: InterFaceGanDirections, w: tf.Tensor3D, targets: ReadonlyArray<ReadonlyArray<{ attribute: EditableAttributeName; level: number }>>): tf.Tensor3D {
  const [b, , wDim] = w.shape;
  if (targets.length !== b) throw new TypeError('interfacegan: one target list per row');
  const delta = new Float32Array(b * wDim);
  targets.forEach((list, i) => {
    for (const t of list) {
      const dir = dirs.directions.get(`${t.attribute}=${t.level}`);
      if (dir === undefined) continue; // level never seen in samples: the baseline cannot make it
      for (let d = 0; d < wDim; d++) delta[i * wDim + d]! += dir.step * dir.normal[d]!;
    }
  });
  return tf.tidy(() => tf.add(w, tf.reshape(tf.tensor2d(delta, [b, wDim]), [b, 1, wDim])) as tf.Tensor3D);
}
