import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initRuntime } from '../runtime/init-runtime';
import { fofe } from './fofe';
import { Fusion } from './fusion';
import { TextEncoder } from './text-encoder';

beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
});

describe('FOFE', () => {
  it('matches a hand-computed example (α = 0.5)', () => {
    // tokens 2, 4, 2 over a vocabulary of 5:
    // z1 = e2; z2 = 0.5·e2 + e4; z3 = 0.25·e2 + 0.5·e4 + e2 = 1.25·e2 + 0.5·e4
    const z = fofe(tf.tensor2d([[2, 4, 2]], [1, 3], 'int32'), 5, 0.5);
    expect(Array.from(z.dataSync())).toEqual([0, 0, 1, 0, 0, 0, 0, 0.5, 0, 1, 0, 0, 1.25, 0, 0.5]);
    z.dispose();
  });

  it('keeps word order: "long hair" ≠ "hair long" though both have the same words', () => {
    const z = fofe(tf.tensor2d([[3, 4], [4, 3]], [2, 2], 'int32'), 6, 0.7);
    const [a, b] = tf.split(tf.slice(z, [0, 1, 0], [2, 1, 6]), 2, 0);
    expect(Array.from(a!.dataSync())).not.toEqual(Array.from(b!.dataSync()));
    tf.dispose([z, a!, b!]);
  });

  it('rejects α outside (0, 1)', () => {
    expect(() => fofe(tf.tensor2d([[1]], [1, 1], 'int32'), 3, 1)).toThrow(RangeError);
  });
});

describe('TextEncoder (FOFE → BiLSTM → f)', () => {
  const cfg = { vocabSize: 7, alpha: 0.6, hidden: 3, codeDim: 2 };

  it('padding does not change the code', () => {
    const enc = new TextEncoder(cfg);
    const a = enc.encode(tf.tensor2d([[3, 5, 2]], [1, 3], 'int32'));
    const b = enc.encode(tf.tensor2d([[3, 5, 2, 0, 0]], [1, 5], 'int32'));
    const diff = Math.max(...Array.from(b.dataSync()).map((v, i) => Math.abs(v - a.dataSync()[i]!)));
    expect(diff).toBeLessThan(1e-6);
    tf.dispose([a, b]);
    enc.dispose();
  });

  it('gradients match central finite differences', () => {
    const enc = new TextEncoder(cfg, 11);
    const ids = tf.tensor2d([[3, 5, 2, 6], [1, 4, 0, 0]], [2, 4], 'int32');
    const r = tf.tensor2d([[0.3, -1.1], [0.7, 0.4]]);
    const loss = (): tf.Scalar => tf.sum(tf.mul(enc.encode(ids), r)) as tf.Scalar;
    const { grads, value } = tf.variableGrads(loss, enc.trainableVariables());
    value.dispose();
    const eps = 1e-2;
    let checked = 0;
    for (const v of enc.trainableVariables()) {
      const g = grads[v.name]!.dataSync();
      const base = v.dataSync().slice();
      // A few coordinates per tensor, chosen deterministically.
      for (const idx of [0, Math.floor(base.length / 2), base.length - 1]) {
        const at = (delta: number): number => {
          const vals = base.slice();
          vals[idx] = base[idx]! + delta;
          tf.tidy(() => v.assign(tf.tensor(vals, v.shape)));
          const l = loss();
          const out = l.dataSync()[0]!;
          l.dispose();
          return out;
        };
        const fd = (at(eps) - at(-eps)) / (2 * eps);
        tf.tidy(() => v.assign(tf.tensor(base, v.shape)));
        // float32 central differences: absolute 2e-3 or relative 2 %, whichever is looser.
        expect(Math.abs(fd - g[idx]!), `${v.name}[${idx}] fd ${fd} grad ${g[idx]}`).toBeLessThanOrEqual(Math.max(2e-3, 0.02 * Math.abs(fd)));
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(30);
    tf.dispose([ids, r, ...Object.values(grads)]);
    enc.dispose();
  });

  it('does not leak tensors', () => {
    const enc = new TextEncoder(cfg);
    const ids = tf.tensor2d([[3, 5, 2]], [1, 3], 'int32');
    enc.encode(ids).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) enc.encode(ids).dispose();
    expect(tf.memory().numTensors).toBe(before);
    ids.dispose();
    enc.dispose();
  });
});

describe('Fusion', () => {
  const base = { wDim: 4, codeDim: 2, numWs: 3, hidden: 8 };
  const w = (): tf.Tensor2D => tf.tensor2d([[0.5, -2, 3, 0.1], [1, 1, -1, 0]]);
  const f = (): tf.Tensor2D => tf.tensor2d([[1, -1], [0.3, 2]]);

  it('residual: leaves w unchanged at strength 0 and at initialisation, returns W+', () => {
    const fu = new Fusion({ ...base, mode: 'residual' });
    const out = fu.fuse(w(), f(), 0.7);
    expect(out.shape).toEqual([2, 3, 4]);
    const wp = tf.tile(tf.expandDims(w(), 1), [1, 3, 1]);
    expect(Array.from(out.dataSync())).toEqual(Array.from(wp.dataSync()));
    tf.dispose([out, wp]);
    fu.dispose();
  });

  it('patent: tanh(A·w + B·f + b) stays in (−1, 1) and depends on f', () => {
    const fu = new Fusion({ ...base, mode: 'patent' });
    const a = fu.fuse(w(), f());
    const b = fu.fuse(w(), tf.neg(f()) as tf.Tensor2D);
    expect(Array.from(a.dataSync()).every((v) => v > -1 && v < 1)).toBe(true);
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(b.dataSync()));
    tf.dispose([a, b]);
    fu.dispose();
  });
});

describe('ParamStore.l2 (the method\'s ‖θ‖² on weights as applied)', () => {
  it('weighs each stored weight by its use scale', () => {
    const enc = new TextEncoder({ vocabSize: 7, alpha: 0.6, hidden: 3, codeDim: 2 });
    const sq = (name: string): number => tf.tidy(() => tf.sum(tf.square(enc.params.get(name))).dataSync()[0]!);
    let expected = 0;
    for (const dir of ['fw', 'bw']) expected += sq(`${dir}/in/w`) / 7 + sq(`${dir}/in/b`) + sq(`${dir}/lstm/w`) + sq(`${dir}/lstm/b`);
    expected += sq('out/w') / 6 + sq('out/b');
    const l2 = enc.params.l2();
    expect(l2.dataSync()[0]).toBeCloseTo(expected, 4);
    l2.dispose();
    enc.dispose();
  });
});
