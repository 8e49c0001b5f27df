import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convEpilogue, convEpilogueStock, fusedEpilogueAvailable, type ConvNoise } from '../../generate/modulated-conv';
import { initRuntime } from '../init-runtime';
import { randomNormal, relativeError } from '../testing/compare-backends';
import { CONV_EPILOGUE_KERNEL } from './conv-epilogue';
import { CONV_EPILOGUE_WASM_BASE64 } from './conv-epilogue-wasm';
import { compileWat } from './wat';

let seed = 500;
const rnd = (shape: number[], scale = 1): tf.Tensor =>
  tf.mul(tf.tensor(randomNormal(shape.reduce((p, d) => p * d, 1), seed++), shape), scale);

interface Case {
  b: number;
  h: number;
  w: number;
  c: number;
  noise: 'none' | 'shared' | 'batched';
}
const cases: Case[] = [];
for (const c of [16, 32, 3, 6])
  for (const noise of ['none', 'shared', 'batched'] as const)
    for (const [b, h, w] of [
      [1, 4, 4],
      [3, 5, 7],
    ] as const)
      cases.push({ b, h, w, c, noise });

/** Fresh inputs of one case: y, d > 0 (as demodulation is), bias, and the noise when the case has it. */
function inputs(k: Case): { y: tf.Tensor4D; d: tf.Tensor2D; bias: tf.Tensor1D; noise?: ConvNoise } {
  const y = rnd([k.b, k.h, k.w, k.c]) as tf.Tensor4D;
  const d = tf.exp(rnd([k.b, k.c], 0.5)) as tf.Tensor2D;
  const bias = rnd([k.c], 0.3) as tf.Tensor1D;
  if (k.noise === 'none') return { y, d, bias };
  const map = rnd([k.noise === 'shared' ? 1 : k.b, k.h, k.w, 1]) as tf.Tensor4D;
  return { y, d, bias, noise: { map, strength: tf.scalar(0.7) } };
}

function disposeInputs(x: ReturnType<typeof inputs>): void {
  tf.dispose([x.y, x.d, x.bias, x.noise?.map, x.noise?.strength].filter((t): t is tf.Tensor => t !== undefined));
}

/** Gradients of a fixed weighted sum of the epilogue with respect to every input. */
function grads(x: ReturnType<typeof inputs>, weights: tf.Tensor, stock: boolean): Float32Array[] {
  const list = [x.y, x.d, x.bias, ...(x.noise === undefined ? [] : [x.noise.map, x.noise.strength])];
  const f = (...ts: tf.Tensor[]): tf.Scalar => {
    const noise = ts.length > 3 ? { map: ts[3] as tf.Tensor4D, strength: ts[4]! } : undefined;
    return tf.sum(tf.mul(convEpilogue(ts[0] as tf.Tensor4D, ts[1] as tf.Tensor2D, ts[2]!, noise, { stock }), weights));
  };
  const gs = tf.grads(f)(list);
  const out = gs.map((g) => g.dataSync() as Float32Array);
  tf.dispose(gs);
  return out;
}

describe.each(['wasm', 'cpu'])('fused conv epilogue on %s', (backend) => {
  beforeAll(async () => {
    await initRuntime({ backend: 'wasm' });
    await tf.setBackend(backend);
  });
  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  it('is registered, so the generator uses it', () => {
    expect(fusedEpilogueAvailable()).toBe(true);
  });

  it.each(cases)('equals the stock ops: b $b, $h×$w, c $c, noise $noise', (k) => {
    const x = inputs(k);
    const ours = convEpilogue(x.y, x.d, x.bias, x.noise);
    const ref = convEpilogueStock(x.y, x.d, x.bias, x.noise);
    const a = ours.dataSync();
    const r = ref.dataSync();
    // The SIMD kernel (wasm, channels a multiple of 4) keeps the stock float32 order of operations,
    // so it is bit-exact; the JS loop (cpu, or other channel counts) rounds once from float64.
    if (backend === 'wasm' && k.c % 4 === 0) expect(Array.from(a)).toEqual(Array.from(r));
    else expect(relativeError(a, r)).toBeLessThan(1e-6);
    tf.dispose([ours, ref]);
    disposeInputs(x);
  });

  it.each(cases.filter((k) => k.b > 1))('has the stock gradients: c $c, noise $noise', (k) => {
    const x = inputs(k);
    const weights = rnd(x.y.shape);
    const ours = grads(x, weights, false);
    const ref = grads(x, weights, true);
    weights.dispose();
    expect(ours.length).toBe(ref.length);
    for (let i = 0; i < ours.length; i++) expect(relativeError(ours[i]!, ref[i]!)).toBeLessThan(1e-5);
    disposeInputs(x);
  });

  it('leaks no tensors forward or backward', () => {
    const x = inputs({ b: 2, h: 4, w: 4, c: 8, noise: 'batched' });
    const weights = rnd(x.y.shape);
    tf.dispose(convEpilogue(x.y, x.d, x.bias, x.noise));
    grads(x, weights, false);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      tf.dispose(convEpilogue(x.y, x.d, x.bias, x.noise));
      grads(x, weights, false);
    }
    expect(tf.memory().numTensors).toBe(before);
    weights.dispose();
    disposeInputs(x);
  });

  it('rejects inputs of the wrong shape with a clear error', () => {
    const y = tf.zeros([2, 3, 3, 4]);
    const run = (inputs: Record<string, tf.Tensor>): unknown => tf.engine().runKernel(CONV_EPILOGUE_KERNEL, inputs as tf.NamedTensorMap, { alpha: 0.2 });
    expect(() => run({ y, d: tf.ones([2, 5]), bias: tf.zeros([4]) })).toThrow(/d must be \[2,4\]/);
    expect(() => run({ y, d: tf.ones([2, 4]), bias: tf.zeros([3]) })).toThrow(/bias must be \[4\]/);
    expect(() => run({ y, d: tf.ones([2, 4]), bias: tf.zeros([4]), noise: tf.zeros([2, 3, 2, 1]), strength: tf.scalar(1) })).toThrow(/noise must be/);
    expect(() => run({ y, d: tf.ones([2, 4]), bias: tf.zeros([4]), noise: tf.zeros([1, 3, 3, 1]) })).toThrow(/noise and strength come together/);
    expect(() => tf.engine().runKernel(CONV_EPILOGUE_KERNEL, { y, d: tf.ones([2, 4]), bias: tf.zeros([4]) } as tf.NamedTensorMap, { alpha: 1.5 })).toThrow(/alpha must be in \[0, 1\]/);
    tf.dispose(y);
  });
});

describe('the embedded SIMD kernel', () => {
  it('is the compile of conv-epilogue.wat (run `npx nx run face-pipeline:build-wasm-kernels` after editing it)', async () => {
    const fresh = await compileWat(join(import.meta.dirname, 'conv-epilogue.wat'));
    expect(Buffer.from(fresh).toString('base64')).toBe(CONV_EPILOGUE_WASM_BASE64);
  });
});
