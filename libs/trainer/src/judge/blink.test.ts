import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initRuntime } from '@lfe/face-pipeline';
import { eyeHeadReadable, eyeOpennessOf, renderFaces, UNREADABLE_EYES_BELOW } from './face-batch';
import { HEAD_LAYOUT, encodeTargets } from './heads';
import { Judge, type JudgeConfig } from './judge';
import { JudgeTrainer, judgeTargets, resolveJudgeTrainConfig } from './judge-trainer';
import { evaluateJudge } from './evaluate';

const TINY: JudgeConfig = { resolution: 32, stages: [{ channels: 8, convs: 1 }, { channels: 12, convs: 1 }], featureDim: 16 };
const provenance = { command: 'test', seed: 1, steps: 0, dataManifestSha256: null, date: '2026-01-01T00:00:00Z' };
const dir = mkdtempSync(join(tmpdir(), 'judge-blink-'));

beforeAll(async () => {
  await initRuntime();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('blinking faces for the judge', () => {
  it('renders the stated share mid-blink, deterministically, and leaves blinkFraction 0 as before', () => {
    const opens = Array.from({ length: 4000 }, (_, k) => eyeOpennessOf(9, k, 0.25));
    const blinking = opens.filter((o) => o < 1);
    expect(blinking.length / opens.length).toBeGreaterThan(0.22);
    expect(blinking.length / opens.length).toBeLessThan(0.28);
    // A third of the blinks fully shut, the rest spread over (0, 1).
    expect(blinking.filter((o) => o === 0).length / blinking.length).toBeGreaterThan(0.28);
    expect(blinking.filter((o) => o > 0.5).length).toBeGreaterThan(blinking.length / 5);
    expect(eyeOpennessOf(9, 17, 0.25)).toBe(opens[17]);
    expect(opens.every((o) => o >= 0 && o <= 1)).toBe(true);

    const plain = renderFaces(9, 0, 12, 32);
    const none = renderFaces(9, 0, 12, 32, { blinkFraction: 0 });
    expect(none.images).toEqual(plain.images);
    expect(plain.eyeOpen).toEqual(new Array(12).fill(1));
    const all = renderFaces(9, 0, 12, 32, { blinkFraction: 1 });
    expect(all.faces).toEqual(plain.faces); // the same people, only the eyelids move
    expect(all.eyeOpen.every((o) => o < 1)).toBe(true);
    expect(all.images).not.toEqual(plain.images);
    expect(() => renderFaces(9, 0, 1, 32, { blinkFraction: 1.5 })).toThrow(/blinkFraction/);
  });

  it('gives eye size and eye colour no target on faces whose eyes are less than half open, and everything else its usual target', () => {
    const { faces } = renderFaces(3, 0, 3, 32);
    const eyeOpen = [1, UNREADABLE_EYES_BELOW - 0.01, 0];
    const plain = encodeTargets(faces, HEAD_LAYOUT);
    const masked = judgeTargets(faces, eyeOpen, HEAD_LAYOUT);
    expect(masked.regression).toEqual(plain.regression);
    const W = HEAD_LAYOUT.softmaxWidth;
    for (let i = 0; i < 3; i++) {
      for (const h of HEAD_LAYOUT.heads.filter((x) => x.kind === 'softmax')) {
        const row = (t: Float32Array): number[] => Array.from(t.subarray(i * W + h.targetOffset, i * W + h.targetOffset + h.width));
        const hidden = i > 0 && (h.name === 'eyeSize' || h.name === 'eyeColor');
        expect(eyeHeadReadable(h.name, eyeOpen[i]!)).toBe(!hidden);
        if (hidden) expect(row(masked.onehot)).toEqual(new Array(h.width).fill(0));
        else expect(row(masked.onehot)).toEqual(row(plain.onehot));
      }
    }
  });

  it('fine-tunes from a saved judge (init), and refuses one of another architecture', async () => {
    const base = new Judge(TINY, 4);
    base.save(join(dir, 'base'), provenance);
    const other = new Judge({ ...TINY, featureDim: 20 }, 4);
    other.save(join(dir, 'other'), provenance);
    const t = new JudgeTrainer(resolveJudgeTrainConfig({ model: TINY, seed: 50, init: join(dir, 'base'), blinkFraction: 0.5, batchSize: 8, steps: 3 }));
    const names = base.params.names();
    for (const n of names) expect(Array.from(t.judge.params.get(n).dataSync())).toEqual(Array.from(base.params.get(n).dataSync()));
    const s = await t.trainStep();
    expect(Number.isFinite(s.loss)).toBe(true);
    expect(Array.from(t.judge.params.get('fc/w').dataSync())).not.toEqual(Array.from(base.params.get('fc/w').dataSync()));
    t.dispose();
    expect(() => new JudgeTrainer(resolveJudgeTrainConfig({ model: TINY, init: join(dir, 'other') }))).toThrow(/init .* has model/);
    expect(() => resolveJudgeTrainConfig({ blinkFraction: 2 })).toThrow(/blinkFraction/);
    base.dispose();
    other.dispose();
  });

  it('evaluates on blinking faces without scoring hidden eyes', () => {
    const j = new Judge(TINY, 2);
    const open = evaluateJudge(j, { seed: 8, n: 30, batchSize: 15 });
    const blink = evaluateJudge(j, { seed: 8, n: 30, batchSize: 15, blinkFraction: 1 });
    const shut = Array.from({ length: 30 }, (_, k) => eyeOpennessOf(8, k, 1)).filter((o) => o < UNREADABLE_EYES_BELOW).length;
    expect(shut).toBeGreaterThan(0);
    expect(open.perAttribute['eyeSize']!.n).toBe(30);
    expect(blink.perAttribute['eyeSize']!.n).toBe(30 - shut);
    expect(blink.perIdentityTrait['eyeColor']!.n).toBe(30 - shut);
    expect(blink.perAttribute['eyewear']!.n).toBe(30);
    expect(blink.data.blinkFraction).toBe(1);
    j.dispose();
  });
});
