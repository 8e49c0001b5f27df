import { BatchMatMul, _FusedMatMul } from '@tensorflow/tfjs';
import type { KernelFunction } from './kernel-ops';
import { withOps } from './kernel-ops';

/** Permutation that swaps the last two axes of a rank-`rank` tensor. */
function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/**
 * wasm's matmul with transposeA/B runs a strided inner loop at 1–3 GFLOP/s; transposing the operand
 * explicitly (a memory copy) and running the untransposed XNNPACK GEMM is an order faster. Backprop
 * of every dense layer and LSTM hits the transposed forms, so this matters for training.
 */
function makeTransposingMatMul(name: string, backendName: string, stock: ReadonlyMap<string, KernelFunction>): KernelFunction {
  const stockFn = stock.get(name);
  if (stockFn === undefined) throw new Error(`no stock ${name} kernel to wrap on ${backendName}`);
  return ({ inputs, attrs, backend }) => {
    const transposeA = attrs?.['transposeA'] === true;
    const transposeB = attrs?.['transposeB'] === true;
    if (!transposeA && !transposeB) return stockFn({ inputs, attrs: attrs ?? {}, backend });
    const a = inputs['a'];
    const b = inputs['b'];
    if (a === undefined || b === undefined) throw new TypeError(`${name}: needs inputs a and b`);
    return withOps(backend, backendName, stock, (ops) => {
      const aa = transposeA ? ops.run('Transpose', { x: a }, { perm: swapLastTwo(a.shape.length) }) : a;
      const bb = transposeB ? ops.run('Transpose', { x: b }, { perm: swapLastTwo(b.shape.length) }) : b;
      return ops.run(name, { ...inputs, a: aa, b: bb }, { ...(attrs ?? {}), transposeA: false, transposeB: false });
    });
  };
}

export function makeBatchMatMul(backendName: string, stock: ReadonlyMap<string, KernelFunction>): KernelFunction {
  return makeTransposingMatMul(BatchMatMul, backendName, stock);
}

export function makeFusedMatMul(backendName: string, stock: ReadonlyMap<string, KernelFunction>): KernelFunction {
  return makeTransposingMatMul(_FusedMatMul, backendName, stock);
}
