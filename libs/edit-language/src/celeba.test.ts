import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CELEBA_FOR_LEVEL, CELEBA_LABELS, EDITABLE_ATTRIBUTES, meetsCeleba } from './index';

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
  it('reads a beard as "not No_Beard"', () => {
    expect(meetsCeleba(CELEBA_FOR_LEVEL.beard.beard!, { No_Beard: false })).toBe(true);
    expect(meetsCeleba(CELEBA_FOR_LEVEL.beard.beard!, { No_Beard: true })).toBe(false);
  });
});
