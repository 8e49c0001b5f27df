import * as tf from '@tensorflow/tfjs';
import { levelOf, type EditableAttributeName } from '@lfe/edit-language';
import { circularDistance, truthOf, type HeadSpec } from './heads';
import type { Judge, JudgeVerdict } from './judge';
import { eyeHeadReadable, renderFaces } from './face-batch';

/** Held-out metrics of one schema entry. Discrete entries have `accuracy` (+ `confusion`), continuous ones `mae`; ordinal attributes both. */
export interface EntryMetrics {
  kind: 'binary' | 'categorical' | 'ordinal' | 'continuous' | 'circular';
  n: number;
  accuracy?: number;
  /** Mean absolute error of the value (ordinal: in [0,1] units; circular: in turns, on the circle). */
  mae?: number;
  /** confusion[truth][predicted] counts of levels (discrete entries). */
  confusion?: number[][];
}

export interface JudgeReport {
  perAttribute: Record<string, EntryMetrics>;
  perIdentityTrait: Record<string, EntryMetrics>;
  /**
   * Where the faces came from: `sample(hashInts(seed, k))`, k = 0 … n-1, with this share rendered
   * mid-blink (eye size and colour are not scored on faces whose eyes are less than half open).
   */
  data: { seed: number; n: number; resolution: number; blinkFraction?: number };
}

export interface EvaluateOptions {
  seed: number;
  n: number;
  batchSize?: number;
  /** Render this share of the faces mid-blink (renderFaces); default 0. */
  blinkFraction?: number;
}

interface Acc {
  head: HeadSpec;
  kind: EntryMetrics['kind'];
  correct: number;
  absErr: number;
  n: number;
  confusion: number[][] | null;
}

function kindOf(head: HeadSpec): EntryMetrics['kind'] {
  if (head.kind === 'circular') return 'circular';
  if (head.kind === 'sigmoid') return head.group === 'attribute' ? 'ordinal' : 'continuous';
  return head.width === 2 && head.group === 'attribute' ? 'binary' : 'categorical';
}

function levelCount(head: HeadSpec): number {
  return head.kind === 'softmax' ? head.width : head.group === 'attribute' ? 3 : 0;
}

/** Add one batch of verdicts against the ground truth to the accumulators. */
function accumulate(accs: Acc[], verdicts: readonly JudgeVerdict[], faces: Parameters<typeof truthOf>[0][], eyeOpen: readonly number[]): void {
  verdicts.forEach((v, i) => {
    const face = faces[i]!;
    for (const a of accs) {
      const h = a.head;
      if (!eyeHeadReadable(h.name, eyeOpen[i] ?? 1)) continue;
      const truth = truthOf(face, h);
      const pred = h.group === 'attribute' ? v.attributes[h.name as EditableAttributeName] : v.identity[h.name as keyof typeof v.identity];
      a.n++;
      if (a.kind === 'circular') {
        a.absErr += circularDistance(pred, truth);
      } else if (a.kind === 'continuous') {
        a.absErr += Math.abs(pred - truth);
      } else {
        let tl: number;
        let pl: number;
        if (a.kind === 'ordinal') {
          a.absErr += Math.abs(pred - truth);
          tl = levelOf(h.name as EditableAttributeName, truth);
          pl = levelOf(h.name as EditableAttributeName, pred);
        } else {
          tl = Math.round(truth);
          pl = pred;
        }
        if (tl === pl) a.correct++;
        const row = a.confusion?.[tl];
        if (row !== undefined) row[pl] = (row[pl] ?? 0) + 1;
      }
    }
  });
}

/**
 * Held-out accuracy of a judge on `n` fresh renders of stream `seed` (use a seed the training
 * never read). Renders and judges in batches; holds no more than one batch of images.
 */
export function evaluateJudge(judge: Judge, opts: EvaluateOptions): JudgeReport {
  const batchSize = opts.batchSize ?? 100;
  if (!Number.isInteger(opts.n) || opts.n < 1) throw new TypeError('evaluate: n must be a positive integer');
  const r = judge.config.resolution;
  const accs: Acc[] = judge.layout.heads.map((head) => {
    const kind = kindOf(head);
    const levels = levelCount(head);
    return { head, kind, correct: 0, absErr: 0, n: 0, confusion: levels > 0 ? Array.from({ length: levels }, () => new Array<number>(levels).fill(0)) : null };
  });
  for (let start = 0; start < opts.n; start += batchSize) {
    const count = Math.min(batchSize, opts.n - start);
    const { images, faces, eyeOpen } = renderFaces(opts.seed, start, count, r, { blinkFraction: opts.blinkFraction ?? 0 });
    const x = tf.tensor4d(images, [count, r, r, 3]);
    try {
      accumulate(accs, judge.judge(x), faces, eyeOpen);
    } finally {
      x.dispose();
    }
  }
  const report: JudgeReport = {
    perAttribute: {},
    perIdentityTrait: {},
    data: { seed: opts.seed, n: opts.n, resolution: r, ...(opts.blinkFraction ? { blinkFraction: opts.blinkFraction } : {}) },
  };
  for (const a of accs) {
    const m: EntryMetrics = { kind: a.kind, n: a.n };
    if (a.kind !== 'continuous' && a.kind !== 'circular') m.accuracy = a.correct / a.n;
    if (a.kind === 'ordinal' || a.kind === 'continuous' || a.kind === 'circular') m.mae = a.absErr / a.n;
    if (a.confusion !== null) m.confusion = a.confusion;
    (a.head.group === 'attribute' ? report.perAttribute : report.perIdentityTrait)[a.head.name] = m;
  }
  return report;
}

const pct = (v: number | undefined): string => (v === undefined ? '' : `${(100 * v).toFixed(2)} %`);
const num = (v: number | undefined): string => (v === undefined ? '' : v.toFixed(4));

/** A Markdown table of a report (what the CLIs print and the README quotes). `threshold` marks failing discrete entries. */
export function formatReport(report: JudgeReport, threshold = 0.98): string {
  const lines = ['| group | entry | kind | n | accuracy | MAE |', '|---|---|---|---:|---:|---:|'];
  for (const [group, rec] of [['attribute', report.perAttribute], ['identity', report.perIdentityTrait]] as const) {
    for (const [name, m] of Object.entries(rec)) {
      const flag = m.accuracy !== undefined && m.accuracy < threshold ? ' ✗' : '';
      lines.push(`| ${group} | ${name} | ${m.kind} | ${m.n} | ${pct(m.accuracy)}${flag} | ${num(m.mae)} |`);
    }
  }
  return lines.join('\n');
}

/** Discrete entries below `threshold` accuracy (attributes and categorical identity traits). */
export function failingEntries(report: JudgeReport, threshold = 0.98): string[] {
  const out: string[] = [];
  for (const rec of [report.perAttribute, report.perIdentityTrait]) {
    for (const [name, m] of Object.entries(rec)) if (m.accuracy !== undefined && m.accuracy < threshold) out.push(name);
  }
  return out;
}
