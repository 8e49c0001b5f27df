import { EDITABLE_ATTRIBUTES, IDENTITY_TRAITS } from '@lfe/edit-language';
import { DEFAULT_GENERATOR_CONFIG, Generator, initRuntime } from '@lfe/face-pipeline';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Judge } from '../judge/judge';
import { evaluateGan, formatGanReport } from './eval-gan';

beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
});

describe('evaluateGan', () => {
  it('reports FD-judge against the real-vs-real floor and per-level coverage that sums to 1', () => {
    const judge = new Judge({ resolution: 32, stages: [{ channels: 8, convs: 1 }, { channels: 8, convs: 1 }, { channels: 8, convs: 1 }], featureDim: 16 });
    const g = new Generator({ ...DEFAULT_GENERATOR_CONFIG, resolution: 32, zDim: 16, wDim: 16, mappingLayers: 2, channelBase: 128, channelMax: 16 });
    const before = tf.memory().numTensors;
    const r = evaluateGan(g, judge, { samples: 40, batchSize: 20, checkpoint: 'test' });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.fdRealReal).toBeGreaterThan(0);
    // An untrained generator's faces are nothing like renders: far above the sampling floor.
    expect(r.fdJudge).toBeGreaterThan(r.fdRealReal);
    expect(r.ratio).toBeCloseTo(r.fdJudge / r.fdRealReal);
    for (const a of EDITABLE_ATTRIBUTES) {
      const sum = Object.values(r.coverage[a.name]).reduce((x, y) => x + y, 0);
      expect(sum).toBeCloseTo(1, 5);
      for (const level of a.levels) {
        const f = r.coverage[a.name][level]!;
        expect(r.rareLevels.includes(`${a.name}=${level}`)).toBe(f < 0.01);
      }
    }
    // The categorical identity traits (gender, eye colour) too, on samples and on renders.
    for (const t of IDENTITY_TRAITS.filter((x) => x.kind === 'categorical')) {
      for (const cov of [r.identityCoverage, r.identityCoverageRenders]) expect(Object.values(cov[t.name]!).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);
      for (const level of t.levels) expect(r.rareLevels.includes(`${t.name}=${level}`)).toBe(r.identityCoverage[t.name]![level]! < 0.01);
    }
    expect(formatGanReport(r)).toContain('FD-judge');
    expect(formatGanReport(r)).toMatch(/gender +woman/);
    g.dispose();
    judge.dispose();
  });
});
