import { getKernel, registerKernel, type KernelFunc, type TensorInfo, type TypedArray } from '@tensorflow/tfjs';
import { UnsupportedKernelInputError } from '../errors';
import { CONV_EPILOGUE_WASM_BASE64 } from './conv-epilogue-wasm';

/** Name of our fused kernel: out = lrelu(y ⊙ d + noise · strength + bias). */
export const CONV_EPILOGUE_KERNEL = 'LfeConvEpilogue';

/** Backends whose tensors live in memory this thread can read and write directly. */
export const CONV_EPILOGUE_BACKENDS = ['wasm', 'cpu'] as const;

interface HeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): TypedArray;
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  wasm: { asm?: { memory?: unknown } };
}

type SimdEpilogue = (
  y: number,
  d: number,
  bias: number,
  noise: number,
  noiseStride: number,
  strength: number,
  alpha: number,
  out: number,
  b: number,
  hw: number,
  c: number,
) => void;

/** The part of the WebAssembly JS API we use (this project's TypeScript lib has no DOM types). */
interface WasmApi {
  Memory: abstract new (...args: never[]) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Our SIMD module (conv-epilogue.wat) instantiated on each tfjs heap it has seen (null: it cannot be). */
const simdByMemory = new WeakMap<object, SimdEpilogue | null>();

/**
 * The SIMD epilogue bound to the wasm backend's own memory, or null where it cannot run there (a
 * shared memory from the threaded build, which our import does not declare; no SIMD in this engine).
 */
function simdEpilogue(backend: HeapBackend): SimdEpilogue | null {
  const memory = backend.wasm.asm?.memory;
  if (!(memory instanceof wasmApi.Memory)) return null;
  let fn = simdByMemory.get(memory);
  if (fn === undefined) {
    fn = null;
    const isShared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    if (!isShared) {
      try {
        const module = new wasmApi.Module(Buffer.from(CONV_EPILOGUE_WASM_BASE64, 'base64'));
        const instance = new wasmApi.Instance(module, { env: { memory } });
        fn = instance.exports['epilogue'] as SimdEpilogue;
      } catch {
        fn = null; // the JS loop below does the same work
      }
    }
    simdByMemory.set(memory, fn);
  }
  return fn;
}

interface CpuBackend {
  data: { get(dataId: object): { values: TypedArray } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

function check(cond: boolean, msg: string): void {
  if (!cond) throw new UnsupportedKernelInputError(`${CONV_EPILOGUE_KERNEL}: ${msg}`);
}

/**
 * The epilogue of a StyleGAN2 modulated conv in one pass over the activation:
 *   out[b,h,w,c] = lrelu(y[b,h,w,c] · d[b,c] + noise[b|0,h,w] · strength + bias[c], alpha)
 * The stock ops take four passes (demodulation multiply, noise add, bias add, leaky ReLU), each
 * reading and writing the whole activation; this reads y once and writes out once. Arithmetic is in
 * float64 and rounded once, and the leaky ReLU is written branch-free as
 * ((1+α)·v + (1−α)·|v|)/2, which is exact for both signs up to that final rounding (a branch costs
 * 4× here: the sign of v is random, so it mispredicts half the time).
 */
function epilogue(
  y: TypedArray,
  d: TypedArray,
  bias: TypedArray,
  noise: TypedArray | null,
  noiseBatched: boolean,
  strength: number,
  alpha: number,
  out: Float32Array,
  b: number,
  hw: number,
  c: number,
): void {
  const kPos = (1 + alpha) / 2;
  const kAbs = (1 - alpha) / 2;
  let i = 0;
  for (let bi = 0; bi < b; bi++) {
    const db = bi * c;
    const nb = noiseBatched ? bi * hw : 0;
    for (let p = 0; p < hw; p++) {
      const nv = noise === null ? 0 : noise[nb + p]! * strength;
      for (let ch = 0; ch < c; ch++, i++) {
        const v = y[i]! * d[db + ch]! + nv + bias[ch]!;
        out[i] = kPos * v + kAbs * Math.abs(v);
      }
    }
  }
}

function makeKernel(backendName: string): KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const { y, d, bias, noise, strength } = inputs as Record<string, TensorInfo | undefined>;
    check(y !== undefined && d !== undefined && bias !== undefined, 'needs y, d and bias');
    const yi = y!;
    const di = d!;
    const bi = bias!;
    check(yi.shape.length === 4, `y must be [B,H,W,C], got [${yi.shape.join(',')}]`);
    const [b, h, w, c] = yi.shape as [number, number, number, number];
    check(di.shape.length === 2 && di.shape[0] === b && di.shape[1] === c, `d must be [${b},${c}], got [${di.shape.join(',')}]`);
    check(bi.shape.length === 1 && bi.shape[0] === c, `bias must be [${c}], got [${bi.shape.join(',')}]`);
    check((noise === undefined) === (strength === undefined), 'noise and strength come together');
    let noiseBatched = false;
    if (noise !== undefined) {
      const ns = noise.shape;
      check(ns.length === 4 && (ns[0] === 1 || ns[0] === b) && ns[1] === h && ns[2] === w && ns[3] === 1, `noise must be [1|${b},${h},${w},1], got [${ns.join(',')}]`);
      check(strength!.shape.length === 0, `strength must be a scalar, got [${strength!.shape.join(',')}]`);
      noiseBatched = ns[0] === b && b > 1;
    }
    for (const t of [yi, di, bi, noise, strength]) if (t !== undefined) check(t.dtype === 'float32', `inputs must be float32, got ${t.dtype}`);
    const alpha = (attrs as { alpha?: number } | undefined)?.alpha ?? 0.2;
    // max(v, α·v) is the leaky ReLU only for 0 ≤ α ≤ 1 (the SIMD path computes it that way).
    check(alpha >= 0 && alpha <= 1, `alpha must be in [0, 1], got ${alpha}`);
    const n = b * h * w * c;

    const run = (read: (t: TensorInfo) => TypedArray, outValues: Float32Array): void =>
      epilogue(
        read(yi),
        read(di),
        read(bi),
        noise === undefined ? null : read(noise),
        noiseBatched,
        strength === undefined ? 0 : read(strength)[0]!,
        alpha,
        outValues,
        b,
        h * w,
        c,
      );
    if (backendName === 'wasm') {
      const heap = backend as unknown as HeapBackend;
      // Allocate first: growing the wasm heap detaches every view taken before.
      const out = heap.makeOutput([b, h, w, c], 'float32');
      const simd = c % 4 === 0 ? simdEpilogue(heap) : null;
      if (simd !== null) {
        const ptr = (t: TensorInfo): number => heap.dataIdMap.get(t.dataId)!.memoryOffset;
        const strengthValue = strength === undefined ? 0 : heap.typedArrayFromHeap(strength)[0]!;
        simd(ptr(yi), ptr(di), ptr(bi), noise === undefined ? 0 : ptr(noise), noiseBatched ? h * w * 4 : 0, strengthValue, alpha, ptr(out), b, h * w, c);
        return out;
      }
      run((t) => heap.typedArrayFromHeap(t), heap.typedArrayFromHeap(out) as Float32Array);
      return out;
    }
    const cpu = backend as unknown as CpuBackend;
    const outValues = new Float32Array(n);
    run((t) => cpu.data.get(t.dataId).values, outValues);
    const out = cpu.makeTensorInfo([b, h, w, c], 'float32', outValues);
    return out;
  };
}

/** Register the fused epilogue on `backendName` (wasm or cpu). Idempotent; other backends are skipped. */
export function registerConvEpilogueKernel(backendName: string): boolean {
  if (!(CONV_EPILOGUE_BACKENDS as readonly string[]).includes(backendName)) return false;
  if (getKernel(CONV_EPILOGUE_KERNEL, backendName) === undefined) {
    registerKernel({ kernelName: CONV_EPILOGUE_KERNEL, backendName, kernelFunc: makeKernel(backendName) });
  }
  return true;
}
