import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_GENERATOR_CONFIG, Generator, initRuntime } from '@lfe/face-pipeline';
import { beforeAll, describe, expect, it } from 'vitest';
import { RealJudge } from '../judge/real-judge';
import { evaluateRealEditability, formatRealEditability, linearSeparability } from './eval-editability-real';
import { commandLabels, realCommands } from './eval-editor-real';

const REAL = resolve(fileURLToPath(import.meta.url), '../../../../../models/real');

beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
});

/** Deterministic normal-ish draws (sum of uniforms), seeded. */
function draws(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const u = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Float32Array.from({ length: n }, () => u() + u() + u() + u() - 2);
}

describe('linearSeparability', () => {
  it('finds a hyperplane that exists, and scores chance where labels do not depend on x', () => {
    const n = 600;
    const dim = 8;
    const x = draws(n * dim, 1);
    const dir = [0.9, -0.5, 0.3, 0, 0, 0, 0.2, 0];
    // A rare class on one side of a shifted plane (class balancing matters: ~20 % positives).
    const y = Array.from({ length: n }, (_, i) => (dir.reduce((s, v, d) => s + v * x[i * dim + d]!, 0) > 0.55 ? 1 : -1));
    const sep = linearSeparability(x, dim, y);
    expect(sep.fitPositives).toBeGreaterThan(50);
    expect(sep.heldOut).toBe(150);
    expect(sep.accuracy!).toBeGreaterThan(0.93);
    expect(sep.balancedAccuracy!).toBeGreaterThan(0.9);
    const noise = Array.from(draws(n, 9), (v) => (v > 0 ? 1 : -1));
    const chance = linearSeparability(x, dim, noise);
    expect(chance.balancedAccuracy!).toBeGreaterThan(0.35);
    expect(chance.balancedAccuracy!).toBeLessThan(0.65);
    // Too few positives to fit: reported, not fitted.
    const rare = y.map((_, i) => (i === 3 || i === 500 ? 1 : -1));
    const r = linearSeparability(x, dim, rare);
    expect(r.accuracy).toBeNull();
    expect(r.majority).toBeCloseTo(149 / 150, 9);
    expect(() => linearSeparability(x, dim + 1, y)).toThrow(/values for 600 rows/);
  });
});

describe('evaluateRealEditability', () => {
  it('judges samples with the real judge and reports every command label, without leaks', () => {
    const judge = RealJudge.load(resolve(REAL, 'judge'));
    const g = new Generator({ ...DEFAULT_GENERATOR_CONFIG, resolution: 64, zDim: 16, wDim: 16, mappingLayers: 2, channelBase: 128, channelMax: 16 });
    const labels = commandLabels(realCommands());
    const before = tf.memory().numTensors;
    const r = evaluateRealEditability(g, judge, labels, { samples: 40, batchSize: 20, iterations: 20 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.rows.map((row) => row.label)).toEqual(labels);
    expect(r.fitSamples).toBe(30);
    for (const row of r.rows) {
      expect(row.heldOut).toBe(10);
      expect(row.rate).toBeGreaterThanOrEqual(0);
      expect(row.rate).toBeLessThanOrEqual(1);
    }
    expect(formatRealEditability(r)).toContain('Eyeglasses');
    expect(() => evaluateRealEditability(g, judge, ['Not_A_Label'], { samples: 8 })).toThrow(/does not read Not_A_Label/);
    g.dispose();
    judge.dispose();
  }, 120_000);
});
