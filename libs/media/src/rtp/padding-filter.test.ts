import { describe, expect, it } from 'vitest';
import { PaddingFilter } from './padding-filter';

describe('PaddingFilter', () => {
  it('drops empty packets and renumbers the rest into a contiguous sequence', () => {
    const f = new PaddingFilter();
    const out = [
      [10, 900],
      [11, 900],
      [12, 0],
      [13, 0],
      [14, 800],
      [15, 0],
      [16, 700],
    ].map(([s, n]) => f.process(s as number, n as number));
    expect(out).toEqual([10, 11, undefined, undefined, 12, undefined, 13]);
    expect(f.toJSON()).toEqual({ paddingRemoved: 3, lateDropped: 0 });
  });

  it('keeps a real gap a gap, and wraps around 65535', () => {
    const f = new PaddingFilter();
    expect(f.process(0xfffe, 500)).toBe(0xfffe);
    expect(f.process(0xffff, 0)).toBeUndefined();
    expect(f.process(0, 500)).toBe(0xffff);
    expect(f.process(3, 500)).toBe(2); // 1 and 2 lost: still a gap of two after renumbering
  });

  it('drops late and duplicate packets', () => {
    const f = new PaddingFilter();
    f.process(100, 500);
    f.process(101, 500);
    expect(f.process(101, 500)).toBeUndefined();
    expect(f.process(99, 500)).toBeUndefined();
    expect(f.toJSON().lateDropped).toBe(2);
    expect(f.process(102, 500)).toBe(102);
  });
});
