import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initRuntime } from '../init-runtime';
import { chooseMatMulPlan } from './matmul';
import { randomNormal, relativeError, valuesOn } from '../testing/compare-backends';

// Every case builds fresh random inputs, runs the kernel on wasm (ours) and on cpu (reference).
const TOL = 1e-5;
let seed = 1;
const rnd = (shape: number[]): Float32Array => randomNormal(shape.reduce((p, d) => p * d, 1), seed++);

async function compare(fn: () => tf.Tensor): Promise<number> {
  const ours = await valuesOn('wasm', fn);
  const ref = await valuesOn('cpu', fn);
  expect(ours.shape).toEqual(ref.shape);
  return relativeError(ours.values, ref.values);
}

type Pad = 'same' | 'valid' | number;
interface ConvCase {
  n: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  k: number;
  stride: number;
  pad: Pad;
}

const convCases: ConvCase[] = [];
for (const n of [1, 16])
  for (const [h, w] of [
    [7, 7],
    [8, 8],
    [9, 6],
  ] as const)
    for (const k of [1, 3, 4])
      for (const stride of [1, 2, 3])
        for (const pad of ['same', 'valid', 1] as Pad[]) {
          if (pad === 'valid' && k > Math.min(h, w)) continue;
          convCases.push({ n, h, w, ci: 3 + (k % 2), co: 5, k, stride, pad });
        }

const name = (c: ConvCase): string => `n${c.n} ${c.h}x${c.w}x${c.ci}→${c.co} k${c.k} s${c.stride} ${String(c.pad)}`;

beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
});

describe('Conv2DBackpropFilter (new on wasm) matches cpu', () => {
  it.each(convCases.map((c) => [name(c), c] as const))('%s', async (_n, c) => {
    const x = rnd([c.n, c.h, c.w, c.ci]);
    const probe = await valuesOn('cpu', () => tf.conv2d(tf.zeros<tf.Rank.R4>([c.n, c.h, c.w, c.ci]), tf.zeros<tf.Rank.R4>([c.k, c.k, c.ci, c.co]), c.stride, c.pad));
    const dyShape = probe.shape;
    const dy = rnd(dyShape);
    const err = await compare(() =>
      tf.engine().runKernel<tf.Tensor>(
        'Conv2DBackpropFilter',
        { x: tf.tensor4d(x, [c.n, c.h, c.w, c.ci]), dy: tf.tensor(dy, dyShape) },
        { strides: [c.stride, c.stride], pad: c.pad, dataFormat: 'NHWC', filterShape: [c.k, c.k, c.ci, c.co] },
      ),
    );
    expect(err).toBeLessThanOrEqual(TOL);
  });
});

describe('Conv2DBackpropInput (replacement) matches cpu', () => {
  it.each(convCases.map((c) => [name(c), c] as const))('%s', async (_n, c) => {
    const probe = await valuesOn('cpu', () => tf.conv2d(tf.zeros<tf.Rank.R4>([c.n, c.h, c.w, c.ci]), tf.zeros<tf.Rank.R4>([c.k, c.k, c.ci, c.co]), c.stride, c.pad));
    const dyShape = probe.shape;
    const dy = rnd(dyShape);
    const f = rnd([c.k, c.k, c.ci, c.co]);
    const err = await compare(() =>
      tf.engine().runKernel<tf.Tensor>(
        'Conv2DBackpropInput',
        { dy: tf.tensor(dy, dyShape), filter: tf.tensor4d(f, [c.k, c.k, c.ci, c.co]) },
        { strides: [c.stride, c.stride], pad: c.pad, dataFormat: 'NHWC', inputShape: [c.n, c.h, c.w, c.ci] },
      ),
    );
    expect(err).toBeLessThanOrEqual(TOL);
  });

  it('handles asymmetric strides and explicit padding through tf.grad', async () => {
    const x = rnd([2, 11, 10, 3]);
    const w = rnd([3, 2, 3, 4]);
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [2, 0],
      [1, 3],
      [0, 0],
    ];
    const loss = (xx: tf.Tensor, ww: tf.Tensor): tf.Scalar => tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, [2, 3], pad).square().sum();
    for (const arg of [0, 1] as const) {
      const err = await compare(() => {
        const g = tf.grads(loss)([tf.tensor4d(x, [2, 11, 10, 3]), tf.tensor4d(w, [3, 2, 3, 4])]);
        return g[arg]!;
      });
      expect(err).toBeLessThanOrEqual(TOL);
    }
  });
});

