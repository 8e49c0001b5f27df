import { initRuntime, loadGenerator } from '@lfe/face-pipeline';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Judge } from '../judge/judge';
import { evaluateEditability, formatEditability } from './eval-editability';

beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
});

describe('evaluateEditability (shipped generator and judge)', () => {
  it('a zero move changes no face; moving along the fitted normals brings faces to the level', () => {
    const g = loadGenerator('models/default/generator');
    const judge = Judge.load('models/judge');
    const before = tf.memory().numTensors;
    const r = evaluateEditability(g, judge, { samples: 24, fitSamples: 200, multipliers: [0, 16] });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.rows.length).toBeGreaterThan(10);
    for (const row of r.rows) {
      expect(row.hit[0], `${row.attribute}=${row.level} at ×0`).toBe(0);
      expect(row.hit[1]).toBeGreaterThanOrEqual(0);
      expect(row.hit[1]).toBeLessThanOrEqual(1);
      expect(row.step).toBeGreaterThanOrEqual(0);
    }
    expect(r.mean[1]).toBeGreaterThan(r.mean[0]!);
    expect(r.wNorm).toBeGreaterThan(0);
    expect(formatEditability(r)).toContain('×16');
    g.dispose();
    judge.dispose();
  }, 120_000);
});
