import { describeFace, seededRandom } from '@lfe/edit-language';
import { hashInts, sample } from '@lfe/face-synth';
import { describe, expect, it } from 'vitest';
import { claimedLevels, scoreCaptions } from './evaluate-captioner';

const faces = [...Array(150).keys()].map((k) => sample(hashInts(99, k)));

describe('attribute recovery scoring', () => {
  for (const lang of ['en', 'zh'] as const) {
    it(`true full ${lang} descriptions score precision 1, recall 1, all attributes right`, () => {
      const rng = seededRandom(1);
      const s = scoreCaptions(faces.map((f) => describeFace(f, rng, { mode: 'full', lang })), faces);
      expect(s.unparseable).toBe(0);
      expect(s.meanPrecision).toBe(1);
      expect(s.meanRecall).toBe(1);
      expect(s.allAttributesRight).toBe(1);
      expect(s.genderAccuracy).toBe(1);
    });
  }

  it('true partial descriptions are all precise but recall only part', () => {
    const rng = seededRandom(2);
    const s = scoreCaptions(faces.map((f) => describeFace(f, rng, { mode: 'partial', lang: 'en' })), faces);
    expect(s.meanPrecision).toBe(1);
    expect(s.meanRecall).toBeLessThan(0.9);
  });

  it('a wrong claim lowers precision; unparseable text counts as unparseable and recovers nothing', () => {
    const face = faces.find((f) => f.attributes.eyewear === 0)!;
    const s = scoreCaptions(['a woman with glasses', 'frobnicate hair'], [face, face]);
    expect(s.perAttribute.eyewear.precision).toBe(0);
    expect(s.perAttribute.eyewear.claims).toBe(1);
    expect(s.unparseable).toBe(0.5);
    expect(claimedLevels('no glasses and long hair')?.levels).toEqual(
      new Map([
        ['eyewear', 0],
        ['hairLength', 2],
      ]),
    );
    expect(claimedLevels('undo')).toBeNull();
  });
});
