/**
 * Eigendecomposition of a real symmetric matrix by cyclic Jacobi rotations: each rotation zeroes
 * one off-diagonal pair; sweeps repeat until the off-diagonal mass is negligible. Slower than
 * Householder + QR (≈ 6n³ flops per sweep, 6–10 sweeps) but short, unconditionally stable and
 * accurate for small eigenvalues — what matrix square roots of covariances need. 256×256 takes ~1 s.
 */
export interface SymmetricEigen {
  /** Eigenvalues, descending. */
  values: Float64Array;
  /** Eigenvectors as columns of an n×n row-major matrix: vectors[i*n + k] is component i of vector k. */
  vectors: Float64Array;
  sweeps: number;
}

export interface JacobiOptions {
  maxSweeps?: number;
  /** Stop when the off-diagonal Frobenius norm² falls below tol² · ‖A‖²_F. */
  tol?: number;
}

export function jacobiEigen(matrix: ArrayLike<number>, n: number, opts: JacobiOptions = {}): SymmetricEigen {
  if (!Number.isInteger(n) || n < 0 || matrix.length !== n * n) throw new TypeError(`jacobiEigen: matrix must have n·n = ${n * n} entries, got ${matrix.length}`);
  const maxSweeps = opts.maxSweeps ?? 60;
  const tol = opts.tol ?? 1e-14;
  const a = Float64Array.from(matrix);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const x = a[i * n + j]!;
      const y = a[j * n + i]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) throw new TypeError('jacobiEigen: matrix has a non-finite entry');
      if (Math.abs(x - y) > 1e-9 * (Math.abs(x) + Math.abs(y) + 1e-300)) throw new TypeError(`jacobiEigen: matrix is not symmetric at (${i}, ${j})`);
      // Use the mean of the pair: rounding in A·B·A products leaves last-bit asymmetry.
      a[i * n + j] = a[j * n + i] = (x + y) / 2;
    }
  }
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let total = 0;
  for (let i = 0; i < n * n; i++) total += a[i]! * a[i]!;
  let sweeps = 0;
  for (; sweeps < maxSweeps; sweeps++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += 2 * a[i * n + j]! * a[i * n + j]!;
    if (off <= tol * tol * total) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        const app = a[p * n + p]!;
        const aqq = a[q * n + q]!;
        // Rotation angle that zeroes a[p][q] (Rutishauser's stable form).
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // A ← Jᵀ A J: columns p, q, then rows p, q; V ← V J.
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        a[p * n + q] = 0;
        a[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = [...Array(n).keys()].sort((x, y) => a[y * n + y]! - a[x * n + x]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = a[src * n + src]!;
    for (let i = 0; i < n; i++) vectors[i * n + dst] = v[i * n + src]!;
  });
  return { values, vectors, sweeps };
}
