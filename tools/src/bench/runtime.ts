/** `nx run tools:bench-runtime`: the usage and options are in USAGE below (printed by `--help`). */
import * as tf from '@tensorflow/tfjs';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initRuntime, registerTrainingKernels, unregisterTrainingKernels } from '@lfe/face-pipeline';
import { gflops, table, time, type Timing } from './timing';

/** What `--help` prints (the file's documentation). */
const USAGE = [
  "usage: npx nx run tools:bench-runtime -- [options]",
  "",
  "Runtime benchmark: for each training kernel, the backend's stock kernel (where one exists) vs",
  "ours, in the same process on the same inputs, plus the forward conv and matmul ceilings.",
  "",
  "  npx nx run tools:bench-runtime [-- --json out.json] [-- --quick]",
].join('\n');
if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
  console.log(USAGE);
  process.exit(0);
}

interface KernelRow {
  name: string;
  shape: string;
  flop: number;
  stockMs: number | null;
  oursMs: number;
  oursGflops: number;
  speedup: number | null;
  /** Forward conv of the same shape (conv gradients only): the yardstick for "≤ 3× forward". */
  forwardMs?: number;
  /** cpu backend time where wasm has no stock kernel (skipped for convs: minutes per call). */
  cpuMs?: number | null;
}

const { values: args } = parseArgs({ options: { json: { type: 'string' }, quick: { type: 'boolean', default: false } } });
const runs = args.quick ? 2 : 5;

const report = await initRuntime({ backend: 'wasm' });
if (report.backend !== 'wasm') throw new Error('bench-runtime measures the wasm backend');

interface ConvShape {
  n: number;
  h: number;
  ci: number;
  co: number;
  k: number;
  s: number;
}
const convShapes: ConvShape[] = [
  { n: 16, h: 64, ci: 64, co: 64, k: 3, s: 1 },
  { n: 16, h: 32, ci: 128, co: 128, k: 3, s: 1 },
  { n: 16, h: 64, ci: 64, co: 64, k: 3, s: 2 },
];

async function onBothKernelSets(fn: () => tf.Tensor, hasStock: boolean, timing: { runs: number }): Promise<{ stock: Timing | null; ours: Timing }> {
  let stock: Timing | null = null;
  if (hasStock) {
    unregisterTrainingKernels('wasm');
    try {
      stock = await time(fn, { runs: Math.min(timing.runs, 3), budgetMs: 15_000 });
    } finally {
      registerTrainingKernels('wasm');
    }
  }
  const ours = await time(fn, { runs: timing.runs });
  return { stock, ours };
}

async function cpuTime(fn: () => tf.Tensor): Promise<number | null> {
  if (args.quick) return null;
  await tf.setBackend('cpu');
  try {
    return (await time(fn, { warmup: 0, runs: 1 })).medianMs;
  } finally {
    await tf.setBackend('wasm');
  }
}

const rows: KernelRow[] = [];
const rnd = (shape: number[]): tf.Tensor => tf.randomNormal(shape);

for (const c of convShapes) {
  const ho = Math.ceil(c.h / c.s);
  const flop = 2 * c.n * ho * ho * c.co * c.k * c.k * c.ci;
  const shape = `${c.n}x${c.h}x${c.h}x${c.ci}→${c.co} k${c.k} s${c.s}`;
  const x = tf.keep(rnd([c.n, c.h, c.h, c.ci])) as tf.Tensor4D;
  const w = tf.keep(rnd([c.k, c.k, c.ci, c.co])) as tf.Tensor4D;
  const dy = tf.keep(rnd([c.n, ho, ho, c.co])) as tf.Tensor4D;
  const forward = await time(() => tf.conv2d(x, w, c.s, 'same'), { runs });
  const filterFn = (): tf.Tensor =>
    tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: [c.s, c.s], pad: 'same', dataFormat: 'NHWC', filterShape: w.shape });
  const inputFn = (): tf.Tensor =>
    tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { strides: [c.s, c.s], pad: 'same', dataFormat: 'NHWC', inputShape: x.shape });
  const f = await onBothKernelSets(filterFn, false, { runs });
  rows.push({ name: 'Conv2DBackpropFilter', shape, flop, stockMs: null, oursMs: f.ours.medianMs, oursGflops: gflops(flop, f.ours.medianMs), speedup: null, forwardMs: forward.medianMs });
  const i = await onBothKernelSets(inputFn, true, { runs });
  rows.push({ name: 'Conv2DBackpropInput', shape, flop, stockMs: i.stock!.medianMs, oursMs: i.ours.medianMs, oursGflops: gflops(flop, i.ours.medianMs), speedup: i.stock!.medianMs / i.ours.medianMs, forwardMs: forward.medianMs });
  tf.dispose([x, w, dy]);
}

