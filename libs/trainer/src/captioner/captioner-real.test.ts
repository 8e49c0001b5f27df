import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CAPTION_STYLES, Captioner, initRuntime, padCaptionIds } from '@lfe/face-pipeline';
import { RealFaceDataset } from '@lfe/realface';
import { beforeAll, describe, expect, it } from 'vitest';
import { parityInputs } from '../testing/parity-inputs';
import { REAL_CAPTIONER_DIR } from '../testing/real-models';
import { rocAuc } from '../util/roc-auc';
import { labelsOfRow, realPair } from '../editor/real-pairs';
import { canonicalEdit, seededRandom } from '@lfe/edit-language';

beforeAll(async () => {
  await initRuntime();
});

/** The real-face captioner the product ships (trainer-torch:train-captioner on captions from CelebA labels). */
describe('models/real/captioner', () => {
  it('computes what PyTorch computed on the same weights (the hand-over)', () => {
    const cap = Captioner.load(REAL_CAPTIONER_DIR);
    const p = JSON.parse(readFileSync(join(REAL_CAPTIONER_DIR, 'parity.json'), 'utf8')) as { ids: number[][]; styles: number[]; logProb: number[] };
    const r = cap.config.resolution;
    const x = tf.tensor4d(parityInputs(p.ids.length, r), [p.ids.length, r, r, 3]);
    const t = tf.tensor2d(p.ids, [p.ids.length, p.ids[0]!.length], 'int32');
    const lp = cap.logProb(x, t, p.styles.map((i) => CAPTION_STYLES[i]!));
    const got = lp.dataSync();
    p.logProb.forEach((v, i) => expect(Math.abs(v - got[i]!) / (1 + Math.abs(v))).toBeLessThan(1e-3));
    tf.dispose([x, t, lp]);
    cap.dispose();
  });

  it('is grounded: on held-out test faces it prefers "glasses" / "smiling" where CelebA says so', async () => {
    const m = JSON.parse(readFileSync(join(REAL_CAPTIONER_DIR, 'manifest.json'), 'utf8')) as { provenance: { command: string } };
    expect(m.provenance.command).toMatch(/trainer-torch:train-captioner/);
    const set = await RealFaceDataset.open();
    const rows = set.rowsOf('test').slice(0, 200);
    const cap = Captioner.load(REAL_CAPTIONER_DIR);
    const before = tf.memory().numTensors;
    for (const [label, present, absent] of [
      ['Eyeglasses', { attribute: 'eyewear', op: 'set', level: 1, degree: 0.6 }, { attribute: 'eyewear', op: 'remove', degree: 0.6 }],
      ['Smiling', { attribute: 'expression', op: 'set', level: 1, degree: 0.6 }, { attribute: 'expression', op: 'remove', degree: 0.6 }],
    ] as const) {
      // The same two captions for every face ("… glasses" vs "… no glasses"): which one the captioner prefers.
      const pick = (e: typeof present | typeof absent): number[] => realPair({}, [canonicalEdit(e)], seededRandom(3), { zhFraction: 0 }).captionIds;
      const yes = pick(present);
      const no = pick(absent);
      const r = set.resolution;
      const img = new Float32Array(rows.length * r * r * 3);
      rows.forEach((row, i) => set.image(row).forEach((v, j) => (img[i * r * r * 3 + j] = v / 127.5 - 1)));
      const diff = tf.tidy(() => {
        const x = tf.tensor4d(img, [rows.length, r, r, 3]);
        const styles = rows.map(() => ({ mode: 'partial' as const, lang: 'en' as const }));
        const a = cap.logProb(x, padCaptionIds(rows.map(() => yes)), styles);
        const b = cap.logProb(x, padCaptionIds(rows.map(() => no)), styles);
        return Array.from(tf.sub(a, b).dataSync());
      });
      const auc = rocAuc(diff, rows.map((row) => labelsOfRow(set, row)[label] === true));
      console.log(`captioner-real: ${label} AUC ${auc.toFixed(3)} on ${rows.length} test faces`);
      expect(auc, label).toBeGreaterThan(0.8);
    }
    expect(tf.memory().numTensors).toBe(before);
    cap.dispose();
  }, 120_000);
});
