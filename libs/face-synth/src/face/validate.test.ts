import { describe, expect, it } from 'vitest';
import { sample } from './sample';
import { checkDescription } from './validate';

describe('checkDescription', () => {
  it('returns a clamped copy with only schema fields, leaving the input alone', () => {
    const d = sample(9);
    const input = { attributes: { ...d.attributes, eyeSize: 1.4, extra: 3 }, identity: { ...d.identity, background: 1.25 } };
    const out = checkDescription(input);
    expect(out.attributes.eyeSize).toBe(1);
    expect(out.identity.background).toBeCloseTo(0.25);
    expect('extra' in out.attributes).toBe(false);
    expect(input.attributes.eyeSize).toBe(1.4);
    expect(out.attributes.eyewear).toBe(d.attributes.eyewear);
  });

  it('throws a TypeError naming the missing or bad field', () => {
    const d = sample(9);
    expect(() => checkDescription(null)).toThrow(TypeError);
    expect(() => checkDescription({ attributes: d.attributes })).toThrow(/identity must be an object/);
    const { hat: _hat, ...noHat } = d.attributes;
    expect(() => checkDescription({ attributes: noHat, identity: d.identity })).toThrow(/attributes\.hat/);
    expect(() => checkDescription({ attributes: d.attributes, identity: { ...d.identity, skinTone: '0.5' } })).toThrow(/identity\.skinTone/);
  });
});
