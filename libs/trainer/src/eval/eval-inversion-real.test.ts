import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FaceDescriptor, initRuntime, loadEncoder, loadGenerator } from '@lfe/face-pipeline';
import { RealFaceDataset } from '@lfe/realface';
import { RealJudge } from '../judge/real-judge';
import { COMMAND_LABELS, evaluateInversionReal, formatRealInversionReport } from './eval-inversion-real';
import { REAL_ENCODER_DIR, REAL_GENERATOR_DIR, REAL_IDENTITY_FILE, REAL_JUDGE_DIR } from '../testing/real-models';

beforeAll(async () => {
  await initRuntime();
});

describe('evaluateInversionReal (trainer:eval-inversion --world real)', () => {
  it('eval-inversion reports pixels, identity, labels and FD, and refinement lowers the pixel error', async () => {
    const set = await RealFaceDataset.open();
    const enc = loadEncoder(REAL_ENCODER_DIR);
    const g = loadGenerator(REAL_GENERATOR_DIR);
    const judge = RealJudge.load(REAL_JUDGE_DIR);
    const cal = JSON.parse(readFileSync(REAL_IDENTITY_FILE, 'utf8')) as { threshold: number; crop: number };
    const descriptor = await FaceDescriptor.load({ crop: cal.crop });
    const r = await evaluateInversionReal(g, enc, judge, descriptor, cal.threshold, set, { faces: 8, refineSteps: [0, 4], batchSize: 4 });
    expect(r.faces).toBe(8);
    expect(r.rows.map((w) => w.refineSteps)).toEqual([0, 4]);
    expect(r.rows[1]!.pixelMse).toBeLessThan(r.rows[0]!.pixelMse);
    for (const w of r.rows) {
      expect(w.identity.n).toBe(8);
      expect(w.labelAgreement).toBeGreaterThan(0);
      expect(w.labelAgreement).toBeLessThanOrEqual(1);
      expect(Object.keys(w.perLabel).sort()).toEqual([...COMMAND_LABELS]);
      expect(w.fdJudge).toBeNull(); // 8 faces: too few for a covariance of 256 features
    }
    expect(COMMAND_LABELS).toContain('Eyeglasses');
    expect(COMMAND_LABELS).toContain('Male');
    expect(formatRealInversionReport(r)).toMatch(/\| 4 \| 0\.\d{4} \|/);
    g.dispose();
    enc.dispose();
    judge.dispose();
  });
});
