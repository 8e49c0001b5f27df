import { describe, expect, it } from 'vitest';
import { PpmReader } from './ppm-reader';

function ppm(w: number, h: number, fill: number, header = `P6\n${w} ${h}\n255\n`): Buffer {
  return Buffer.concat([Buffer.from(header, 'ascii'), Buffer.alloc(w * h * 3, fill)]);
}

describe('PpmReader', () => {
  it('reads back-to-back images split at any byte', () => {
    const stream = Buffer.concat([ppm(4, 3, 1), ppm(2, 2, 2, 'P6 2\n# c\n 2 255 '), ppm(4, 3, 3)]);
    for (const step of [1, 5, stream.length]) {
      const r = new PpmReader();
      const frames = [];
      for (let i = 0; i < stream.length; i += step) frames.push(...r.push(stream.subarray(i, i + step)));
      expect(frames.map((f) => [f.width, f.height, f.data.length, f.data[0]])).toEqual([
        [4, 3, 36, 1],
        [2, 2, 12, 2],
        [4, 3, 36, 3],
      ]);
    }
  });

  it('rejects non-P6 data and unsupported maxval', () => {
    expect(() => new PpmReader().push(Buffer.from('P5\n1 1\n255\n\0\0\0\0\0\0\0\0\0'))).toThrow(TypeError);
    expect(() => new PpmReader().push(ppm(1, 1, 0, 'P6\n1 1\n65535\n'))).toThrow(/maxval/);
    expect(() => new PpmReader(10).push(ppm(4, 4, 0))).toThrow(/too large/);
  });
});
