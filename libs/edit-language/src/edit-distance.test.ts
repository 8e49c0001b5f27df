import { describe, expect, it } from 'vitest';
import { closestWords, editDistance } from './edit-distance';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions (by code point)', () => {
    expect(editDistance('glasses', 'glasses')).toBe(0);
    expect(editDistance('glases', 'glasses')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('眼境', '眼镜')).toBe(1);
  });

  it('is symmetric and gives up past max', () => {
    expect(editDistance('beard', 'bread')).toBe(editDistance('bread', 'beard'));
    expect(editDistance('a', 'abcdefgh', 2)).toBe(3);
    expect(editDistance('abcdefgh', 'hgfedcba', 2)).toBe(3);
  });
});

describe('closestWords', () => {
  it('suggests each word once even when the candidate lists overlap', () => {
    expect(closestWords('glases', ['glasses', 'close', 'glasses', 'close'])).toEqual(['glasses', 'close']);
  });

  it('orders by distance then alphabetically, within a length-dependent radius', () => {
    expect(closestWords('hiar', ['hair', 'hat', 'her', 'eyes'])).toEqual(['hat', 'her', 'hair'].sort((a, b) => editDistance('hiar', a) - editDistance('hiar', b) || a.localeCompare(b)));
    expect(closestWords('zzzzzz', ['hair', 'eyes'])).toEqual([]);
    expect(closestWords('bear', ['beard', 'bead', 'bear', 'x'], 2)).toEqual(['bear', 'bead']);
  });
});
