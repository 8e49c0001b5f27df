import * as tf from '@tensorflow/tfjs';
import { CELEBA_FOR_IDENTITY, CELEBA_FOR_LEVEL, type CelebaCondition } from '@lfe/edit-language';
import { invertLatent, type Encoder, type FaceDescriptor, type Generator } from '@lfe/face-pipeline';
import type { RealFaceDataset } from '@lfe/realface';
import { frechetDistanceFromStats, gaussianStats } from '../judge/frechet';
import type { RealJudge } from '../judge/real-judge';
import { pairedDistances, summarize, type DistanceSummary } from './identity';
import { splitSource } from './eval-gan-real';

/** The CelebA labels the vocabulary maps to (what commands edit and what must stay when not asked). */
export const COMMAND_LABELS: readonly string[] = [
  ...new Set(
    [...Object.values(CELEBA_FOR_LEVEL), ...Object.values(CELEBA_FOR_IDENTITY)]
      .flatMap((levels) => Object.values(levels ?? {}))
      .filter((c): c is CelebaCondition => c != null)
      .flatMap((c) => [...c.present, ...c.absent]),
  ),
].sort();

export interface RealInversionRow {
  refineSteps: number;
  /** Mean squared pixel error of G(invert(x)) against x, pixels in [-1, 1]. */
  pixelMse: number;
  /** Face-descriptor distance between x and G(invert(x)); `underThreshold` = same person. */
  identity: DistanceSummary;
  /** Share of (face, label) pairs of COMMAND_LABELS where the real judge decides the same for both. */
  labelAgreement: number;
  perLabel: Record<string, number>;
  /** FD of the reconstructions against the test faces (judge features, descriptors); null when there are too few faces for it (n ≤ 2 · dimensions). */
  fdJudge: number | null;
  fdFace: number | null;
  msPerFace: number;
}

export interface RealInversionReport {
  world: 'real';
  /** The faces inverted; the FD floor compares them with the other held-out split. */
  split: 'validation' | 'test';
  faces: number;
  threshold: number;
  /** Real-vs-real floors at this n (validation vs test), for the FD columns (null: too few faces). */
  fdJudgeFloor: number | null;
  fdFaceFloor: number | null;
  rows: RealInversionRow[];
}

/**
 * Inversion of real faces (part 3, step 1): test faces through the encoder (and `refineSteps` of
 * the latent optimisation) into the generator and back. Identity by the calibrated descriptor
 * threshold, attributes by the real judge, realism by FD against the test faces.
 */
