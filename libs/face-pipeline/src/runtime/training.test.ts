import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initRuntime } from './init-runtime';
import { randomNormal } from './testing/compare-backends';

/**
 * A tiny conv net + embedding + LSTM trained for a few steps with Adam on wasm (our kernels) and on
 * cpu (reference) from the same initial weights: the losses must agree step by step, and training
 * must not leak tensors.
 */
const B = 4;
const T = 5;
const VOCAB = 11;
const HID = 8;

interface Weights {
  [name: string]: { shape: number[]; values: Float32Array };
}

function initialWeights(): Weights {
  const shapes: Record<string, number[]> = {
    c1: [3, 3, 3, 6],
    c2: [3, 3, 6, 8],
    emb: [VOCAB, 6],
    lstmK: [6 + 8 + HID, 4 * HID],
    lstmB: [4 * HID],
    out: [HID, 3],
  };
  const w: Weights = {};
  let seed = 100;
  for (const [name, shape] of Object.entries(shapes)) {
    const n = shape.reduce((p, d) => p * d, 1);
    const fanIn = shape.length > 1 ? n / shape[shape.length - 1]! : 1;
    w[name] = { shape, values: randomNormal(n, seed++).map((v) => v / Math.sqrt(fanIn)) };
  }
  return w;
}

const images = randomNormal(B * 12 * 12 * 3, 7);
const tokens = Int32Array.from({ length: B * T }, (_, i) => (i * 5 + 3) % VOCAB);
const targets = randomNormal(B * 3, 9);

async function trainLosses(backend: string, steps: number): Promise<{ losses: number[]; tensorCounts: number[] }> {
  await tf.setBackend(backend);
  const init = initialWeights();
  const vars = Object.fromEntries(Object.entries(init).map(([k, v]) => [k, tf.variable(tf.tensor(v.values, v.shape), true, `${backend}_${k}_${Math.random()}`)]));
  const v = (k: string): tf.Variable => vars[k]!;
  const x = tf.tensor4d(images, [B, 12, 12, 3]);
  const tok = tf.tensor2d(tokens, [B, T], 'int32');
  const y = tf.tensor2d(targets, [B, 3]);
  const opt = tf.train.adam(0.01);
  const losses: number[] = [];
  const tensorCounts: number[] = [];
  const lossFn = (): tf.Scalar =>
    tf.tidy(() => {
      let h = tf.leakyRelu(tf.conv2d(x, v('c1') as tf.Tensor4D, 1, 'same'), 0.2);
      h = tf.leakyRelu(tf.conv2d(h, v('c2') as tf.Tensor4D, 2, 'same'), 0.2); // [B,6,6,8]
      const img = tf.mean<tf.Tensor2D>(h, [1, 2]); // [B,8]
      const emb = tf.gather(v('emb'), tok); // [B,T,6]
      let c = tf.zeros<tf.Rank.R2>([B, HID]);
      let hs = tf.zeros<tf.Rank.R2>([B, HID]);
      for (let t = 0; t < T; t++) {
        const xt = tf.squeeze<tf.Tensor2D>(tf.slice(emb, [0, t, 0], [B, 1, 6]), [1]);
        [c, hs] = tf.basicLSTMCell(tf.scalar(1), v('lstmK') as tf.Tensor2D, v('lstmB') as tf.Tensor1D, tf.concat([xt, img], 1), c, hs);
      }
      const pred = tf.matMul(hs, v('out'));
      return tf.losses.meanSquaredError<tf.Tensor, tf.Scalar>(y, pred);
    });
  for (let s = 0; s < steps; s++) {
    const loss = opt.minimize(lossFn, true) as tf.Scalar;
    losses.push((await loss.data())[0]!);
    loss.dispose();
    tensorCounts.push(tf.memory().numTensors);
  }
  opt.dispose();
  tf.dispose([x, tok, y, ...Object.values(vars)]);
  return { losses, tensorCounts };
}

describe('training a conv net + LSTM on wasm with our kernels', () => {
  beforeAll(async () => {
    await initRuntime({ backend: 'wasm' });
  });
  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  it('matches the cpu backend step by step and leaks nothing', async () => {
    const wasm = await trainLosses('wasm', 6);
    const cpu = await trainLosses('cpu', 6);
    for (let i = 0; i < wasm.losses.length; i++) {
      expect(Math.abs(wasm.losses[i]! - cpu.losses[i]!) / Math.abs(cpu.losses[i]!)).toBeLessThan(1e-4);
    }
    expect(wasm.losses[5]!).toBeLessThan(wasm.losses[0]!);
    // The optimizer allocates its slots on the first step; after that the count must not move.
    expect(new Set(wasm.tensorCounts.slice(1)).size).toBe(1);
  });
});
