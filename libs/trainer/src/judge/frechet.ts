import type * as tf from '@tensorflow/tfjs';
import { jacobiEigen } from './jacobi-eigen';

/** Rows of features: a tensor from `Judge.features`, or plain numbers row-major. */
export type FeatureMatrix = tf.Tensor2D | { rows: number; cols: number; data: ArrayLike<number> };

/** Mean and (unbiased) covariance of a feature set, in float64. */
export interface GaussianStats {
  dim: number;
  count: number;
  mean: Float64Array;
  /** dim×dim row-major. */
  cov: Float64Array;
}

function asRows(f: FeatureMatrix): { rows: number; cols: number; data: ArrayLike<number> } {
  if ('rows' in f) {
    if (f.data.length !== f.rows * f.cols) throw new TypeError(`frechet: features have ${f.data.length} values, not rows·cols = ${f.rows * f.cols}`);
    return f;
  }
  return { rows: f.shape[0], cols: f.shape[1], data: f.dataSync() };
}

export function gaussianStats(features: FeatureMatrix): GaussianStats {
  const { rows, cols, data } = asRows(features);
  if (rows < 2) throw new TypeError('frechet: need at least 2 feature rows for a covariance');
  const mean = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mean[j]! += data[i * cols + j]!;
  for (let j = 0; j < cols; j++) mean[j]! /= rows;
  const cov = new Float64Array(cols * cols);
  const centred = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) centred[j] = data[i * cols + j]! - mean[j]!;
    for (let j = 0; j < cols; j++) {
      const cj = centred[j]!;
      if (cj === 0) continue;
      const row = j * cols;
      for (let k = j; k < cols; k++) cov[row + k]! += cj * centred[k]!;
    }
  }
  for (let j = 0; j < cols; j++) {
    for (let k = j; k < cols; k++) {
      const c = cov[j * cols + k]! / (rows - 1);
      cov[j * cols + k] = c;
      cov[k * cols + j] = c;
    }
  }
  return { dim: cols, count: rows, mean, cov };
}

function matMul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j]! += aik * b[k * n + j]!;
    }
  }
  return out;
}

/** Square root of a symmetric positive semi-definite matrix (negative rounding-noise eigenvalues clamped to 0). */
export function sqrtPsd(m: Float64Array, n: number): Float64Array {
  const { values, vectors } = jacobiEigen(m, n);
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const s = Math.sqrt(Math.max(0, values[k]!));
    if (s === 0) continue;
    for (let i = 0; i < n; i++) {
      const vik = vectors[i * n + k]! * s;
      for (let j = 0; j < n; j++) out[i * n + j]! += vik * vectors[j * n + k]!;
    }
  }
  return out;
}

/**
 * Fréchet distance between Gaussians: ‖μa − μb‖² + Tr(Σa + Σb − 2(Σa Σb)^½).
 * Tr((Σa Σb)^½) = Tr((Σa^½ Σb Σa^½)^½): the inner matrix is symmetric PSD, so both square roots
 * come from symmetric eigendecompositions (no complex parts, unlike sqrtm of the raw product).
 */
export function frechetDistanceFromStats(a: GaussianStats, b: GaussianStats): number {
  if (a.dim !== b.dim) throw new TypeError(`frechet: feature sizes differ (${a.dim} vs ${b.dim})`);
  const n = a.dim;
  let meanTerm = 0;
  for (let i = 0; i < n; i++) meanTerm += (a.mean[i]! - b.mean[i]!) ** 2;
  let trace = 0;
  for (let i = 0; i < n; i++) trace += a.cov[i * n + i]! + b.cov[i * n + i]!;
  const sa = sqrtPsd(a.cov, n);
  const inner = matMul(matMul(sa, b.cov, n), sa, n);
  const { values } = jacobiEigen(inner, n);
  let trSqrt = 0;
  for (const v of values) trSqrt += Math.sqrt(Math.max(0, v));
  // Rounding can leave a tiny negative for identical sets.
  return Math.max(0, meanTerm + trace - 2 * trSqrt);
}

/** Fréchet distance between two feature sets (e.g. `Judge.features` of real and generated faces). */
export function frechetDistance(a: FeatureMatrix, b: FeatureMatrix): number {
  return frechetDistanceFromStats(gaussianStats(a), gaussianStats(b));
}
