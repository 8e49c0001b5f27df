import { describe, expect, it } from 'vitest';
import { CommandError } from '@lfe/edit-language';
import { TEMPLATE } from '../align/align';
import { applyRegionMask, editedAttributes, regionMask } from './regions';

const at = (m: Float32Array, size: number, u: number, v: number): number => m[Math.floor(v * size) * size + Math.floor(u * size)]!;

describe('regionMask', () => {
  const S = 64;
  const eyes = TEMPLATE.eyeMid;
  const mouth = { x: eyes.x, y: eyes.y + TEMPLATE.mouthDistance };

  it('covers the eyes for glasses, the mouth for a smile, and not each other', () => {
    const g = regionMask(['eyewear'], S);
    expect(at(g, S, eyes.x - TEMPLATE.eyeDistance / 2, eyes.y)).toBe(1);
    expect(at(g, S, eyes.x + TEMPLATE.eyeDistance / 2, eyes.y)).toBe(1);
    expect(at(g, S, mouth.x, mouth.y)).toBe(0);
    expect(at(g, S, 0.02, 0.02)).toBe(0);
    const s = regionMask(['expression'], S);
    expect(at(s, S, mouth.x, mouth.y)).toBe(1);
    expect(at(s, S, eyes.x, eyes.y)).toBe(0);
  });

  it('hair attributes cover everything but the inner face; age and no attribute cover all; unions add regions', () => {
    const h = regionMask(['hairLength'], S);
    expect(at(h, S, 0.05, 0.5)).toBe(1);
    expect(at(h, S, 0.5, 0.05)).toBe(1);
    expect(at(h, S, eyes.x, (eyes.y + mouth.y) / 2)).toBe(0);
    expect(regionMask(['age'], S).every((v) => v === 1)).toBe(true);
    expect(regionMask([], S).every((v) => v === 1)).toBe(true);
    const both = regionMask(['eyewear', 'expression'], S);
    expect(at(both, S, eyes.x, eyes.y)).toBe(1);
    expect(at(both, S, mouth.x, mouth.y)).toBe(1);
  });

  it('is soft: values in [0, 1] with a feathered edge', () => {
    const g = regionMask(['eyewear'], S);
    expect(g.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(g.some((v) => v > 0.05 && v < 0.95)).toBe(true);
  });

  it('editedAttributes reads them from a command (English or Chinese); bad text throws', () => {
    expect(editedAttributes('add glasses and a smile').sort()).toEqual(['expression', 'eyewear']);
    expect(editedAttributes('大眼睛长头发').sort()).toEqual(['eyeSize', 'hairLength']);
    expect(editedAttributes('undo')).toEqual([]);
    expect(() => editedAttributes('add glasess')).toThrow(CommandError);
  });

  it('applyRegionMask scales each pixel’s three channels and checks sizes', () => {
    const m = Float32Array.from([1, 0.5, 0, 0.25]);
    const c = applyRegionMask(Float32Array.from([2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]), m);
    expect(Array.from(c)).toEqual([2, 2, 2, 1, 1, 1, 0, 0, 0, 0.5, 0.5, 0.5]);
    expect(() => applyRegionMask(new Float32Array(5), m)).toThrow(/size/);
  });
});
