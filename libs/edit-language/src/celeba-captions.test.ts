import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CELEBA_FOR_LEVEL, EDITABLE_ATTRIBUTES, attributesFromCaptions, celebaMentions, describeCelebaFace, levelOf, meetsCeleba, parseCommand, seededRandom } from './index';

/** Faces of the real-face attribute file (../shared/realface; fails naming the path when missing). */
function realLabels(count: number): Array<Record<string, boolean>> {
  const lines = readFileSync(new URL('../../../../shared/realface/celebahq-attributes.txt', import.meta.url), 'utf8').trim().split('\n');
  const names = lines[1]!.trim().split(/\s+/);
  return lines.slice(2, 2 + count).map((l) => {
    const v = l.trim().split(/\s+/).slice(1);
    return Object.fromEntries(names.map((n, i) => [n, v[i] === '1']));
  });
}

describe('captions of real faces from their CelebA labels', () => {
  it('state what the labels say, in English and Chinese', () => {
    const labels = { Blond_Hair: true, Black_Hair: false, Brown_Hair: false, Gray_Hair: false, Wavy_Hair: true, Straight_Hair: false, Smiling: true, Mouth_Slightly_Open: false, Eyeglasses: true, Male: false, Young: true, No_Beard: true, Mustache: false, Wearing_Lipstick: true, Wearing_Hat: false, Bangs: false, Bushy_Eyebrows: false, Narrow_Eyes: false, Wearing_Earrings: false };
    const en = describeCelebaFace(labels, seededRandom(1), { lang: 'en' })!;
    expect(en).toMatch(/woman/);
    for (const w of ['blond', 'glasses', 'lipstick']) expect(en).toContain(w);
    const zh = describeCelebaFace(labels, seededRandom(1), { lang: 'zh' })!;
    expect(zh).toMatch(/女/);
    expect(zh).toMatch(/金/);
    expect(zh).toMatch(/眼镜/);
    expect(en).not.toMatch(/beard/); // absences only in partial captions
    // Chinese negation of a thing one "has": 没有胡子, never 没有有胡子.
    for (let seed = 0; seed < 200; seed++) expect(describeCelebaFace({ ...labels, Male: true }, seededRandom(seed), { lang: 'zh', mode: 'partial' }) ?? '').not.toMatch(/没有有|没有留着有/);
    // Glasses and sunglasses are both CelebA's Eyeglasses: glasses (first in the vocabulary) is said.
    expect(celebaMentions(labels).find((m) => m.attribute === 'eyewear')!.level).toBe(1);
    expect(describeCelebaFace({}, seededRandom(1))).toBeNull();
  });

  it('parse back to the levels they state, for 1,000 real faces, full and partial, in both languages', () => {
    let n = 0;
    for (const [i, labels] of realLabels(1000).entries()) {
      for (const lang of ['en', 'zh'] as const) {
        for (const mode of ['full', 'partial'] as const) {
          const text = describeCelebaFace(labels, seededRandom(i * 7 + (lang === 'zh' ? 1 : 0) + (mode === 'full' ? 2 : 0)), { lang, mode });
          if (text === null) continue;
          expect(() => parseCommand(text), text).not.toThrow();
          const { face, known } = attributesFromCaptions([text]);
          for (const a of known) {
            // Every level the caption states is one the labels support.
            const level = EDITABLE_ATTRIBUTES.find((s) => s.name === a)!.levels[levelOf(a, face.attributes[a])]!;
            const cond = CELEBA_FOR_LEVEL[a][level];
            expect(cond, `${text}: ${a}=${level}`).not.toBeNull();
            expect(meetsCeleba(cond!, labels), `${text}: ${a}=${level}`).toBe(true);
          }
          if (mode === 'full') {
            // …and a full caption states every level a label states outright.
            for (const m of celebaMentions(labels).filter((x) => x.positive && EDITABLE_ATTRIBUTES.find((s) => s.name === x.attribute)!.levels[x.level] !== 'none')) expect(known.has(m.attribute), `${text}: ${m.attribute}`).toBe(true);
          }
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(3900);
  });
});
