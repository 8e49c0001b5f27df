import { describe, expect, it } from 'vitest';
import { Rng } from '@lfe/face-synth';
import { jacobiEigen } from './jacobi-eigen';

/** A random SPD matrix Bᵀ·B + εI (B n×n Gaussian-ish). */
function randomSpd(rng: Rng, n: number): Float64Array {
  const b = Float64Array.from({ length: n * n }, () => rng.uniform(-1, 1));
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += b[k * n + i]! * b[k * n + j]!;
    a[i * n + j] = s + (i === j ? 1e-3 : 0);
  }
  return a;
}

describe('jacobiEigen', () => {
  it('decomposes random SPD matrices: A·v = λ·v, V orthonormal, λ > 0 descending, trace kept', () => {
    const rng = new Rng(7);
    for (const n of [1, 2, 3, 8, 20, 40]) {
      const a = randomSpd(rng, n);
      const { values, vectors } = jacobiEigen(a, n);
      const scale = Math.max(...values);
      let trace = 0;
      for (let i = 0; i < n; i++) trace += a[i * n + i]!;
      expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 8);
      for (let k = 0; k < n; k++) {
        expect(values[k]!).toBeGreaterThan(0);
        if (k > 0) expect(values[k]!).toBeLessThanOrEqual(values[k - 1]!);
        for (let i = 0; i < n; i++) {
          let av = 0;
          for (let j = 0; j < n; j++) av += a[i * n + j]! * vectors[j * n + k]!;
          expect(Math.abs(av - values[k]! * vectors[i * n + k]!)).toBeLessThan(1e-9 * scale);
        }
        for (let l = 0; l < n; l++) {
          let dot = 0;
          for (let i = 0; i < n; i++) dot += vectors[i * n + k]! * vectors[i * n + l]!;
          expect(Math.abs(dot - (k === l ? 1 : 0))).toBeLessThan(1e-10);
        }
      }
    }
  });

  it('reconstructs A = V·diag(λ)·Vᵀ and finds a known spectrum', () => {
    // Q·diag(5,3,1,0.5)·Qᵀ with a rotation Q built from two Givens rotations.
    const n = 4;
    const lam = [5, 3, 1, 0.5];
    const q = new Float64Array(n * n);
    for (let i = 0; i < n; i++) q[i * n + i] = 1;
    const rot = (p: number, r: number, ang: number): void => {
      const c = Math.cos(ang);
      const s = Math.sin(ang);
      for (let i = 0; i < n; i++) {
        const x = q[i * n + p]!;
        const y = q[i * n + r]!;
        q[i * n + p] = c * x - s * y;
        q[i * n + r] = s * x + c * y;
      }
    };
    rot(0, 2, 0.7);
    rot(1, 3, -1.1);
    rot(0, 1, 0.3);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j]! += q[i * n + k]! * lam[k]! * q[j * n + k]!;
    const { values, vectors } = jacobiEigen(a, n);
    lam.forEach((l, k) => expect(values[k]!).toBeCloseTo(l, 12));
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += vectors[i * n + k]! * values[k]! * vectors[j * n + k]!;
      expect(s).toBeCloseTo(a[i * n + j]!, 12);
    }
  });

  it('handles diagonal and semi-definite matrices, rejects bad input', () => {
    expect([...jacobiEigen([2, 0, 0, 7], 2).values]).toEqual([7, 2]);
    const rank1 = [1, 2, 2, 4];
    const e = jacobiEigen(rank1, 2);
    expect(e.values[0]!).toBeCloseTo(5, 12);
    expect(Math.abs(e.values[1]!)).toBeLessThan(1e-12);
    expect(() => jacobiEigen([1, 2, 3], 2)).toThrow(TypeError);
    expect(() => jacobiEigen([1, 2, 3, 4], 2)).toThrow(/not symmetric/);
    expect(() => jacobiEigen([1, NaN, NaN, 1], 2)).toThrow(/non-finite/);
  });
});