describe('BatchMatMul and _FusedMatMul with transposes match cpu', () => {
  const shapes: Array<[number[], number[]]> = [
    [[7, 5], [5, 9]],
    [[16, 33], [33, 17]],
    [[3, 4, 6], [3, 6, 5]],
    [[1, 4, 6], [3, 6, 5]],
    // Small M against a wide operand: the transposed forms take the swapped plan (Cᵀ = Bᵀ·Aᵀ).
    [[4, 40], [40, 64]],
    [[1, 4, 40], [3, 40, 64]],
  ];

  it('plans: swapped for a small batch against a wide weight, direct for square', () => {
    expect(chooseMatMulPlan(16, 512, 2048, false, true)).toBe('swapped');
    expect(chooseMatMulPlan(4, 40, 64, true, true)).toBe('swapped');
    expect(chooseMatMulPlan(512, 512, 512, true, false)).toBe('direct');
  });
  const combos = [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const;
  const cases = shapes.flatMap(([a, b]) => combos.map(([ta, tb]) => ({ a, b, ta, tb })));
  const tr = (s: number[], t: boolean): number[] => (t ? [...s.slice(0, -2), s[s.length - 1]!, s[s.length - 2]!] : s);

  it.each(cases.map((c) => [`${c.a.join('x')}·${c.b.join('x')} tA=${c.ta} tB=${c.tb}`, c] as const))('BatchMatMul %s', async (_n, c) => {
    const as = tr(c.a, c.ta);
    const bs = tr(c.b, c.tb);
    const a = rnd(as);
    const b = rnd(bs);
    const err = await compare(() => tf.matMul(tf.tensor(a, as), tf.tensor(b, bs), c.ta, c.tb));
    expect(err).toBeLessThanOrEqual(TOL);
  });

  const activations = ['relu', 'leakyrelu', 'prelu', 'linear'] as const;
  it.each(
    cases
      .filter((c) => c.a.length === 2)
      .flatMap((c, i) => [[`tA=${c.ta} tB=${c.tb} ${c.a.join('x')} ${activations[i % 4]!}`, c, activations[i % 4]!] as const]),
  )(
    '_FusedMatMul with bias + activation %s',
    async (_n, c, activation) => {
      const as = tr(c.a, c.ta);
      const bs = tr(c.b, c.tb);
      const a = rnd(as);
      const b = rnd(bs);
      const bias = rnd([c.b[1]!]);
      const err = await compare(() =>
        tf.fused.matMul({
          a: tf.tensor2d(a, as as [number, number]),
          b: tf.tensor2d(b, bs as [number, number]),
          transposeA: c.ta,
          transposeB: c.tb,
          bias: tf.tensor1d(bias),
          activation,
          preluActivationWeights: activation === 'prelu' ? tf.fill([c.b[1]!], 0.1) : undefined,
          leakyreluAlpha: 0.3,
        }),
      );
      expect(err).toBeLessThanOrEqual(TOL);
    },
  );
});

describe('UnsortedSegmentSum (new on wasm) matches cpu', () => {
  it.each([
    ['1-D ids, 2-D x', [12], [12, 5], 4],
    ['1-D ids, 3-D x, out-of-range ids dropped', [10], [10, 3, 2], 3],
    ['2-D ids', [4, 3], [4, 3, 2], 5],
    ['batch 16 embedding-like', [16], [16, 64], 40],
  ] as const)('%s', async (_n, idShape, xShape, numSegments) => {
    const m = idShape.reduce((p, d) => p * d, 1);
    const ids = Int32Array.from({ length: m }, (_, i) => ((i * 7 + seed) % (numSegments + 2)) - 1); // includes −1 and S
    seed++;
    const x = rnd([...xShape]);
    // The cpu reference only takes 1-D ids, so it sums the flattened problem; ours gets the real one.
    const rest = xShape.slice(idShape.length);
    const ours = await valuesOn('wasm', () =>
      tf.engine().runKernel<tf.Tensor>('UnsortedSegmentSum', { x: tf.tensor(x, [...xShape]), segmentIds: tf.tensor(ids, [...idShape], 'int32') }, { numSegments }),
    );
    const ref = await valuesOn('cpu', () => tf.unsortedSegmentSum(tf.tensor(x, [m, ...rest]), tf.tensor1d(ids, 'int32'), numSegments));
    expect(ours.shape).toEqual([numSegments, ...rest]);
    expect(relativeError(ours.values, ref.values)).toBeLessThanOrEqual(TOL);
  });

  it('sums int32 data exactly', async () => {
    const x = Int32Array.from({ length: 20 }, (_, i) => i * 3 - 7);
    const ids = Int32Array.from({ length: 10 }, (_, i) => i % 3);
    const ours = await valuesOn('wasm', () => tf.unsortedSegmentSum(tf.tensor2d(x, [10, 2], 'int32'), tf.tensor1d(ids, 'int32'), 3));
    const ref = await valuesOn('cpu', () => tf.unsortedSegmentSum(tf.tensor2d(x, [10, 2], 'int32'), tf.tensor1d(ids, 'int32'), 3));
    expect(Array.from(ours.values)).toEqual(Array.from(ref.values));
  });

  it('is the gradient of gather', async () => {
    const table = rnd([9, 4]);
    const idx = Int32Array.from([0, 3, 3, 8, 1, 3]);
    const err = await compare(() => tf.grad((t: tf.Tensor) => tf.gather(t, tf.tensor1d(idx, 'int32')).square().sum())(tf.tensor2d(table, [9, 4])));
    expect(err).toBeLessThanOrEqual(TOL);
  });
});

describe('kernel bookkeeping', () => {
  it('leaks no tensors or wasm buffers across calls', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal<tf.Rank.R4>([2, 8, 8, 3]);
    const w = tf.randomNormal<tf.Rank.R4>([3, 3, 3, 4]);
    const step = (): void => {
      tf.tidy(() => {
        const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same').square().sum())([x, w]);
        const m = tf.grad((a: tf.Tensor) => tf.matMul(a as tf.Tensor2D, a as tf.Tensor2D, false, true).sum())(tf.randomNormal([5, 5]));
        return [gx!, gw!, m];
      }).forEach((t) => t.dispose());
    };
    step();
    const before = tf.memory();
    for (let i = 0; i < 5; i++) step();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numDataBuffers).toBe(before.numDataBuffers);
    expect(after.numBytes).toBe(before.numBytes);
    x.dispose();
    w.dispose();
  });

  it('rejects NCHW with a clear error', async () => {
    await tf.setBackend('wasm');
    expect(() =>
      tf.tidy(() =>
        tf.engine().runKernel(
          'Conv2DBackpropFilter',
          { x: tf.zeros([1, 3, 4, 4]), dy: tf.zeros([1, 2, 4, 4]) },
          { strides: [1, 1], pad: 'same', dataFormat: 'NCHW', filterShape: [1, 1, 3, 2] },
        ),
      ),
    ).toThrow(/NHWC/);
  });
});
