import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '@lfe/edit-language';
import * as tf from '@tensorflow/tfjs';
import { alignmentFromLandmarks, cropAligned, initRuntime } from '@lfe/face-pipeline';
import { TestClip, faceLandmarks, sample } from '@lfe/face-synth';
import { evaluateJudge, type EntryMetrics } from './evaluate';
import { Judge } from './judge';

/** The judge we ship, on faces it has never seen (a seed no training, validation or report stream used). */
const MODEL = resolve(fileURLToPath(import.meta.url), '../../../../../models/judge');
const FRESH_SEED = 424242;
const N = 300;

interface ShippedReport {
  shipped: { perAttribute: Record<string, EntryMetrics>; perIdentityTrait: Record<string, EntryMetrics> };
}

beforeAll(async () => {
  await initRuntime();
});

describe('shipped models/judge', () => {
  it('has a manifest that says how it was made', () => {
    const m = JSON.parse(readFileSync(resolve(MODEL, 'manifest.json'), 'utf8')) as { architecture: { kind: string; config: Record<string, unknown> }; provenance: Record<string, unknown> };
    expect(m.architecture.kind).toBe('lfe-judge');
    expect(m.architecture.config['schemaVersion']).toBe(SCHEMA_VERSION);
    expect(m.provenance['command']).toMatch(/train-judge/);
    expect(m.provenance['steps']).toBeGreaterThan(0);
    const held = m.provenance['heldOut'] as Record<string, number>;
    expect([m.provenance['seed'], ...Object.values(held)]).not.toContain(FRESH_SEED);
  });

  /**
   * On 300 fresh renders: every discrete entry that report.json claims at ≥ 98 % must reach ≥ 95 %
   * here, and no entry may fall more than 4 binomial standard deviations below its reported
   * accuracy (continuous: MAE more than 1.5× the reported one). So report.json is verified on data
   * it never saw; entries still below target are listed in report.json's `failing`, not hidden.
   */
  it(`reproduces report.json on ${N} fresh renders (solved entries ≥ 95 %)`, () => {
    const claimed = (JSON.parse(readFileSync(resolve(MODEL, 'report.json'), 'utf8')) as ShippedReport).shipped;
    const judge = Judge.load(MODEL);
    try {
      const r = evaluateJudge(judge, { seed: FRESH_SEED, n: N });
      const problems: string[] = [];
      for (const key of ['perAttribute', 'perIdentityTrait'] as const) {
        for (const [name, m] of Object.entries(r[key])) {
          const c = claimed[key][name];
          expect(c, `report.json lacks ${name}`).toBeDefined();
          expect(m.n).toBe(N);
          if (m.accuracy !== undefined && c?.accuracy !== undefined) {
            if (c.accuracy >= 0.98 && m.accuracy < 0.95) problems.push(`${name} ${(100 * m.accuracy).toFixed(1)} % < 95 % (reported ${(100 * c.accuracy).toFixed(1)} %)`);
            const sd = Math.sqrt((c.accuracy * (1 - c.accuracy)) / N);
            if (m.accuracy < c.accuracy - 4 * sd - 1 / N) problems.push(`${name} ${(100 * m.accuracy).toFixed(1)} % vs reported ${(100 * c.accuracy).toFixed(1)} %`);
          }
          if ((m.kind === 'continuous' || m.kind === 'circular') && c?.mae !== undefined && (m.mae ?? Infinity) > 1.5 * c.mae) {
            problems.push(`${name} MAE ${m.mae} vs reported ${c.mae}`);
          }
        }
      }
      expect(problems).toEqual([]);
    } finally {
      judge.dispose();
    }
  });

  /**
   * The browser E2E judges 8 camera frames of a bare-faced clip and allows one eyewear reading
   * among them. The clip blinks every 2.9 s and turns the head up to yaw 0.8, so the judge has to
   * read closed eyes and turned heads as bare. At ≤ 1 % false frames, two false readings among 8 have
   * a probability under 0.3 %. Judge v3, trained on open eyes only, read eyewear on 13 of these
   * 1200 frames (11 of them mid-blink); the blink-trained judge is what fixed it.
   */
  it('reads no eyewear on bare-faced clips that blink and turn (≤ 1 % of frames)', () => {
    const judge = Judge.load(MODEL);
    const r = judge.config.resolution;
    const frames = 150;
    const falses: string[] = [];
    let total = 0;
    try {
      for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
        const d = sample(seed);
        const face = { identity: d.identity, attributes: { ...d.attributes, eyewear: 0, hat: 0 } };
        const clip = new TestClip(face, { width: 640, height: 480, fps: 30 });
        const crops = new Float32Array(frames * r * r * 3);
        for (let n = 0; n < frames; n++) {
          const st = clip.stateAt(n);
          const lm = faceLandmarks(face, st.placement, st.nuisance);
          crops.set(cropAligned(clip.frame(n), alignmentFromLandmarks(lm.leftEye, lm.rightEye, lm.mouth), r), n * r * r * 3);
        }
        const x = tf.tensor4d(crops, [frames, r, r, 3]);
        const verdicts = judge.judge(x);
        x.dispose();
        verdicts.forEach((v, n) => {
          total++;
          if (v.levels.eyewear !== 0) falses.push(`face ${seed} frame ${n} (eyes open ${clip.stateAt(n).eyeOpen.toFixed(2)})`);
        });
      }
    } finally {
      judge.dispose();
    }
    expect(total).toBe(1200);
    expect(falses.length, `eyewear read on ${falses.join(', ')}`).toBeLessThanOrEqual(0.01 * total);
  });
});

