import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Editor, FaceDescriptor, initRuntime, loadFraming } from '@lfe/face-pipeline';
import { RealFaceDataset } from '@lfe/realface';
import { beforeAll, describe, expect, it } from 'vitest';
import { RealJudge } from '../judge/real-judge';
import { loadLandmarkNet } from '../realface/measures';
import { REAL_IDENTITY_FILE, REAL_JUDGE_DIR, REPO } from '../testing/real-models';
import { evaluateEditorReal, formatRealEditorReport, realCommands } from './eval-editor-real';
import { fitInterFaceGanReal, interFaceGanRealMethod } from './eval-interfacegan-real';
import { evaluateMeasuredEditsReal, formatMeasuredEditsReport, measuredCommands } from './eval-measured-real';

beforeAll(async () => {
  await initRuntime();
});

describe('evaluateEditorReal (trainer:eval-editor --world real) with the InterFaceGAN baseline', () => {
  it('fits label directions on inverted train faces and scores every method on the same cases, without leaks', async () => {
    const set = await RealFaceDataset.open();
    // Any 64-px bundle runs the harness; the shipped synthetic one is the smallest at hand.
    const editor = Editor.load(join(REPO, 'models/default/editor'), join(REPO, 'models/default/generator'));
    const judge = RealJudge.load(REAL_JUDGE_DIR);
    const cal = JSON.parse(readFileSync(REAL_IDENTITY_FILE, 'utf8')) as { threshold: number; crop: number };
    const descriptor = await FaceDescriptor.load({ crop: cal.crop });
    try {
      const dirs = fitInterFaceGanReal(editor, set, { faces: 300, iterations: 30, minPositives: 10 });
      expect(dirs.samples).toBe(300);
      expect(dirs.directions.size).toBeGreaterThan(5);
      const keys = new Set(realCommands().map((c) => `${c.edit.attribute}=${c.edit.level}`));
      for (const [k, d] of dirs.directions) {
        expect(keys.has(k)).toBe(true);
        expect(Math.hypot(...d.normal)).toBeCloseTo(1, 4);
        expect(d.step).toBeGreaterThanOrEqual(0);
      }
      // Smiling is labelled on about half of CelebA: its direction exists and separates the classes.
      expect(dirs.directions.get('expression=1')?.step).toBeGreaterThan(0);
      await loadLandmarkNet(); // its weights stay loaded (not a leak of the evaluation)
      const before = tf.memory().numTensors;
      const report = await evaluateEditorReal(editor, judge, descriptor, cal.threshold, set, {
        faces: 6,
        perFace: 1,
        seed: 3,
        methods: { product: { composite: 'replace', refineEdit: 0 }, interfacegan: interFaceGanRealMethod(dirs), 'interfacegan delta': interFaceGanRealMethod(dirs, 'delta') },
      });
      expect(tf.memory().numTensors).toBe(before);
      expect(report.split).toBe('test');
      expect(report.cases).toBe(12); // one command per face, in English and Chinese
      expect(Object.keys(report.methods)).toEqual(['product', 'interfacegan', 'interfacegan delta']);
      // The delta composite keeps most of the input: its identity is at least the regenerated face's.
      expect(report.methods['interfacegan delta']!.identityKept).toBeGreaterThanOrEqual(report.methods['interfacegan']!.identityKept);
      for (const m of Object.values(report.methods)) {
        for (const v of [m.editAccuracy, m.identityKept, m.attributesKept, m.reconstructionEditAccuracy]) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
        expect(m.byLanguage.en?.n).toBe(6);
        expect(m.byLanguage.zh?.n).toBe(6);
        expect(m.msPerEdit).toBeGreaterThan(0);
        expect(Object.values(m.perCommand).reduce((s, v) => s + v.n, 0)).toBe(12);
      }
      expect(formatRealEditorReport(report)).toContain('| interfacegan |');
      // Choices are made on the validation split: the same evaluation there.
      const onValidation = await evaluateEditorReal(editor, judge, descriptor, cal.threshold, set, { faces: 2, perFace: 1, seed: 3, split: 'validation', methods: { product: { composite: 'delta', refineEdit: 0 } } });
      expect(onValidation.split).toBe('validation');
      expect(onValidation.cases).toBe(4);
      // The commands CelebA cannot check, scored on their measured values.
      const measured = await evaluateMeasuredEditsReal(editor, descriptor, cal.threshold, set, {
        faces: 6,
        seed: 3,
        framing: loadFraming(join(REPO, 'models/real'))!,
        tertiles: { eyeSize: [0.25, 0.3], hairLength: [0.1, 0.4] },
        methods: { product: { composite: 'replace', refineEdit: 0 }, interfacegan: interFaceGanRealMethod(dirs) },
      });
      expect(measured.cases % 2).toBe(0);
      expect(measured.cases).toBeLessThanOrEqual(12);
      expect(Object.keys(measured.reconstructionEditAccuracy)).toEqual(measuredCommands().map((c) => c.key));
      for (const m of Object.values(measured.methods)) {
        expect(Object.values(m.perCommand).reduce((s, v) => s + v.n, 0)).toBe(measured.cases);
        for (const v of Object.values(m.perCommand)) expect(v.editAccuracy).toBeGreaterThanOrEqual(0);
      }
      expect(formatMeasuredEditsReport(measured)).toContain('| reconstruction alone |');
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      editor.dispose();
      judge.dispose();
    }
  }, 240_000);
});
