import * as tf from '@tensorflow/tfjs';
import { EDITABLE_ATTRIBUTES, IDENTITY_TRAITS, type EditableAttributeName } from '@lfe/edit-language';
import type { Generator } from '@lfe/face-pipeline';
import { renderFaces } from '../judge/face-batch';
import { frechetDistanceFromStats, gaussianStats, type GaussianStats } from '../judge/frechet';
import type { Judge } from '../judge/judge';

export type Coverage = Record<EditableAttributeName, Record<string, number>>;
/** Level distribution of the categorical identity traits (gender, eye colour). */
export type IdentityCoverage = Record<string, Record<string, number>>;

const CATEGORICAL_TRAITS = IDENTITY_TRAITS.filter((t) => t.kind === 'categorical');

export interface GanEvalReport {
  /** FD between judge features of `samples` generated faces and of `samples` renders (seed A). */
  fdJudge: number;
  /** FD between two independent sets of `samples` renders (seeds A and B): the sampling-noise floor. */
  fdRealReal: number;
  /** fdJudge / fdRealReal (the target is ≤ 5). */
  ratio: number;
  /** Judge's level distribution over generated samples, per discrete attribute. */
  coverage: Coverage;
  /** The same on renders, for comparison. */
  coverageRenders: Coverage;
  /** The judge's distribution of the categorical identity traits over generated samples, and over renders. */
  identityCoverage: IdentityCoverage;
  identityCoverageRenders: IdentityCoverage;
  /** Levels (of attributes and categorical identity traits) appearing in < 1 % of generated samples. */
  rareLevels: string[];
  samples: number;
  psi: number;
  /** Noise inputs of the generated faces. */
  noise: 'const' | 'random' | 'none';
  checkpoint: string;
}

interface Collected {
  stats: GaussianStats;
  coverage: Coverage;
  identity: IdentityCoverage;
}

function emptyCoverage(): Coverage {
  return Object.fromEntries(EDITABLE_ATTRIBUTES.map((a) => [a.name, Object.fromEntries(a.levels.map((l) => [l, 0]))])) as Coverage;
}

/** Judge features + level histogram of images produced batch by batch by `next(start, count)`. */
function collect(judge: Judge, n: number, batchSize: number, next: (start: number, count: number) => tf.Tensor4D): Collected {
  const dim = judge.config.featureDim;
  const feats = new Float32Array(n * dim);
  const coverage = emptyCoverage();
  const identity: IdentityCoverage = Object.fromEntries(CATEGORICAL_TRAITS.map((t) => [t.name, Object.fromEntries(t.levels.map((l) => [l, 0]))]));
  for (let start = 0; start < n; start += batchSize) {
    const count = Math.min(batchSize, n - start);
    const x = next(start, count);
    try {
      const f = judge.features(x);
      feats.set(f.dataSync(), start * dim);
      f.dispose();
      for (const v of judge.judge(x)) {
        for (const a of EDITABLE_ATTRIBUTES) {
          const level = a.levels[v.levels[a.name]]!;
          coverage[a.name][level] = (coverage[a.name][level] ?? 0) + 1 / n;
        }
        for (const t of CATEGORICAL_TRAITS) {
          const level = t.levels[v.identity[t.name]]!;
          identity[t.name]![level] = (identity[t.name]![level] ?? 0) + 1 / n;
        }
      }
    } finally {
      x.dispose();
    }
  }
  return { stats: gaussianStats({ rows: n, cols: dim, data: feats }), coverage, identity };
}

/**
 * FD-judge of a generator against renders, the real-vs-real floor, and attribute coverage.
 * Generated faces use truncation ψ and the stored constant noise maps (`noise: 'const'`, default), fresh
 * random noise, or none (how the editor bundle generates); z comes from `seed`.
 */
export function evaluateGan(g: Generator, judge: Judge, opts: { samples: number; psi?: number; noise?: 'const' | 'random' | 'none'; seed?: number; renderSeedA?: number; renderSeedB?: number; batchSize?: number; checkpoint: string }): GanEvalReport {
  const n = opts.samples;
  const bs = opts.batchSize ?? 50;
  const psi = opts.psi ?? 1;
  const noise = opts.noise ?? 'const';
  const seed = opts.seed ?? 4242;
  const r = judge.config.resolution;
  if (g.config.resolution !== r) throw new TypeError(`eval-gan: generator makes ${g.config.resolution}px, judge reads ${r}px`);
  const gen = collect(judge, n, bs, (start, count) =>
    tf.tidy(() => g.generate(tf.randomNormal([count, g.config.zDim], 0, 1, 'float32', seed + start) as tf.Tensor2D, { noise, psi, noiseSeed: seed + start })),
  );
  const render = (s: number) => (start: number, count: number) => tf.tensor4d(renderFaces(s, start, count, r).images, [count, r, r, 3]);
  const a = collect(judge, n, bs, render(opts.renderSeedA ?? 777_001));
  const b = collect(judge, n, bs, render(opts.renderSeedB ?? 777_002));
  const fdJudge = frechetDistanceFromStats(gen.stats, a.stats);
  const fdRealReal = frechetDistanceFromStats(a.stats, b.stats);
  const rareLevels = [...Object.entries(gen.coverage), ...Object.entries(gen.identity)].flatMap(([attr, levels]) => Object.entries(levels).filter(([, f]) => f < 0.01).map(([l]) => `${attr}=${l}`));
  return { fdJudge, fdRealReal, ratio: fdJudge / fdRealReal, coverage: gen.coverage, coverageRenders: a.coverage, identityCoverage: gen.identity, identityCoverageRenders: a.identity, rareLevels, samples: n, psi, noise, checkpoint: opts.checkpoint };
}

export function formatGanReport(r: GanEvalReport): string {
  const lines = [
    `FD-judge ${r.fdJudge.toFixed(3)}   FD real-vs-real ${r.fdRealReal.toFixed(3)}   ratio ${r.ratio.toFixed(2)} (target ≤ 5, measured at n=2000: fewer samples raise the floor and lower the ratio)   n=${r.samples} ψ=${r.psi} noise ${r.noise}`,
    `${'attribute'.padEnd(12)} level: generated% / renders%`,
  ];
  for (const a of EDITABLE_ATTRIBUTES) {
    const cells = a.levels.map((l) => `${l} ${(100 * (r.coverage[a.name][l] ?? 0)).toFixed(1)}/${(100 * (r.coverageRenders[a.name][l] ?? 0)).toFixed(1)}`);
    lines.push(`${a.name.padEnd(12)} ${cells.join('  ')}`);
  }
  for (const t of CATEGORICAL_TRAITS) {
    const cells = t.levels.map((l) => `${l} ${(100 * (r.identityCoverage[t.name]?.[l] ?? 0)).toFixed(1)}/${(100 * (r.identityCoverageRenders[t.name]?.[l] ?? 0)).toFixed(1)}`);
    lines.push(`${t.name.padEnd(12)} ${cells.join('  ')}   (identity trait)`);
  }
  lines.push(r.rareLevels.length === 0 ? 'every level appears in ≥ 1 % of samples' : `levels under 1 % of samples: ${r.rareLevels.join(', ')}`);
  return lines.join('\n');
}
