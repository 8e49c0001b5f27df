import * as tf from '@tensorflow/tfjs';
import type { Generator } from '@lfe/face-pipeline';
import type { RealJudge } from '../judge/real-judge';
import { fitLinearSvm } from './eval-interfacegan';

/** How well one hyperplane in W separates the samples the real judge reads with a label from the rest. */
export interface LinearSeparabilityRow {
  label: string;
  /** Share of all samples the judge reads with the label. */
  rate: number;
  /** Positives among the fitting samples; below `minPositives` (either class) nothing is fitted. */
  fitPositives: number;
  /** Held-out samples and their positives. */
  heldOut: number;
  heldOutPositives: number;
  /** Held-out accuracy, balanced accuracy (mean of the two classes' recalls) and the majority-class accuracy; null when not fitted. */
  accuracy: number | null;
  balancedAccuracy: number | null;
  majority: number;
}

export interface RealEditabilityReport {
  samples: number;
  fitSamples: number;
  psi: number;
  rows: LinearSeparabilityRow[];
  /** Means over the fitted rows. */
  meanAccuracy: number;
  meanBalancedAccuracy: number;
}

/**
 * Fit a class-balanced linear SVM on the first `fitFraction` of (x, labels) (x standardised with the
 * fitting rows' statistics) and score it on the rest. `labels` are ±1.
 */
export function linearSeparability(
  x: Float32Array,
  dim: number,
  labels: readonly number[],
  opts: { fitFraction?: number; iterations?: number; minPositives?: number } = {},
): Omit<LinearSeparabilityRow, 'label' | 'rate'> {
  const n = labels.length;
  if (x.length !== n * dim) throw new TypeError(`linearSeparability: ${x.length} values for ${n} rows of ${dim}`);
  const nFit = Math.round(n * (opts.fitFraction ?? 0.75));
  if (nFit < 2 || nFit >= n) throw new RangeError(`linearSeparability: ${n} samples leave no fitting or held-out rows`);
  const fitY = labels.slice(0, nFit);
  const testY = labels.slice(nFit);
  const fitPositives = fitY.filter((v) => v > 0).length;
  const heldOutPositives = testY.filter((v) => v > 0).length;
  const majority = Math.max(heldOutPositives, testY.length - heldOutPositives) / testY.length;
  const base = { fitPositives, heldOut: testY.length, heldOutPositives, majority };
  const minPos = opts.minPositives ?? 10;
  if (fitPositives < minPos || nFit - fitPositives < minPos || heldOutPositives === 0 || heldOutPositives === testY.length) {
    return { ...base, accuracy: null, balancedAccuracy: null };
  }
  const mean = new Float64Array(dim);
  const std = new Float64Array(dim);
  for (let i = 0; i < nFit; i++) for (let d = 0; d < dim; d++) mean[d]! += x[i * dim + d]! / nFit;
  for (let i = 0; i < nFit; i++) for (let d = 0; d < dim; d++) std[d]! += (x[i * dim + d]! - mean[d]!) ** 2 / nFit;
  for (let d = 0; d < dim; d++) std[d] = Math.sqrt(std[d]!) + 1e-6;
  const z = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) z[i * dim + d] = (x[i * dim + d]! - mean[d]!) / std[d]!;
  const xFit = tf.tensor2d(z.subarray(0, nFit * dim), [nFit, dim]);
  let svm: { normal: Float32Array; bias: number };
  try {
    svm = fitLinearSvm(xFit, [...fitY], opts.iterations ?? 400);
  } finally {
    xFit.dispose();
  }
  let tp = 0;
  let tn = 0;
  for (let i = nFit; i < n; i++) {
    let s = svm.bias;
    for (let d = 0; d < dim; d++) s += z[i * dim + d]! * svm.normal[d]!;
    if (s > 0 && labels[i]! > 0) tp++;
    else if (s <= 0 && labels[i]! <= 0) tn++;
  }
  const negatives = testY.length - heldOutPositives;
  return { ...base, accuracy: (tp + tn) / testY.length, balancedAccuracy: (tp / heldOutPositives + tn / negatives) / 2 };
}

/**
 * InterFaceGAN's premise, measured in the real world: draw `samples` codes w (mapping of z, ψ),
 * generate their faces (constant noise), let the real judge decide each label, and ask how well a
 * hyperplane in W fitted on 75 % of the samples predicts the judge on the other 25 %.
 */
export function evaluateRealEditability(
  g: Generator,
  judge: RealJudge,
  labels: readonly string[],
  opts: { samples?: number; seed?: number; psi?: number; batchSize?: number; iterations?: number } = {},
): RealEditabilityReport {
  const n = opts.samples ?? 2000;
  const seed = opts.seed ?? 4242;
  const psi = opts.psi ?? 1;
  const bs = opts.batchSize ?? 50;
  const { zDim, wDim } = g.config;
  for (const l of labels) if (!judge.attributes.includes(l)) throw new RangeError(`editability: the judge does not read ${l}`);
  const ws = new Float32Array(n * wDim);
  const has: Record<string, boolean>[] = [];
  for (let start = 0; start < n; start += bs) {
    const count = Math.min(bs, n - start);
    const w = tf.tidy(() => g.truncate(g.mapping(tf.randomNormal([count, zDim], 0, 1, 'float32', seed + start)), psi));
    try {
      ws.set(w.dataSync(), start * wDim);
      const img = tf.tidy(() => g.synthesis(w, { noise: 'const' }));
      try {
        for (const v of judge.judge(img as tf.Tensor4D)) has.push(v.has);
      } finally {
        img.dispose();
      }
    } finally {
      w.dispose();
    }
  }
  const rows = labels.map((label): LinearSeparabilityRow => {
    const y = has.map((h) => (h[label] ? 1 : -1));
    const rate = y.filter((v) => v > 0).length / n;
    return { label, rate, ...linearSeparability(ws, wDim, y, { ...(opts.iterations !== undefined ? { iterations: opts.iterations } : {}) }) };
  });
  const fitted = rows.filter((r) => r.accuracy !== null);
  const mean = (f: (r: LinearSeparabilityRow) => number): number => (fitted.length ? fitted.reduce((s, r) => s + f(r), 0) / fitted.length : Number.NaN);
  return { samples: n, fitSamples: Math.round(n * 0.75), psi, rows, meanAccuracy: mean((r) => r.accuracy!), meanBalancedAccuracy: mean((r) => r.balancedAccuracy!) };
}

export function formatRealEditability(r: RealEditabilityReport): string {
  const pct = (v: number | null): string => (v === null ? '    –' : (100 * v).toFixed(1).padStart(5));
  const lines = [
    `Linear separability in W (real judge's decisions on ${r.samples} samples, ψ=${r.psi}; SVM fitted on ${r.fitSamples}, scored on ${r.samples - r.fitSamples}; target: accuracy ≥ 85 %)`,
    'label                 rate%   acc%   bal%  majority%',
  ];
  for (const row of r.rows) lines.push(`${row.label.padEnd(20)} ${pct(row.rate)}  ${pct(row.accuracy)}  ${pct(row.balancedAccuracy)}  ${pct(row.majority)}`);
  lines.push(`mean (fitted rows)          ${pct(r.meanAccuracy)}  ${pct(r.meanBalancedAccuracy)}`);
  return lines.join('\n');
}
