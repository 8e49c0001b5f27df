import { type UnsortedSegmentSumAttrs } from '@tensorflow/tfjs';
import { UnsupportedKernelInputError } from '../errors';
import type { KernelFunction } from './kernel-ops';
import { withOps } from './kernel-ops';

/**
 * out[s, …] = Σ_{i : ids[i] = s} x[i, …] as a one-hot matmul: onehot(ids)ᵀ [S,M] · x [M,D]. Ids out
 * of [0, S) get an all-zero one-hot row and are dropped, as TensorFlow specifies. This is the
 * gradient of gather (embeddings), which wasm lacks.
 */
export function makeUnsortedSegmentSum(backendName: string, stock: ReadonlyMap<string, KernelFunction>): KernelFunction {
  return ({ inputs, attrs, backend }) => {
    const x = inputs['x'];
    const ids = inputs['segmentIds'];
    if (x === undefined || ids === undefined) throw new UnsupportedKernelInputError('UnsortedSegmentSum: needs x and segmentIds');
    if (ids.dtype !== 'int32') throw new UnsupportedKernelInputError(`UnsortedSegmentSum: segmentIds must be int32, got ${ids.dtype}`);
    if (x.dtype !== 'float32' && x.dtype !== 'int32') {
      throw new UnsupportedKernelInputError(`UnsortedSegmentSum: x must be float32 or int32, got ${x.dtype}`);
    }
    const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs;
    if (!Number.isInteger(numSegments) || numSegments < 0) {
      throw new UnsupportedKernelInputError(`UnsortedSegmentSum: numSegments must be a non-negative integer, got ${numSegments}`);
    }
    const idRank = ids.shape.length;
    for (let i = 0; i < idRank; i++) {
      if (ids.shape[i] !== x.shape[i]) {
        throw new UnsupportedKernelInputError(
          `UnsortedSegmentSum: segmentIds shape [${ids.shape.join(',')}] must prefix x shape [${x.shape.join(',')}]`,
        );
      }
    }
    const m = ids.shape.reduce((p, d) => p * d, 1);
    const rest = x.shape.slice(idRank);
    const d = rest.reduce((p, v) => p * v, 1);
    return withOps(backend, backendName, stock, (ops) => {
      const flatIds = ops.run('Reshape', { x: ids }, { shape: [m] });
      const xf32 = x.dtype === 'float32' ? x : ops.run('Cast', { x }, { dtype: 'float32' });
      const x2 = ops.run('Reshape', { x: xf32 }, { shape: [m, d] });
      // wasm's OneHot writes int32 whatever dtype it is given, so build int32 and cast.
      const hotInt = ops.run('OneHot', { indices: flatIds }, { depth: numSegments, onValue: 1, offValue: 0, dtype: 'int32' });
      const hotT = ops.run('Transpose', { x: ops.run('Cast', { x: hotInt }, { dtype: 'float32' }) }, { perm: [1, 0] });
      const sum = ops.run('BatchMatMul', { a: hotT, b: x2 }, { transposeA: false, transposeB: false });
      const shaped = ops.run('Reshape', { x: sum }, { shape: [numSegments, ...rest] });
      return x.dtype === 'float32' ? shaped : ops.run('Cast', { x: shaped }, { dtype: 'int32' });
    });
  };
}
