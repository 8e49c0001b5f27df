import { describe, expect, it } from 'vitest';
import type { Edit } from './edit';
import { DEFAULT_DEGREE, DEGREES, applyEdits, canonicalEdit, isRemovable, ordinalSetValue, snapDegree } from './edit';
import { seededRandom } from './random-source';
import { EDITABLE_ATTRIBUTES, levelOf } from './schema';
import { randomFace } from './testing/random-face';

describe('applyEdits', () => {
  it('does not modify its input', () => {
    const face = randomFace(seededRandom(1)).attributes;
    const copy = { ...face };
    applyEdits(face, [{ attribute: 'eyewear', op: 'set', level: 2, degree: 0.6 }]);
    expect(face).toEqual(copy);
  });

  it('set lands in the level asked for, at any degree; remove gives level 0', () => {
    const face = randomFace(seededRandom(2)).attributes;
    for (const spec of EDITABLE_ATTRIBUTES) {
      for (let level = 0; level < spec.levels.length; level++) {
        for (const degree of DEGREES) {
          const out = applyEdits(face, [{ attribute: spec.name, op: 'set', level, degree }]);
          expect(levelOf(spec.name, out[spec.name]), `${spec.name} ${level} ${degree}`).toBe(level);
        }
      }
      if (isRemovable(spec.name)) expect(applyEdits(face, [{ attribute: spec.name, op: 'remove', degree: 0.6 }])[spec.name]).toBe(0);
    }
  });

  it('"very long" is longer than "long", which is longer than "slightly long"', () => {
    expect(ordinalSetValue('hairLength', 2, 1)).toBeGreaterThan(ordinalSetValue('hairLength', 2, DEFAULT_DEGREE));
    expect(ordinalSetValue('hairLength', 2, DEFAULT_DEGREE)).toBeGreaterThan(ordinalSetValue('hairLength', 2, 0.3));
    expect(ordinalSetValue('eyeSize', 0, 1)).toBeLessThan(ordinalSetValue('eyeSize', 0, 0.3));
    expect(ordinalSetValue('eyeSize', 1, 1)).toBe(0.5);
  });

  it('increase/decrease move by degree × one level width, monotone and clamped to [0, 1]', () => {
    const rng = seededRandom(3);
    for (let i = 0; i < 200; i++) {
      const face = randomFace(rng).attributes;
      const v = face.hairLength;
      const steps = DEGREES.map((degree) => applyEdits(face, [{ attribute: 'hairLength', op: 'increase', degree }]).hairLength);
      expect(steps[0]).toBeGreaterThanOrEqual(v);
      expect(steps[1]).toBeGreaterThanOrEqual(steps[0] as number);
      expect(steps[2]).toBeGreaterThanOrEqual(steps[1] as number);
      expect(steps[2]).toBeLessThanOrEqual(1);
      expect(steps[2]).toBeCloseTo(Math.min(1, v + 1 / 3), 10);
      const down = applyEdits(face, [{ attribute: 'hairLength', op: 'decrease', degree: 1 }]).hairLength;
      expect(down).toBeCloseTo(Math.max(0, v - 1 / 3), 10);
    }
  });
});

describe('canonicalEdit', () => {
  it('snaps ordinal degrees, fixes the others at the default, writes set-to-absence as remove', () => {
    expect(snapDegree(0.9)).toBe(1);
    expect(snapDegree(0.2)).toBe(0.3);
    expect(canonicalEdit({ attribute: 'eyeSize', op: 'increase', degree: 0.35 })).toEqual({ attribute: 'eyeSize', op: 'increase', degree: 0.3 });
    expect(canonicalEdit({ attribute: 'beard', op: 'set', level: 1, degree: 1 })).toEqual({ attribute: 'beard', op: 'set', level: 1, degree: 0.6 });
    expect(canonicalEdit({ attribute: 'eyewear', op: 'set', level: 0, degree: 0.6 })).toEqual({ attribute: 'eyewear', op: 'remove', degree: 0.6 });
    expect(canonicalEdit({ attribute: 'beard', op: 'remove', level: 3, degree: 0.6 })).toEqual({ attribute: 'beard', op: 'remove', degree: 0.6 });
  });

  it.each<[Edit, RegExp]>([
    [{ attribute: 'nose' as Edit['attribute'], op: 'set', level: 1, degree: 0.6 }, /edit.attribute/],
    [{ attribute: 'beard', op: 'set', level: 2, degree: 0.6 }, /edit.level/],
    [{ attribute: 'beard', op: 'set', degree: 0.6 }, /edit.level/],
    [{ attribute: 'beard', op: 'set', level: 1, degree: 0 }, /edit.degree/],
    [{ attribute: 'beard', op: 'set', level: 1, degree: Number.NaN }, /edit.degree/],
    [{ attribute: 'hairColor', op: 'remove', degree: 0.6 }, /cannot be removed/],
    [{ attribute: 'beard', op: 'increase', degree: 0.6 }, /not ordinal/],
    [{ attribute: 'beard', op: 'grow' as Edit['op'], degree: 0.6 }, /unknown op/],
  ])('rejects %j', (edit, message) => {
    expect(() => canonicalEdit(edit)).toThrow(TypeError);
    expect(() => canonicalEdit(edit)).toThrow(message);
  });
});