export async function evaluateInversionReal(
  g: Generator,
  encoder: Encoder,
  judge: RealJudge,
  descriptor: FaceDescriptor,
  threshold: number,
  set: RealFaceDataset,
  opts: { faces?: number; refineSteps?: readonly number[]; batchSize?: number; split?: 'validation' | 'test'; log?: (line: string) => void } = {},
): Promise<RealInversionReport> {
  const n = Math.min(opts.faces ?? 1500, set.split('test').count, set.split('validation').count);
  const bs = opts.batchSize ?? 50;
  const log = opts.log ?? ((): void => {});
  const split = opts.split ?? 'test';
  const test = splitSource(set, split);
  const val = splitSource(set, split === 'test' ? 'validation' : 'test');
  const labelIdx = COMMAND_LABELS.map((l) => {
    const k = judge.attributes.indexOf(l);
    if (k < 0) throw new TypeError(`eval-inversion: the judge has no label ${l}`);
    return k;
  });
  const dim = judge.config.featureDim;
  // The faces themselves: descriptors, features and decisions (once).
  const base: Float32Array[] = [];
  const baseHas: boolean[][] = [];
  const feats = (x: tf.Tensor4D): Float32Array => {
    const f = judge.features(x);
    const v = f.dataSync() as Float32Array;
    f.dispose();
    return v;
  };
  const testFeat = new Float32Array(n * dim);
  const valFeat = new Float32Array(n * dim);
  const valDesc: Float32Array[] = [];
  for (let s = 0; s < n; s += bs) {
    const c = Math.min(bs, n - s);
    for (const [src, fOut, dOut, hOut] of [[test, testFeat, base, baseHas], [val, valFeat, valDesc, null]] as const) {
      const x = src(s, c);
      fOut.set(feats(x), s * dim);
      dOut.push(...(await descriptor.describe(x)));
      if (hOut !== null) judge.judge(x).forEach((v) => hOut.push(labelIdx.map((k) => v.has[judge.attributes[k]!] === true)));
      x.dispose();
    }
  }
  // FD needs well-conditioned covariances: only with more than twice as many faces as dimensions.
  const fd = (rows: number, cols: number, a: Float32Array, b: ReturnType<typeof gaussianStats>): number | null =>
    rows > 2 * cols ? frechetDistanceFromStats(gaussianStats({ rows, cols, data: a }), b) : null;
  const flat = (ds: readonly Float32Array[]): Float32Array => {
    const out = new Float32Array(ds.length * 128);
    ds.forEach((d, i) => out.set(d, i * 128));
    return out;
  };
  const testJ = gaussianStats({ rows: n, cols: dim, data: testFeat });
  const testF = gaussianStats({ rows: n, cols: 128, data: flat(base) });
  const fdJudgeFloor = fd(n, dim, valFeat, testJ);
  const fdFaceFloor = fd(n, 128, flat(valDesc), testF);

  const rows: RealInversionRow[] = [];
  for (const steps of opts.refineSteps ?? [0]) {
    let se = 0;
    let ms = 0;
    const recDesc: Float32Array[] = [];
    const recFeat = new Float32Array(n * dim);
    const agree = new Float64Array(labelIdx.length);
    for (let s = 0; s < n; s += bs) {
      const c = Math.min(bs, n - s);
      const x = test(s, c);
      const t0 = performance.now();
      const w = invertLatent(g, encoder, x, { refineSteps: steps });
      const rec = tf.tidy(() => tf.clipByValue(g.synthesis(w, { noise: 'const' }), -1, 1) as tf.Tensor4D);
      ms += performance.now() - t0;
      se += tf.tidy(() => tf.sum(tf.square(tf.sub(rec, x))).dataSync()[0]!);
      recFeat.set(feats(rec), s * dim);
      recDesc.push(...(await descriptor.describe(rec)));
      judge.judge(rec).forEach((v, i) => labelIdx.forEach((k, j) => (agree[j]! += v.has[judge.attributes[k]!] === baseHas[s + i]![j] ? 1 : 0)));
      tf.dispose([x, w, rec]);
    }
    const perLabel: Record<string, number> = {};
    COMMAND_LABELS.forEach((l, j) => (perLabel[l] = agree[j]! / n));
    const row: RealInversionRow = {
      refineSteps: steps,
      pixelMse: se / (n * g.config.resolution ** 2 * 3),
      identity: summarize(pairedDistances(base, recDesc), threshold),
      labelAgreement: agree.reduce((a, b) => a + b, 0) / (n * labelIdx.length),
      perLabel,
      fdJudge: fd(n, dim, recFeat, testJ),
      fdFace: fd(n, 128, flat(recDesc), testF),
      msPerFace: ms / n,
    };
    log(`refine ${steps}: pixel MSE ${row.pixelMse.toFixed(4)}, same person ${(row.identity.underThreshold * 100).toFixed(1)} %, labels kept ${(row.labelAgreement * 100).toFixed(1)} %`);
    rows.push(row);
  }
  return { world: 'real', split, faces: n, threshold, fdJudgeFloor, fdFaceFloor, rows };
}

export function formatRealInversionReport(r: RealInversionReport): string {
  const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;
  const fdCell = (v: number | null, floor: number | null, digits: number): string => (v === null || floor === null ? 'n/a' : `${v.toFixed(digits)} (${(v / floor).toFixed(1)}×)`);
  return [
    `Inversion of real ${r.split} faces (${r.faces}); same person: descriptor distance < ${r.threshold.toFixed(3)}; FD floors (validation vs test): judge ${r.fdJudgeFloor?.toFixed(2) ?? 'n/a'}, face ${r.fdFaceFloor?.toFixed(4) ?? 'n/a'}`,
    '',
    '| refine steps | pixel MSE | descriptor distance (median) | same person | command labels kept | FD-judge (× floor) | FD-face (× floor) | ms / face |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.rows.map(
      (w) =>
        `| ${w.refineSteps} | ${w.pixelMse.toFixed(4)} | ${w.identity.median.toFixed(3)} | ${pct(w.identity.underThreshold)} | ${pct(w.labelAgreement)} | ${fdCell(w.fdJudge, r.fdJudgeFloor, 2)} | ${fdCell(w.fdFace, r.fdFaceFloor, 4)} | ${w.msPerFace.toFixed(1)} |`,
    ),
  ].join('\n');
}
