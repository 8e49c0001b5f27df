import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { CELEBA_LABELS } from '@lfe/edit-language';
import { initRuntime } from '@lfe/face-pipeline';
import { RealFaceDataset } from '@lfe/realface';
import { evaluateRealJudge, rocAuc } from './evaluate-real';
import { RealJudge } from './real-judge';
import { parityInputs } from '../testing/parity-inputs';

/** The real-face judge we ship (trained by libs/trainer-torch on the train split). */
const MODEL = resolve(fileURLToPath(import.meta.url), '../../../../../models/real/judge');
const tmp: string[] = [];

beforeAll(async () => {
  await initRuntime();
});
afterAll(() => tmp.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('shipped models/real/judge', () => {
  it('computes what PyTorch computed on the same weights (the hand-over)', () => {
    const judge = RealJudge.load(MODEL);
    const want = (JSON.parse(readFileSync(join(MODEL, 'parity.json'), 'utf8')) as { logits: number[][] }).logits;
    const r = judge.config.resolution;
    const x = tf.tensor4d(parityInputs(want.length, r), [want.length, r, r, 3]);
    const z = judge.logits(x);
    const got = z.arraySync();
    z.dispose();
    x.dispose();
    let worst = 0;
    want.forEach((row, i) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - got[i]![j]!) / (1 + Math.abs(v))))));
    expect(worst).toBeLessThan(1e-3);
    judge.dispose();
  });

  it('reads the CelebA labels, says how it was made and its terms, and leaks no tensors', async () => {
    const m = JSON.parse(readFileSync(join(MODEL, 'manifest.json'), 'utf8')) as { provenance: Record<string, unknown> };
    expect(String(m.provenance['terms'])).toMatch(/non-commercial/);
    expect(String(m.provenance['command'])).toMatch(/train-real-judge/);
    const judge = RealJudge.load(MODEL);
    expect([...judge.attributes]).toEqual([...CELEBA_LABELS]);
    const set = await RealFaceDataset.open();
    const before = tf.memory().numTensors;
    const report = evaluateRealJudge(judge, set.split('validation', { limit: 200 }), 100);
    expect(tf.memory().numTensors).toBe(before);
    // On 200 held-out faces: far above chance on the attributes with many positives either way.
    expect(report.perAttribute['Smiling']!.accuracy).toBeGreaterThan(0.8);
    expect(report.perAttribute['Male']!.auc).toBeGreaterThan(0.95);
    judge.dispose();
  });

  it('refuses a corrupt or foreign checkpoint with the file named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'real-judge-'));
    tmp.push(dir);
    cpSync(MODEL, join(dir, 'j'), { recursive: true });
    const w = join(dir, 'j', 'weights.bin');
    const bytes = readFileSync(w);
    bytes[100] = (bytes[100]! + 1) % 256;
    writeFileSync(w, bytes);
    expect(() => RealJudge.load(join(dir, 'j'))).toThrow(/weights\.bin|sha256/);
    expect(() => RealJudge.load(resolve(MODEL, '../../judge'))).toThrow(/expected "lfe-real-judge"/);
  });
});

describe('rocAuc', () => {
  it('counts ranks, ties as half', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true])).toBe(0.75);
    expect(rocAuc([0.5, 0.5], [false, true])).toBe(0.5);
    expect(rocAuc([1, 2, 3], [true, true, true])).toBeNaN();
  });
});
