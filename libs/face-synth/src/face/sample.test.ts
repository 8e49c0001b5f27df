import { EDITABLE_ATTRIBUTES, IDENTITY_TRAITS, levelOf } from '@lfe/edit-language';
import { describe, expect, it } from 'vitest';
import { sample } from './sample';

const N = 4000;
const faces = Array.from({ length: N }, (_, i) => sample(i));

describe('sample', () => {
  it('is a pure function of the seed', () => {
    expect(sample(1234)).toEqual(sample(1234));
    expect(sample(1234)).not.toEqual(sample(1235));
  });

  it('gives every level of every attribute at least 3 % of faces', () => {
    for (const spec of EDITABLE_ATTRIBUTES) {
      const counts = new Array<number>(spec.levels.length).fill(0);
      for (const f of faces) counts[levelOf(spec.name, f.attributes[spec.name])]! += 1;
      for (const [level, c] of counts.entries()) {
        expect(c / N, `${spec.name}=${spec.levels[level]}`).toBeGreaterThanOrEqual(0.03);
      }
    }
  });

  it('gives every categorical identity level at least 3 % and spreads continuous traits over [0, 1]', () => {
    for (const spec of IDENTITY_TRAITS) {
      const values = faces.map((f) => f.identity[spec.name]);
      if (spec.kind === 'categorical') {
        for (let level = 0; level < spec.levels.length; level++) {
          expect(values.filter((v) => v === level).length / N, `${spec.name}=${level}`).toBeGreaterThanOrEqual(0.03);
        }
      } else {
        expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
        expect(Math.max(...values)).toBeLessThanOrEqual(1);
        // Each third of the range is used.
        for (let k = 0; k < 3; k++) {
          expect(values.filter((v) => v >= k / 3 && v < (k + 1) / 3).length / N, `${spec.name} third ${k}`).toBeGreaterThan(0.1);
        }
      }
    }
  });

  it('keeps ordinal values in the middle of their level (never ambiguous to a judge)', () => {
    for (const spec of EDITABLE_ATTRIBUTES.filter((s) => s.kind === 'ordinal')) {
      for (const f of faces) {
        const v = f.attributes[spec.name] * spec.levels.length;
        const within = v - Math.floor(v);
        expect(within).toBeGreaterThanOrEqual(0.25 - 1e-9);
        expect(within).toBeLessThanOrEqual(0.75 + 1e-9);
      }
    }
  });

  it('holds realistic correlations: beards mostly on men, lipstick mostly on women', () => {
    const men = faces.filter((f) => f.identity.gender === 1);
    const women = faces.filter((f) => f.identity.gender === 0);
    const rate = (fs: typeof faces, k: 'beard' | 'lipstick'): number => fs.filter((f) => f.attributes[k] === 1).length / fs.length;
    expect(rate(men, 'beard')).toBeGreaterThan(5 * rate(women, 'beard'));
    expect(rate(women, 'lipstick')).toBeGreaterThan(5 * rate(men, 'lipstick'));
  });

  it('keeps background hues away from skin hues', () => {
    for (const f of faces) expect(f.identity.background).toBeGreaterThanOrEqual(0.13);
  });
});
