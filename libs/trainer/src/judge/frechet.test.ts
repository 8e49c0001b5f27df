import { describe, expect, it } from 'vitest';
import { Rng } from '@lfe/face-synth';
import { frechetDistance, frechetDistanceFromStats, gaussianStats, sqrtPsd, type GaussianStats } from './frechet';

function gaussianRows(rng: Rng, rows: number, mean: number[], std: number[]): { rows: number; cols: number; data: Float64Array } {
  const cols = mean.length;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
    // Box–Muller
    const u = Math.max(1e-12, rng.next());
    const v = rng.next();
    data[i * cols + j] = mean[j]! + std[j]! * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  return { rows, cols, data };
}

function diagStats(mean: number[], variance: number[]): GaussianStats {
  const n = mean.length;
  const cov = new Float64Array(n * n);
  variance.forEach((v, i) => (cov[i * n + i] = v));
  return { dim: n, count: 0, mean: Float64Array.from(mean), cov };
}

describe('frechet distance', () => {
  it('is 0 for identical sets', () => {
    const rng = new Rng(1);
    const a = gaussianRows(rng, 200, [0, 1, 2, 3, 4], [1, 2, 0.5, 1, 3]);
    expect(frechetDistance(a, a)).toBeLessThan(1e-9);
  });

  it('matches the closed form Σ(μa−μb)² + Σ(σa−σb)² for diagonal Gaussians', () => {
    const ma = [0, 1, -2, 0.5];
    const mb = [1, 1, 0, -0.5];
    const sa = [1, 2, 0.5, 3];
    const sb = [2, 1, 0.5, 1];
    const closed = ma.reduce((s, m, i) => s + (m - mb[i]!) ** 2, 0) + sa.reduce((s, x, i) => s + (x - sb[i]!) ** 2, 0);
    const exact = frechetDistanceFromStats(diagStats(ma, sa.map((x) => x * x)), diagStats(mb, sb.map((x) => x * x)));
    expect(exact).toBeCloseTo(closed, 10);
    // From samples the estimate converges to the same number.
    const rng = new Rng(2);
    const est = frechetDistance(gaussianRows(rng, 20000, ma, sa), gaussianRows(rng, 20000, mb, sb));
    expect(Math.abs(est - closed) / closed).toBeLessThan(0.03);
  });

  it('is symmetric and positive on correlated sets', () => {
    const rng = new Rng(3);
    const mix = (r: { rows: number; cols: number; data: Float64Array }): typeof r => {
      const d = new Float64Array(r.data.length);
      for (let i = 0; i < r.rows; i++) for (let j = 0; j < r.cols; j++) d[i * r.cols + j] = r.data[i * r.cols + j]! + 0.8 * r.data[i * r.cols + ((j + 1) % r.cols)]!;
      return { ...r, data: d };
    };
    const a = mix(gaussianRows(rng, 300, [0, 0, 0, 0, 0, 0], [1, 1, 1, 2, 1, 1]));
    const b = gaussianRows(rng, 300, [0.5, 0, 0, 0, 1, 0], [1, 3, 1, 1, 1, 0.2]);
    const ab = frechetDistance(a, b);
    const ba = frechetDistance(b, a);
    expect(ab).toBeGreaterThan(0.5);
    expect(Math.abs(ab - ba)).toBeLessThan(1e-8 * ab);
  });

  it('sqrtPsd squares back to its input', () => {
    const rng = new Rng(4);
    const s = gaussianStats(gaussianRows(rng, 50, [0, 0, 0, 0, 0, 0, 0, 0], [1, 2, 3, 1, 1, 1, 1, 1]));
    const n = s.dim;
    const r = sqrtPsd(s.cov, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let v = 0;
      for (let k = 0; k < n; k++) v += r[i * n + k]! * r[k * n + j]!;
      expect(v).toBeCloseTo(s.cov[i * n + j]!, 9);
    }
  });

  it('rejects mismatched or too small inputs', () => {
    expect(() => frechetDistanceFromStats(diagStats([0], [1]), diagStats([0, 0], [1, 1]))).toThrow(TypeError);
    expect(() => gaussianStats({ rows: 1, cols: 2, data: [1, 2] })).toThrow(TypeError);
    expect(() => gaussianStats({ rows: 2, cols: 2, data: [1, 2, 3] })).toThrow(TypeError);
  });
});
