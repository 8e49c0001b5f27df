import * as tf from '@tensorflow/tfjs';
import { initRuntime } from '../runtime/index';
import { beforeAll, describe, expect, it } from 'vitest';
import { FORGET_BIAS, lstmCell } from './lstm-cell';
import { finiteDifference, pickIndices } from './testing';

beforeAll(async () => {
  await initRuntime();
});

const B = 3;
const I = 5;
const H = 4;

describe('lstmCell', () => {
  it('with zero weights keeps σ(forget bias) of the memory and outputs σ(0)·tanh(c)', () => {
    const c0 = tf.tensor2d([[1, -2, 0.5, 3]]);
    const { h, c } = lstmCell(tf.ones([1, I]), { h: tf.zeros([1, H]), c: c0 }, tf.zeros([I + H, 4 * H]), tf.zeros([4 * H]));
    const sf = 1 / (1 + Math.exp(-FORGET_BIAS));
    [1, -2, 0.5, 3].forEach((v, i) => {
      expect(c.dataSync()[i]).toBeCloseTo(sf * v, 6);
      expect(h.dataSync()[i]).toBeCloseTo(0.5 * Math.tanh(sf * v), 6);
    });
    tf.dispose([c0, h, c]);
  });

  it('gradients w.r.t. W, b, input, h and c match central finite differences', () => {
    // Loss: a fixed random projection of (h', c') two steps deep, so W_h and the state path matter.
    const vars = {
      w: tf.variable(tf.randomNormal([I + H, 4 * H], 0, 0.5, 'float32', 1)),
      b: tf.variable(tf.randomNormal([4 * H], 0, 0.5, 'float32', 2)),
      x: tf.variable(tf.randomNormal([B, I], 0, 1, 'float32', 3)),
      h: tf.variable(tf.randomNormal([B, H], 0, 0.5, 'float32', 4)),
      c: tf.variable(tf.randomNormal([B, H], 0, 1, 'float32', 5)),
    };
    const rh = tf.randomNormal([B, H], 0, 1, 'float32', 6);
    const rc = tf.randomNormal([B, H], 0, 1, 'float32', 7);
    const loss = (): tf.Scalar =>
      tf.tidy(() => {
        const s1 = lstmCell(vars.x as tf.Tensor as tf.Tensor2D, { h: vars.h as tf.Tensor as tf.Tensor2D, c: vars.c as tf.Tensor as tf.Tensor2D }, vars.w as tf.Tensor as tf.Tensor2D, vars.b as tf.Tensor as tf.Tensor1D);
        const s2 = lstmCell(tf.tanh(vars.x) as tf.Tensor2D, s1, vars.w as tf.Tensor as tf.Tensor2D, vars.b as tf.Tensor as tf.Tensor1D);
        return tf.add(tf.sum(tf.mul(s2.h, rh)), tf.sum(tf.mul(s2.c, rc))) as tf.Scalar;
      });
    const all = Object.values(vars);
    const { grads, value } = tf.variableGrads(loss, all);
    value.dispose();
    const lossValue = (): number => {
      const l = loss();
      const v = l.dataSync()[0]!;
      l.dispose();
      return v;
    };
    let checked = 0;
    for (const [name, v] of Object.entries(vars)) {
      const g = grads[v.name]!.dataSync();
      for (const i of pickIndices(g, 4, name.length * 31 + 7)) {
        // float32: the loss is O(1) with ~1e-7 rounding, so the quotient's noise is ~1e-5; the
        // truncation error is O(eps²) ≈ 1e-4 relative. 1e-2 relative (+1e-4 absolute) leaves margin
        // while still catching a wrong term (which is off by O(1)).
        const fd = finiteDifference(lossValue, v, i, 1e-2);
        expect(Math.abs(fd - g[i]!), `${name}[${i}] fd ${fd} vs ${g[i]}`).toBeLessThanOrEqual(1e-2 * Math.abs(g[i]!) + 1e-4);
        checked++;
      }
    }
    expect(checked).toBe(20);
    tf.dispose([...all, rh, rc, ...Object.values(grads)]);
  });
});
