import { BatchMatMul, _FusedMatMul, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs';
import type { KernelFunction, KernelOps } from './kernel-ops';
import { withOps } from './kernel-ops';

/** Permutation that swaps the last two axes of a rank-`rank` tensor. */
function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/**
 * Element copies/packs each formulation of C = op(A)·op(B) costs, with op(A) M×K and op(B) K×N.
 * XNNPACK packs the right-hand operand for every new tensor, so its size counts too.
 *  - direct:  transpose A and/or B as needed, multiply A'·B' (packs K×N);
 *  - swapped: Cᵀ = op(B)ᵀ·op(A)ᵀ — the transposed operands are the stored ones when tA/tB are
 *    set — then transpose the N×M result (packs K×M).
 * When one side is small (a batch of 16 against a 512×2048 weight), swapped avoids copying and
 * packing the big weight and wins by an order of magnitude.
 */
export function chooseMatMulPlan(m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): 'direct' | 'swapped' {
  const direct = (transposeA ? m * k : 0) + (transposeB ? k * n : 0) + k * n;
  const swapped = (transposeB ? 0 : k * n) + (transposeA ? 0 : m * k) + k * m + m * n;
  return swapped < direct ? 'swapped' : 'direct';
}

/**
 * wasm's matmul with transposeA/B runs a strided inner loop at 1–3 GFLOP/s; copying operands into
 * the layout the XNNPACK GEMM wants and running it untransposed is an order faster. Backprop of
 * every dense layer and LSTM hits the transposed forms, so this matters for training.
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
    const ra = a.shape.length;
    const rb = b.shape.length;
    const m = a.shape[transposeA ? ra - 1 : ra - 2]!;
    const k = a.shape[transposeA ? ra - 2 : ra - 1]!;
    const n = b.shape[transposeB ? rb - 2 : rb - 1]!;
    const plan = chooseMatMulPlan(m, k, n, transposeA, transposeB);
    return withOps(backend, backendName, stock, (ops) => {
      const t = (x: TensorInfo): TensorInfo => ops.run('Transpose', { x }, { perm: swapLastTwo(x.shape.length) });
      if (plan === 'direct') {
        const plain = { ...(attrs ?? {}), transposeA: false, transposeB: false } as never;
        return ops.run(name, { ...inputs, a: transposeA ? t(a) : a, b: transposeB ? t(b) : b }, plain);
      }
      // Swapped: plain GEMM on the stored layouts, transpose back, then the fused epilogue
      // (bias add and activation act per output column, so they come after the transpose).
      const ct = ops.run('BatchMatMul', { a: transposeB ? b : t(b), b: transposeA ? a : t(a) }, { transposeA: false, transposeB: false });
      let c = t(ct);
      if (name !== _FusedMatMul) return c;
      const bias = inputs['bias'];
      if (bias !== undefined) c = ops.run('Add', { a: c, b: bias });
      return applyActivation(ops, c, attrs, inputs['preluActivationWeights']);
    });
  };
}

/** The activations `_FusedMatMul` can fuse, as separate kernels. */
function applyActivation(ops: KernelOps, x: TensorInfo, attrs: NamedAttrMap | undefined, prelu: TensorInfo | undefined): TensorInfo {
  const activation = (attrs?.['activation'] as string | undefined) ?? 'linear';
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return ops.run('Relu', { x });
    case 'relu6':
      return ops.run('Relu6', { x });
    case 'elu':
      return ops.run('Elu', { x });
    case 'sigmoid':
      return ops.run('Sigmoid', { x });
    case 'leakyrelu':
      return ops.run('LeakyRelu', { x }, { alpha: (attrs?.['leakyreluAlpha'] as number | undefined) ?? 0.2 });
    case 'prelu':
      if (prelu === undefined) throw new TypeError('_FusedMatMul: prelu activation needs preluActivationWeights');
      return ops.run('Prelu', { x, alpha: prelu });
    default:
      throw new TypeError(`_FusedMatMul: unknown activation "${activation}"`);
  }
}

export function makeBatchMatMul(backendName: string, stock: ReadonlyMap<string, KernelFunction>): KernelFunction {
  return makeTransposingMatMul(BatchMatMul, backendName, stock);
}

export function makeFusedMatMul(backendName: string, stock: ReadonlyMap<string, KernelFunction>): KernelFunction {
  return makeTransposingMatMul(_FusedMatMul, backendName, stock);
}
