import * as tf from '@tensorflow/tfjs';
import { EDITABLE_ATTRIBUTES, IDENTITY_TRAITS } from '@lfe/edit-language';
import { invertLatent, type Encoder, type Generator } from '@lfe/face-pipeline';
import { renderFaces } from '../judge/face-batch';
import type { Judge, JudgeVerdict } from '../judge/judge';

export interface InversionRow {
  refineSteps: number;
  /** Mean squared error of G(invert(x)) against x, pixels in [-1, 1]. */
  mse: number;
  /** Fraction of (face, attribute) pairs where the judge gives G(invert(x)) the level it gives x (null without a judge). */
  attributeAgreement: number | null;
  /** The same for the categorical identity traits. */
  identityAgreement: number | null;
  /** Per attribute and categorical identity trait: the fraction of faces it agrees on (empty without a judge). */
  perItem: Record<string, number>;
  msPerImage: number;
}

export interface InversionReport {
  faces: number;
  seed: number;
  /** What was inverted: held-out renders, or the generator's own samples (in distribution: their latent exists). */
  source: 'renders' | 'generated';
  rows: InversionRow[];
}

/** Attribute / categorical-identity agreement between two verdicts, as (matches, total). */
export function agreement(a: JudgeVerdict, b: JudgeVerdict, perItem?: Map<string, number>): { attr: [number, number]; id: [number, number] } {
  const count = (item: string, ok: boolean): void => {
    if (perItem !== undefined) perItem.set(item, (perItem.get(item) ?? 0) + (ok ? 1 : 0));
  };
  let am = 0;
  for (const s of EDITABLE_ATTRIBUTES) {
    const ok = a.levels[s.name] === b.levels[s.name];
    count(s.name, ok);
    if (ok) am++;
  }
  let im = 0;
  let it = 0;
  for (const t of IDENTITY_TRAITS) {
    if (t.kind !== 'categorical') continue;
    it++;
    const ok = a.identity[t.name] === b.identity[t.name];
    count(t.name, ok);
    if (ok) im++;
  }
  return { attr: [am, EDITABLE_ATTRIBUTES.length], id: [im, it] };
}

/**
 * Reconstruction quality of the encoder on held-out renders (stream `seed`), with and without the
 * method's refinement: pixel MSE, judge agreement of G(invert(x)) with x, and ms per image.
 */
export function evaluateInversion(
  g: Generator,
  encoder: Encoder,
  judge: Judge | null,
  opts: { faces: number; seed: number; refineSteps: readonly number[]; batchSize?: number; noise?: 'const' | 'none'; source?: 'renders' | 'generated' },
): InversionReport {
  const source = opts.source ?? 'renders';
  const noise = opts.noise ?? 'const';
  const r = g.config.resolution;
  const bs = opts.batchSize ?? 16;
  const rows: InversionRow[] = [];
  for (const steps of opts.refineSteps) {
    let se = 0;
    let ms = 0;
    const am = [0, 0];
    const im = [0, 0];
    const items = new Map<string, number>();
    for (let start = 0; start < opts.faces; start += bs) {
      const n = Math.min(bs, opts.faces - start);
      const x =
        source === 'renders'
          ? tf.tensor4d(renderFaces(opts.seed, start, n, r).images, [n, r, r, 3])
          : tf.tidy(() => g.generate(tf.randomNormal([n, g.config.zDim], 0, 1, 'float32', opts.seed + start) as tf.Tensor2D, { noise }));
      const t0 = performance.now();
      const w = invertLatent(g, encoder, x, { refineSteps: steps, noise });
      const y = tf.tidy(() => g.synthesis(w, { noise }));
      y.dataSync();
      ms += performance.now() - t0;
      se += tf.tidy(() => tf.sum(tf.square(tf.sub(y, x))).dataSync()[0]!);
      const vx = judge?.judge(x) ?? [];
      const vy = judge?.judge(y) ?? [];
      vx.forEach((v, i) => {
        const a = agreement(v, vy[i]!, items);
        am[0]! += a.attr[0];
        am[1]! += a.attr[1];
        im[0]! += a.id[0];
        im[1]! += a.id[1];
      });
      tf.dispose([x, w, y]);
    }
    rows.push({ refineSteps: steps, mse: se / (opts.faces * r * r * 3), attributeAgreement: judge === null ? null : am[0]! / am[1]!, identityAgreement: judge === null ? null : im[0]! / im[1]!, perItem: Object.fromEntries([...items].map(([k, v]) => [k, v / opts.faces])), msPerImage: ms / opts.faces });
  }
  return { faces: opts.faces, seed: opts.seed, source, rows };
}

const pct = (v: number | null): string => (v === null ? '—' : `${(100 * v).toFixed(1)} %`);

export function formatInversionReport(r: InversionReport): string {
  const lines = [`inversion on ${r.faces} ${r.source === 'renders' ? 'held-out renders' : 'generator samples (ψ 1)'} (seed ${r.seed})`, 'refine  MSE      attr agree  identity agree  ms/image'];
  for (const row of r.rows) {
    lines.push(
      `${String(row.refineSteps).padStart(6)}  ${row.mse.toFixed(4)}   ${pct(row.attributeAgreement).padStart(8)}    ${pct(row.identityAgreement).padStart(8)}     ${row.msPerImage.toFixed(1)}`,
    );
  }
  const items = Object.keys(r.rows[0]?.perItem ?? {});
  if (items.length > 0) {
    lines.push('agreement per item (refine steps: ' + r.rows.map((row) => row.refineSteps).join(' / ') + ')');
    for (const item of items) lines.push(`  ${item.padEnd(12)} ${r.rows.map((row) => pct(row.perItem[item] ?? null).padStart(8)).join(' ')}`);
  }
  return lines.join('\n');
}
