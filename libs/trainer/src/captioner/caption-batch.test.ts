import { END_ID, VOCABULARY, parseCommand, tokenize } from '@lfe/edit-language';
import { describe, expect, it } from 'vitest';
import { captionBatch } from './caption-batch';
import { languageOf } from '@lfe/face-pipeline';

const MIX = { fullFraction: 0.5, zhFraction: 0.5 };

describe('captionBatch', () => {
  it('is a pure function of (seed, start, count): a slice of a batch is the same faces and captions', () => {
    const a = captionBatch(7, 10, 6, 32, MIX);
    const b = captionBatch(7, 12, 2, 32, MIX);
    expect(b.texts).toEqual(a.texts.slice(2, 4));
    expect(b.styles).toEqual(a.styles.slice(2, 4));
    expect(Buffer.from(b.images.buffer).equals(Buffer.from(a.images.slice(2 * 32 * 32 * 3, 4 * 32 * 32 * 3).buffer))).toBe(true);
    const other = captionBatch(8, 10, 6, 32, MIX);
    expect(other.texts).not.toEqual(a.texts);
  });

  it('mixes full/partial and English/Chinese captions; every caption tokenises in-vocabulary, ends with <end> and parses', () => {
    const n = 200;
    const batch = captionBatch(3, 0, n, 32, MIX);
    const count = (p: (i: number) => boolean): number => [...Array(n).keys()].filter(p).length;
    expect(count((i) => batch.styles[i]!.mode === 'full')).toBeGreaterThan(70);
    expect(count((i) => batch.styles[i]!.mode === 'partial')).toBeGreaterThan(70);
    expect(count((i) => batch.styles[i]!.lang === 'zh')).toBeGreaterThan(70);
    batch.texts.forEach((text, i) => {
      const tokens = tokenize(text);
      expect(batch.ids[i]).toEqual([...tokens.map((t) => VOCABULARY.indexOf(t)), END_ID]);
      expect(batch.ids[i]!.slice(0, -1).every((id) => id > 3)).toBe(true);
      // The caption's language is the style's (a default face in full mode is just "a woman" / 一个女人).
      expect(languageOf(tokens)).toBe(batch.styles[i]!.lang);
      expect(parseCommand(text).kind).toBe('edit');
    });
    expect(batch.images.every((v) => v >= -1 && v <= 1)).toBe(true);
  });
});
