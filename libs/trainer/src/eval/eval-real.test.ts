import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { CELEBA_FOR_LEVEL, meetsCeleba } from '@lfe/edit-language';
import { DEFAULT_GENERATOR_CONFIG, FaceDescriptor, Generator, initRuntime } from '@lfe/face-pipeline';
import { RealFaceDataset } from '@lfe/realface';
import { RealJudge } from '../judge/real-judge';
import { buildRealCases, commandLabels, realCommands } from './eval-editor-real';
import { evaluateGanReal } from './eval-gan-real';

const REAL = resolve(fileURLToPath(import.meta.url), '../../../../../models/real');

beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
});

describe('the real world of eval-editor', () => {
  it('asks only for levels CelebA labels, never for absence, each in English and Chinese, never for what the face already has', () => {
    const cmds = realCommands();
    expect(cmds.map((c) => c.key)).toEqual(expect.arrayContaining(['eyewear=glasses', 'hairColor=blond', 'hat=hat', 'beard=beard', 'expression=smile']));
    expect(cmds.map((c) => c.key)).not.toContain('hairColor=red');
    expect(cmds.map((c) => c.key)).not.toContain('eyewear=none');
    expect(commandLabels(cmds)).toEqual(expect.arrayContaining(['Eyeglasses', 'No_Beard', 'Smiling']));
    const faces = [{ Eyeglasses: true, Smiling: true, No_Beard: true }, { Eyeglasses: false, Smiling: false, No_Beard: false }];
    const cases = buildRealCases(faces, cmds, 3, 7);
    expect(cases).toHaveLength(12);
    expect(cmds.map((c) => c.key)).toContain('age=young');
    for (let i = 0; i < cases.length; i += 2) {
      expect([cases[i]!.lang, cases[i + 1]!.lang]).toEqual(['en', 'zh']);
      expect(cases[i]!.command.key).toBe(cases[i + 1]!.command.key);
    }
    for (const c of cases) expect(meetsCeleba(c.command.target, faces[c.face]!)).toBe(false);
    expect(buildRealCases(faces, cmds, 3, 7)).toEqual(cases); // seeded
    expect(CELEBA_FOR_LEVEL.beard.beard).toEqual({ present: [], absent: ['No_Beard'] });
  });
});

describe('evaluateGanReal', () => {
  it('reports FD in judge and descriptor space with their real-vs-real floors, and coverage, without leaks', async () => {
    const judge = RealJudge.load(resolve(REAL, 'judge'));
    const descriptor = await FaceDescriptor.load();
    const set = await RealFaceDataset.open();
    const g = new Generator({ ...DEFAULT_GENERATOR_CONFIG, resolution: 64, zDim: 16, wDim: 16, mappingLayers: 2, channelBase: 128, channelMax: 16 });
    const before = tf.memory().numTensors;
    const r = await evaluateGanReal(g, judge, descriptor, set, { samples: 24, batchSize: 12, checkpoint: 'untrained' });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.samples).toBe(24);
    expect(r.fdRealReal).toBeGreaterThan(0);
    expect(r.fdFaceRealReal).toBeGreaterThan(0);
    // An untrained generator's noise is nothing like a face: far above both floors.
    expect(r.fdJudge).toBeGreaterThan(r.fdRealReal);
    expect(r.fdFace).toBeGreaterThan(r.fdFaceRealReal);
    expect(Object.keys(r.coverage)).toHaveLength(40);
    for (const c of Object.values(r.coverageData)) expect(c.present + c.absent).toBeCloseTo(1, 9);
    g.dispose();
    judge.dispose();
  }, 120_000);
});
