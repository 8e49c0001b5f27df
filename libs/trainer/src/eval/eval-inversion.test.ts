import * as tf from '@tensorflow/tfjs';
import { EDITABLE_ATTRIBUTE_NAMES, IDENTITY_TRAITS } from '@lfe/edit-language';
import { Encoder, Generator, initRuntime, type GeneratorConfig } from '@lfe/face-pipeline';
import { beforeAll, describe, expect, it } from 'vitest';
import { Judge } from '../judge/judge';
import { evaluateInversion, formatInversionReport } from './eval-inversion';

const G_CFG: GeneratorConfig = { resolution: 32, zDim: 16, wDim: 16, mappingLayers: 2, mappingLrMul: 0.01, channelBase: 128, channelMax: 16 };

beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
});

describe('evaluateInversion', () => {
  it('reports pixel error, judge agreement and agreement per item, consistent with each other, without leaks', () => {
    const g = new Generator(G_CFG, 1);
    const encoder = new Encoder({ resolution: 32, channels: [8, 8], convsPerStage: 1, featureDim: 16, wDim: 16, numWs: g.numWs });
    const judge = new Judge({ resolution: 32, stages: [{ channels: 4, convs: 1 }, { channels: 4, convs: 1 }], featureDim: 8 });
    const before = tf.memory().numTensors;
    const r = evaluateInversion(g, encoder, judge, { faces: 6, seed: 3, refineSteps: [0, 2], batchSize: 4 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.rows.map((row) => row.refineSteps)).toEqual([0, 2]);
    expect(r.source).toBe('renders');
    const categorical = IDENTITY_TRAITS.filter((t) => t.kind === 'categorical').map((t) => t.name);
    for (const row of r.rows) {
      expect(row.mse).toBeGreaterThan(0);
      expect(Object.keys(row.perItem).sort()).toEqual([...EDITABLE_ATTRIBUTE_NAMES, ...categorical].sort());
      for (const v of Object.values(row.perItem)) expect(v >= 0 && v <= 1).toBe(true);
      const mean = (names: readonly string[]): number => names.reduce((s, n) => s + row.perItem[n]!, 0) / names.length;
      expect(mean(EDITABLE_ATTRIBUTE_NAMES)).toBeCloseTo(row.attributeAgreement!, 12);
      expect(mean(categorical)).toBeCloseTo(row.identityAgreement!, 12);
    }
    const text = formatInversionReport(r);
    expect(text).toContain('agreement per item');
    expect(text).toMatch(/gender +\d/);
    // The generator's own samples as the input (their latent exists, so this isolates the encoder).
    const gen = evaluateInversion(g, encoder, judge, { faces: 5, seed: 3, refineSteps: [0], batchSize: 4, source: 'generated' });
    expect(tf.memory().numTensors).toBe(before);
    expect(gen.source).toBe('generated');
    expect(gen.rows[0]!.mse).toBeGreaterThan(0);
    expect(gen.rows[0]!.mse).not.toBe(r.rows[0]!.mse);
    expect(formatInversionReport(gen)).toContain('generator samples');
    // Without a judge: pixel error only.
    const bare = evaluateInversion(g, encoder, null, { faces: 2, seed: 3, refineSteps: [0] });
    expect(bare.rows[0]!.attributeAgreement).toBeNull();
    expect(bare.rows[0]!.perItem).toEqual({});
    expect(formatInversionReport(bare)).not.toContain('agreement per item');
    for (const m of [g, encoder, judge]) m.dispose();
  });
});