// Matmuls as dense-layer backprop sees them: Aᵀ·B (weight gradient) and A·Bᵀ (input gradient).
const mm: Array<{ m: number; k: number; n: number; ta: boolean; tb: boolean; batch?: number }> = [
  { m: 512, k: 512, n: 512, ta: true, tb: false },
  { m: 512, k: 512, n: 512, ta: false, tb: true },
  { m: 256, k: 64, n: 512, ta: true, tb: false }, // weight grad of a 256→512 layer at batch 64
  { m: 16, k: 512, n: 2048, ta: false, tb: true, batch: 1 },
];
for (const c of mm) {
  const a = tf.keep(rnd(c.ta ? [c.k, c.m] : [c.m, c.k])) as tf.Tensor2D;
  const b = tf.keep(rnd(c.tb ? [c.n, c.k] : [c.k, c.n])) as tf.Tensor2D;
  const flop = 2 * c.m * c.k * c.n;
  const shape = `${c.m}x${c.k}·${c.k}x${c.n} tA=${c.ta} tB=${c.tb}`;
  const r = await onBothKernelSets(() => tf.matMul(a, b, c.ta, c.tb), true, { runs });
  rows.push({ name: 'BatchMatMul', shape, flop, stockMs: r.stock!.medianMs, oursMs: r.ours.medianMs, oursGflops: gflops(flop, r.ours.medianMs), speedup: r.stock!.medianMs / r.ours.medianMs });
  const bias = tf.keep(rnd([c.n])) as tf.Tensor1D;
  const fr = await onBothKernelSets(() => tf.fused.matMul({ a, b, transposeA: c.ta, transposeB: c.tb, bias, activation: 'relu' }), true, { runs });
  rows.push({ name: '_FusedMatMul', shape: `${shape} +bias relu`, flop, stockMs: fr.stock!.medianMs, oursMs: fr.ours.medianMs, oursGflops: gflops(flop, fr.ours.medianMs), speedup: fr.stock!.medianMs / fr.ours.medianMs });
  tf.dispose([a, b, bias]);
}

{
  const m = 16 * 12;
  const d = 256;
  const segs = 1000;
  const x = tf.keep(rnd([m, d]));
  const ids = tf.keep(tf.randomUniform([m], 0, segs, 'int32'));
  const fn = (): tf.Tensor => tf.unsortedSegmentSum(x, ids as tf.Tensor1D, segs);
  const r = await onBothKernelSets(fn, false, { runs });
  const flop = 2 * m * d * segs; // what the one-hot matmul does, for an honest GFLOP/s
  rows.push({ name: 'UnsortedSegmentSum', shape: `${m}x${d} → ${segs} segments`, flop, stockMs: null, oursMs: r.ours.medianMs, oursGflops: gflops(flop, r.ours.medianMs), speedup: null, cpuMs: await cpuTime(fn) });
  tf.dispose([x, ids]);
}

// Ceilings: forward conv and an untransposed 512² matmul.
const cx = tf.keep(rnd([16, 64, 64, 64])) as tf.Tensor4D;
const cw = tf.keep(rnd([3, 3, 64, 64])) as tf.Tensor4D;
const convT = await time(() => tf.conv2d(cx, cw, 1, 'same'), { runs });
const ma = tf.keep(rnd([512, 512])) as tf.Tensor2D;
const matT = await time(() => tf.matMul(ma, ma), { runs });
const ceiling = {
  conv2dGflops: gflops(2 * 16 * 64 * 64 * 64 * 9 * 64, convT.medianMs),
  conv2dShape: '16x64x64x64→64 k3 s1',
  matmulGflops: gflops(2 * 512 ** 3, matT.medianMs),
  matmulShape: '512x512·512x512',
};
tf.dispose([cx, cw, ma]);

console.log(`backend: ${report.backend} (${report.reason}); tfjs ${report.tfjsVersion}; node ${process.version}`);
console.log(
  table(
    ['kernel', 'shape', 'stock ms', 'ours ms', 'speedup', 'ours GFLOP/s', 'fwd conv ms', 'ours/fwd', 'cpu ms'],
    rows.map((r) => [r.name, r.shape, r.stockMs, r.oursMs, r.speedup, r.oursGflops, r.forwardMs ?? null, r.forwardMs ? r.oursMs / r.forwardMs : null, r.cpuMs ?? null]),
  ),
);
console.log(`ceiling: conv2d ${ceiling.conv2dGflops.toFixed(1)} GFLOP/s (${ceiling.conv2dShape}), matmul ${ceiling.matmulGflops.toFixed(1)} GFLOP/s (${ceiling.matmulShape})`);
const json = {
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version, backend: report.backend },
  kernels: rows.map((r) => ({ name: r.name, shape: r.shape, stockMs: r.stockMs, oursMs: r.oursMs, oursGflops: r.oursGflops, speedup: r.speedup, forwardMs: r.forwardMs ?? null, cpuMs: r.cpuMs ?? null })),
  ceiling,
};
if (args.json !== undefined) {
  writeFileSync(args.json, JSON.stringify(json, null, 2));
  console.log(`wrote ${args.json}`);
}
