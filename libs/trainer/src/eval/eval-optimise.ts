import * as tf from '@tensorflow/tfjs';
import { applyEdits, describeAttributes, seededRandom, valueOfLevel, type EditableAttributeName } from '@lfe/edit-language';
import { captionIds, optimiseLatentOffset, type Captioner, type Generator } from '@lfe/face-pipeline';
import { optimiseEditOffsets, type OffsetOptimiseConfig } from '../editor/edit-targets';
import type { Judge } from '../judge/judge';
import { caseTargets, type EditCase, type EditMethod } from './eval-editor';

/**
 * Diagnostics for the editor (not product paths): how far per-face latent optimisation gets, which
 * tells a weak teacher from a weak student.
 * - `captionerOptimisation`: the joint training's own objective (the frozen captioner reading the
 *   target caption) optimised per face — what the fusion could reach if it amortised perfectly.
 * - `judgeOptimisation`: the judge as the objective — an oracle bound on what the generator can show
 *   near the inverted latent. It is only ever an evaluation row; nothing trains from it.
 */

/** The requested-attributes caption of a case (the joint training's target caption). */
function caseCaptions(cases: readonly EditCase[]): { ids: number[][]; styles: Array<{ mode: 'partial'; lang: EditCase['lang'] }> } {
  const ids = cases.map((c, i) => {
    const target = { attributes: applyEdits(c.face.attributes, c.edits), identity: c.face.identity };
    const names = [...new Set(c.edits.map((e) => e.attribute))] as EditableAttributeName[];
    return captionIds(describeAttributes(target, names, seededRandom(c.faceIndex * 31 + i), { lang: c.lang, noun: false }));
  });
  return { ids, styles: cases.map((c) => ({ mode: 'partial' as const, lang: c.lang })) };
}

export function captionerOptimisation(generator: Generator, captioner: Captioner, c: OffsetOptimiseConfig, onDelta?: (delta: tf.Tensor3D, cases: readonly EditCase[]) => void): EditMethod {
  return (w, cases) => {
    const { ids, styles } = caseCaptions(cases);
    const pairs = ids.map((row, i) => ({ captionIds: row, style: styles[i]! }));
    const { delta } = optimiseEditOffsets(generator, captioner, w, pairs, c);
    onDelta?.(delta, cases);
    const out = tf.add(w, delta) as tf.Tensor3D;
    delta.dispose();
    return out;
  };
}

export function judgeOptimisation(generator: Generator, judge: Judge, c: OffsetOptimiseConfig): EditMethod {
  return (w, cases) => {
    const targets = caseTargets(cases);
    const heads = judge.layout.heads;
    const objective = (img: tf.Tensor4D): tf.Scalar => {
      const out = judge.outputs(img);
      const terms: tf.Scalar[] = [];
      targets.forEach((ts, row) =>
        ts.forEach(({ attribute, level }) => {
          const h = heads.find((x) => x.group === 'attribute' && x.name === attribute)!;
          const v = tf.slice(out, [row, h.offset], [1, h.width]);
          terms.push(
            h.kind === 'softmax'
              ? (tf.neg(tf.sum(tf.mul(tf.logSoftmax(v), tf.oneHot([level], h.width)))) as tf.Scalar)
              : (tf.mul(10, tf.sum(tf.square(tf.sub(tf.sigmoid(v), valueOfLevel(attribute, level))))) as tf.Scalar),
          );
        }),
      );
      return tf.div(tf.addN(terms), cases.length) as tf.Scalar;
    };
    const { delta } = optimiseLatentOffset(generator, w, objective, c);
    const out = tf.add(w, delta) as tf.Tensor3D;
    delta.dispose();
    return out;
  };
}

/**
 * Sums the captioner-optimised offsets per command text (for `meanOffsetMethod`): the average offset
 * of one command over many faces keeps what the command means and averages away the faces.
 */
export class OffsetAverager {
  readonly #sum = new Map<string, { sum: tf.Tensor2D; n: number }>();

  /** Called inside the evaluation's tidy scope: the sums are kept out of it. */
  add(delta: tf.Tensor3D, cases: readonly EditCase[]): void {
    const rows = tf.unstack(delta).map((r) => tf.keep(r)) as tf.Tensor2D[];
    rows.forEach((row, i) => {
      const key = cases[i]!.text;
      const cur = this.#sum.get(key);
      if (cur === undefined) this.#sum.set(key, { sum: row, n: 1 });
      else {
        const next = tf.keep(tf.add(cur.sum, row)) as tf.Tensor2D;
        tf.dispose([cur.sum, row]);
        this.#sum.set(key, { sum: next, n: cur.n + 1 });
      }
    });
  }

  /** w + scale · mean offset of the case's command (zero for a command never seen). */
  method(scale: number): EditMethod {
    return (w, cases) =>
      tf.tidy(() => {
        const rows = cases.map((c) => {
          const s = this.#sum.get(c.text);
          return s === undefined ? tf.zerosLike(w.slice([0, 0, 0], [1, -1, -1]).squeeze([0])) : tf.div(s.sum, s.n);
        });
        return tf.add(w, tf.mul(tf.stack(rows), scale)) as tf.Tensor3D;
      });
  }

  dispose(): void {
    for (const { sum } of this.#sum.values()) sum.dispose();
    this.#sum.clear();
  }
}
