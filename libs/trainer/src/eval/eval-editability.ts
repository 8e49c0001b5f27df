import * as tf from '@tensorflow/tfjs';
import { EDITABLE_ATTRIBUTES, type EditableAttributeName } from '@lfe/edit-language';
import type { Generator } from '@lfe/face-pipeline';
import type { Judge } from '../judge/judge';
import { fitInterFaceGan, interFaceGanEdit } from './eval-interfacegan';

/** One attribute level: how often a linear move in W along its InterFaceGAN normal makes the judge read it. */
export interface EditabilityRow {
  attribute: EditableAttributeName;
  level: string;
  /** The direction's fitted step (distance between the two classes' mean projections on the normal). */
  step: number;
  /** Samples the judge did not read at this level before the move (the ones that count). */
  candidates: number;
  /** Fraction of candidates read at the level after moving step × multiplier, per multiplier. */
  hit: number[];
}

export interface EditabilityReport {
  samples: number;
  fitSamples: number;
  multipliers: number[];
  rows: EditabilityRow[];
  /** Mean of `hit` over rows, per multiplier. */
  mean: number[];
  /** Per-dimension standard deviation of w, averaged, and the mean ‖w‖: the scale the steps compare with. */
  wStd: number;
  wNorm: number;
}

/**
 * How linearly the generator's W encodes each attribute level, measured with the judge: fit the
 * InterFaceGAN directions (judge-labelled SVMs on `fitSamples` samples), then move `samples`
 * fresh samples along each level's normal by its fitted step × each multiplier and count how many
 * of those not at the level the judge then reads at it. A generator whose attributes are linear in
 * W reaches high rates at ×1; rates that need ×16 or more mean edits in W must travel far (and
 * a latent editor trained with a proximity penalty will not).
 */
export function evaluateEditability(
  g: Generator,
  judge: Judge,
  opts: { samples?: number; fitSamples?: number; multipliers?: number[]; seed?: number; fitSeed?: number; batchSize?: number } = {},
): EditabilityReport {
  const n = opts.samples ?? 160;
  const mults = opts.multipliers ?? [1, 4, 16];
  const bs = opts.batchSize ?? 40;
  const dirs = fitInterFaceGan(g, judge, { samples: opts.fitSamples ?? 2000, seed: opts.fitSeed ?? 9090 });
  const w = tf.tidy(() => g.mapping(tf.randomNormal([n, g.config.zDim], 0, 1, 'float32', opts.seed ?? 4242) as tf.Tensor2D));
  const wPlus = tf.tidy(() => tf.tile(tf.expandDims(w, 1), [1, g.numWs, 1]) as tf.Tensor3D);
  const levelsOf = (ws: tf.Tensor3D): Array<Record<EditableAttributeName, number>> => {
    const out: Array<Record<EditableAttributeName, number>> = [];
    for (let s = 0; s < n; s += bs) {
      const count = Math.min(bs, n - s);
      const img = tf.tidy(() => g.synthesis(tf.slice(ws, [s, 0, 0], [count, -1, -1]), { noise: 'const' }));
      for (const v of judge.judge(img)) out.push(v.levels);
      img.dispose();
    }
    return out;
  };
  try {
    const before = levelsOf(wPlus);
    const rows: EditabilityRow[] = [];
    for (const spec of EDITABLE_ATTRIBUTES) {
      spec.levels.forEach((levelName, level) => {
        const dir = dirs.directions.get(`${spec.name}=${level}`);
        if (dir === undefined) return;
        const idx = before.flatMap((l, i) => (l[spec.name] !== level ? [i] : []));
        const hit = mults.map((m) => {
          if (idx.length === 0) return 0;
          const one = { ...dirs, directions: new Map([[`${spec.name}=${level}`, { ...dir, step: dir.step * m }]]) };
          const edited = interFaceGanEdit(one, wPlus, Array.from({ length: n }, () => [{ attribute: spec.name, level }]));
          const after = levelsOf(edited);
          edited.dispose();
          return idx.filter((i) => after[i]![spec.name] === level).length / idx.length;
        });
        rows.push({ attribute: spec.name, level: levelName, step: dir.step, candidates: idx.length, hit });
      });
    }
    const mean = mults.map((_, k) => rows.reduce((a, r) => a + r.hit[k]!, 0) / Math.max(rows.length, 1));
    const [wStd, wNorm] = tf.tidy(() => {
      const { variance } = tf.moments(w, 0);
      return [tf.mean(tf.sqrt(variance)).dataSync()[0]!, tf.mean(tf.norm(w, 'euclidean', 1)).dataSync()[0]!];
    });
    return { samples: n, fitSamples: dirs.samples, multipliers: mults, rows, mean, wStd: wStd!, wNorm: wNorm! };
  } finally {
    tf.dispose([w, wPlus]);
  }
}

export function formatEditability(r: EditabilityReport): string {
  const head = `${'level'.padEnd(22)} ${'step'.padStart(6)} ${'n'.padStart(4)} ${r.multipliers.map((m) => `×${m}`.padStart(7)).join(' ')}`;
  const lines = [
    `editability: InterFaceGAN moves in W on ${r.samples} samples (directions from ${r.fitSamples}); w per-dim std ${r.wStd.toFixed(3)}, mean ‖w‖ ${r.wNorm.toFixed(2)}`,
    head,
  ];
  for (const row of r.rows) {
    lines.push(`${`${row.attribute}=${row.level}`.padEnd(22)} ${row.step.toFixed(3).padStart(6)} ${String(row.candidates).padStart(4)} ${row.hit.map((h) => `${(100 * h).toFixed(1)}%`.padStart(7)).join(' ')}`);
  }
  lines.push(`${'mean'.padEnd(22)} ${''.padStart(6)} ${''.padStart(4)} ${r.mean.map((h) => `${(100 * h).toFixed(1)}%`.padStart(7)).join(' ')}`);
  return lines.join('\n');
}
