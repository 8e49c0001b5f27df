import * as tf from '@tensorflow/tfjs';
import type { RealFaceSplit } from '@lfe/realface';
import type { RealJudge } from './real-judge';
import { rocAuc } from '../util/roc-auc';

export { rocAuc };

export interface RealAttributeScore {
  /** Share of faces whose decision matches the label. */
  accuracy: number;
  /** Mean of the true-positive and true-negative rates (prior-free). */
  balancedAccuracy: number;
  /** Area under the ROC curve of the calibrated probability. */
  auc: number;
  /** Accuracy of the plain decision "calibrated probability ≥ ½" (the prior-aware, accuracy-optimal one). */
  accuracyAtHalf: number;
  /** Faces scored, and how many of them carry the label. */
  n: number;
  positives: number;
}

export interface RealJudgeReport {
  split: string;
  meanAccuracy: number;
  meanBalancedAccuracy: number;
  /** Mean of `accuracyAtHalf`: the standard CelebA metric, whatever the judge's own thresholds. */
  meanAccuracyAtHalf: number;
  perAttribute: Record<string, RealAttributeScore>;
}

/** Score the real judge against a split's labels (every face, in batches). */
export function evaluateRealJudge(judge: RealJudge, split: RealFaceSplit, batchSize = 250): RealJudgeReport {
  const names = split.set.names;
  const k = names.length;
  const cols = judge.attributes.map((a) => {
    const c = names.indexOf(a);
    if (c < 0) throw new TypeError(`evaluateRealJudge: the data set has no label "${a}" that the judge reads`);
    return c;
  });
  const n = split.count;
  const prob = new Float32Array(n * judge.attributes.length);
  const labels = new Int8Array(n * k);
  for (let start = 0; start < n; start += batchSize) {
    const b = split.slice(start, batchSize);
    const x = tf.tensor4d(b.images, b.shape);
    try {
      prob.set(judge.probabilities(x), start * judge.attributes.length);
    } finally {
      x.dispose();
    }
    labels.set(b.labels, start * k);
  }
  const perAttribute: Record<string, RealAttributeScore> = {};
  judge.attributes.forEach((name, j) => {
    const p = new Float32Array(n);
    const pos: boolean[] = [];
    let tp = 0;
    let tn = 0;
    let positives = 0;
    let half = 0;
    for (let i = 0; i < n; i++) {
      p[i] = prob[i * judge.attributes.length + j]!;
      const y = labels[i * k + cols[j]!] === 1;
      pos.push(y);
      const d = p[i]! >= judge.threshold[j]!;
      if (p[i]! >= 0.5 === y) half++;
      if (y) {
        positives++;
        if (d) tp++;
      } else if (!d) tn++;
    }
    const tpr = positives > 0 ? tp / positives : Number.NaN;
    const tnr = n - positives > 0 ? tn / (n - positives) : Number.NaN;
    perAttribute[name] = { accuracy: (tp + tn) / n, balancedAccuracy: (tpr + tnr) / 2, auc: rocAuc(p, pos), accuracyAtHalf: half / n, n, positives };
  });
  const scores = Object.values(perAttribute);
  const mean = (f: (s: RealAttributeScore) => number): number => scores.reduce((s, v) => s + f(v), 0) / scores.length;
  return { split: split.name, meanAccuracy: mean((s) => s.accuracy), meanBalancedAccuracy: mean((s) => s.balancedAccuracy), meanAccuracyAtHalf: mean((s) => s.accuracyAtHalf), perAttribute };
}

/** A markdown table of the report, attributes in the given order. */
export function formatRealJudgeReport(r: RealJudgeReport): string {
  const pct = (v: number): string => (Number.isNaN(v) ? '–' : (v * 100).toFixed(1));
  const lines = ['| attribute | positives | accuracy % | balanced % | AUC | accuracy at p ≥ ½ % |', '|---|---:|---:|---:|---:|---:|'];
  for (const [name, s] of Object.entries(r.perAttribute)) lines.push(`| ${name} | ${s.positives} / ${s.n} | ${pct(s.accuracy)} | ${pct(s.balancedAccuracy)} | ${Number.isNaN(s.auc) ? '–' : s.auc.toFixed(3)} | ${pct(s.accuracyAtHalf)} |`);
  lines.push(`| **mean** | | **${pct(r.meanAccuracy)}** | **${pct(r.meanBalancedAccuracy)}** | | **${pct(r.meanAccuracyAtHalf)}** |`);
  return lines.join('\n');
}
