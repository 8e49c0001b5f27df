import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CELEBA_FOR_LEVEL, CELEBA_LABELS, EDITABLE_ATTRIBUTES, UnsupportedEditError, checkSupported, meetsCeleba, parseCommand } from './index';

describe('CelebA labels', () => {
  it('are the 40 names of the real-face attribute file, in its order', () => {
    // Fails naming the path when the real-face data is missing.
    const path = new URL('../../../../shared/realface/celebahq-attributes.txt', import.meta.url);
    const names = readFileSync(path, 'utf8').split('\n')[1]!.trim().split(/\s+/);
    expect([...CELEBA_LABELS]).toEqual(names);
  });
  it('map every level of every attribute (null where CelebA has no label)', () => {
    for (const a of EDITABLE_ATTRIBUTES) expect(Object.keys(CELEBA_FOR_LEVEL[a.name]).sort()).toEqual([...a.levels].sort());
    expect(CELEBA_FOR_LEVEL.eyewear.glasses).not.toBeNull();
    expect(CELEBA_FOR_LEVEL.hairLength.long).toBeNull();
  });
  it('every label a command maps to is one the real judge decides prior-free (training/realface/dataset.json editLabels)', () => {
    const cfg = JSON.parse(readFileSync(new URL('../../../training/realface/dataset.json', import.meta.url), 'utf8')) as { editLabels: string[] };
    const used = new Set(Object.values(CELEBA_FOR_LEVEL).flatMap((levels) => Object.values(levels).flatMap((c) => (c === null ? [] : [...c.present, ...c.absent]))));
    for (const l of used) expect(cfg.editLabels).toContain(l);
    for (const l of cfg.editLabels) expect(CELEBA_LABELS).toContain(l);
  });
  it('reads a beard as "not No_Beard"', () => {
    expect(meetsCeleba(CELEBA_FOR_LEVEL.beard.beard!, { No_Beard: false })).toBe(true);
    expect(meetsCeleba(CELEBA_FOR_LEVEL.beard.beard!, { No_Beard: true })).toBe(false);
  });
});

describe('checkSupported (the real model\'s world)', () => {
  const edits = (text: string) => {
    const p = parseCommand(text);
    if (p.kind !== 'edit') throw new Error(`not an edit: ${text}`);
    return p.edits;
  };
  it('lets through what CelebA labels or the measures cover, in English and Chinese', () => {
    for (const t of ['add glasses', 'blond hair', 'long hair and big eyes', 'a bit bigger eyes', '大眼睛长头发', 'add a beard']) expect(() => checkSupported(edits(t))).not.toThrow();
  });
  it('refuses red hair with a message naming what it can do', () => {
    const e = (() => {
      try {
        checkSupported(edits('red hair'));
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(UnsupportedEditError);
    expect(String((e as Error).message)).toMatch(/cannot do hairColor=red; it can do: .*hairColor=blond/);
  });
});
