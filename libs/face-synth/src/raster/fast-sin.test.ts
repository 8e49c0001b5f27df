import { describe, expect, it } from 'vitest';
import { fastSin } from './fast-sin';

describe('fastSin', () => {
  it('matches Math.sin within 2e-3 over many periods', () => {
    for (let x = -200; x <= 200; x += 0.0137) expect(Math.abs(fastSin(x) - Math.sin(x))).toBeLessThan(2e-3);
  });
});
