import { describe, expect, it } from 'vitest';
import { END_ID, PAD_ID, decodeIds, parseCommand } from '@lfe/edit-language';
import { CAPTION_STYLES, languageOf } from '@lfe/face-pipeline';
import { loadRealFaceConfig } from '@lfe/realface';
import { realCaptions } from './real-captions';

describe('realCaptions (captions of real faces from their CelebA labels)', () => {
  const { header, captions } = realCaptions({ split: 'validation', perFace: 4, seed: 3 });
  const [lo, hi] = loadRealFaceConfig().split.validation;

  it('writes every style for the faces of the split, in the edit vocabulary, ending with <end>', () => {
    expect(header).toMatchObject({ kind: 'lfe-real-captions', split: 'validation', perFace: 4, seed: 3, faces: 1500, styles: CAPTION_STYLES.map((s) => `${s.mode}-${s.lang}`) });
    expect(header.captions).toBe(captions.length);
    expect(captions.length).toBeGreaterThan(1500 * 3.9);
    for (const c of captions) {
      expect(c.number).toBeGreaterThanOrEqual(lo);
      expect(c.number).toBeLessThanOrEqual(hi);
      expect(c.ids.at(-1)).toBe(END_ID);
      expect(c.ids.slice(0, -1)).not.toContain(PAD_ID);
      expect(c.ids.slice(0, -1)).not.toContain(END_ID);
    }
    const styles = new Set(captions.map((c) => c.style));
    expect([...styles].sort()).toEqual([0, 1, 2, 3]);
  });

  it('writes each caption in its style language, and the texts parse as descriptions', () => {
    for (const c of captions.slice(0, 400)) {
      const tokens = decodeIds(c.ids.slice(0, -1));
      expect(languageOf(tokens)).toBe(CAPTION_STYLES[c.style]!.lang);
      expect(() => parseCommand(tokens.join(CAPTION_STYLES[c.style]!.lang === 'zh' ? '' : ' '))).not.toThrow();
    }
  });

  it('is a pure function of (labels, split, perFace, seed)', () => {
    expect(realCaptions({ split: 'validation', perFace: 4, seed: 3 }).captions.slice(0, 50)).toEqual(captions.slice(0, 50));
    expect(realCaptions({ split: 'validation', perFace: 4, seed: 4 }).captions.slice(0, 50)).not.toEqual(captions.slice(0, 50));
    expect(() => realCaptions({ split: 'validation', perFace: 0, seed: 3 })).toThrow(/perFace/);
    expect(() => realCaptions({ split: 'validation', perFace: 4, seed: 3, data: '/nonexistent/faces' })).toThrow(/\/nonexistent\/faces/);
  });
});
