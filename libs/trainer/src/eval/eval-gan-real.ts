import * as tf from '@tensorflow/tfjs';
import type { FaceDescriptor, Generator } from '@lfe/face-pipeline';
import type { RealFaceDataset } from '@lfe/realface';
import { frechetDistanceFromStats, gaussianStats, type GaussianStats } from '../judge/frechet';
import type { RealJudge } from '../judge/real-judge';

/** Per attribute: share of faces the real judge reads it on (`present`) and not (`absent`). */
export type RealCoverage = Record<string, { present: number; absent: number }>;

export interface RealGanEvalReport {
  world: 'real';
  /** FD in the real judge's feature space: generated samples vs the test split. */
  fdJudge: number;
  /** The same between the validation and the test split: the real-vs-real floor at this n. */
  fdRealReal: number;
  /** FD in face-descriptor space (face-api's 128-d recognition descriptor), samples vs test. */
  fdFace: number;
  fdFaceRealReal: number;
  ratioJudge: number;
  ratioFace: number;
  /** The judge's attribute rates on generated samples, and on the test split. */
  coverage: RealCoverage;
  coverageData: RealCoverage;
  samples: number;
  psi: number;
  noise: 'const' | 'random' | 'none';
  checkpoint: string;
}

/** Everything measured of one set of faces. */
export interface RealFaceStats {
  judge: GaussianStats;
  face: GaussianStats;
  coverage: RealCoverage;
}

/** Judge features, descriptors and judge decisions of `n` faces produced batch by batch by `next`. */
export async function realFaceStats(judge: RealJudge, descriptor: FaceDescriptor, n: number, batchSize: number, next: (start: number, count: number) => tf.Tensor4D): Promise<RealFaceStats> {
  const dim = judge.config.featureDim;
  const feats = new Float32Array(n * dim);
  const desc = new Float32Array(n * 128);
  const present = new Float64Array(judge.attributes.length);
  for (let start = 0; start < n; start += batchSize) {
    const count = Math.min(batchSize, n - start);
    const x = next(start, count);
    try {
      const f = judge.features(x);
      feats.set(f.dataSync(), start * dim);
      f.dispose();
      judge.judge(x).forEach((v) => judge.attributes.forEach((a, k) => (present[k]! += v.has[a] ? 1 : 0)));
      (await descriptor.describe(x)).forEach((d, i) => desc.set(d, (start + i) * 128));
    } finally {
      x.dispose();
    }
  }
  const coverage: RealCoverage = {};
  judge.attributes.forEach((a, k) => (coverage[a] = { present: present[k]! / n, absent: 1 - present[k]! / n }));
  return { judge: gaussianStats({ rows: n, cols: dim, data: feats }), face: gaussianStats({ rows: n, cols: 128, data: desc }), coverage };
}

/** The faces of a split, in batches. */
export function splitSource(set: RealFaceDataset, split: 'validation' | 'test'): (start: number, count: number) => tf.Tensor4D {
  const s = set.split(split);
  return (start, count) => {
    const b = s.slice(start, count);
    return tf.tensor4d(b.images, b.shape);
  };
}

/**
 * A generator against the real faces: FD in the real judge's features and in descriptor space,
 * each with its real-vs-real floor (validation vs test, at the same n), and attribute coverage.
 */
export async function evaluateGanReal(
  g: Generator,
  judge: RealJudge,
  descriptor: FaceDescriptor,
  set: RealFaceDataset,
  opts: { samples?: number; psi?: number; noise?: 'const' | 'random' | 'none'; seed?: number; batchSize?: number; checkpoint: string },
): Promise<RealGanEvalReport> {
  const n = Math.min(opts.samples ?? 1500, set.split('test').count, set.split('validation').count);
  const bs = opts.batchSize ?? 50;
  const psi = opts.psi ?? 1;
  const noise = opts.noise ?? 'const';
  const seed = opts.seed ?? 4242;
  if (g.config.resolution !== judge.config.resolution) throw new TypeError(`eval-gan: generator makes ${g.config.resolution}px, judge reads ${judge.config.resolution}px`);
  const gen = await realFaceStats(judge, descriptor, n, bs, (start, count) =>
    tf.tidy(() => g.generate(tf.randomNormal([count, g.config.zDim], 0, 1, 'float32', seed + start) as tf.Tensor2D, { noise, psi, noiseSeed: seed + start })),
  );
  const test = await realFaceStats(judge, descriptor, n, bs, splitSource(set, 'test'));
  const val = await realFaceStats(judge, descriptor, n, bs, splitSource(set, 'validation'));
  const fdJudge = frechetDistanceFromStats(gen.judge, test.judge);
  const fdRealReal = frechetDistanceFromStats(val.judge, test.judge);
  const fdFace = frechetDistanceFromStats(gen.face, test.face);
  const fdFaceRealReal = frechetDistanceFromStats(val.face, test.face);
  return {
    world: 'real',
    fdJudge,
    fdRealReal,
    fdFace,
    fdFaceRealReal,
    ratioJudge: fdJudge / fdRealReal,
    ratioFace: fdFace / fdFaceRealReal,
    coverage: gen.coverage,
    coverageData: test.coverage,
    samples: n,
    psi,
    noise,
    checkpoint: opts.checkpoint,
  };
}

export function formatRealGanReport(r: RealGanEvalReport): string {
  const lines = [
    `FD-judge ${r.fdJudge.toFixed(3)} (real-vs-real ${r.fdRealReal.toFixed(3)}, ratio ${r.ratioJudge.toFixed(2)})   FD-face ${r.fdFace.toFixed(4)} (real-vs-real ${r.fdFaceRealReal.toFixed(4)}, ratio ${r.ratioFace.toFixed(2)})   n=${r.samples} ψ=${r.psi} noise ${r.noise}   (targets: both ratios ≤ 3)`,
    `${'attribute'.padEnd(20)} samples% / test%   ratio`,
  ];
  for (const [a, c] of Object.entries(r.coverage)) {
    const d = r.coverageData[a]!.present;
    lines.push(`${a.padEnd(20)} ${(100 * c.present).toFixed(1).padStart(5)} / ${(100 * d).toFixed(1).padStart(5)}   ${d > 0 ? (c.present / d).toFixed(2) : '–'}`);
  }
  return lines.join('\n');
}
