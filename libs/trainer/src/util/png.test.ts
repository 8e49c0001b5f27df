import { decodeImage } from '@lfe/face-pipeline';
import { describe, expect, it } from 'vitest';
import { encodePng, imageGrid } from './png';

describe('encodePng (the canvas codec)', () => {
  it('writes a PNG that reads back as the same pixels', async () => {
    const w = 37;
    const h = 19;
    const rgb = new Uint8Array(w * h * 3);
    for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 97 + (i >> 5)) & 0xff;
    const png = encodePng(rgb, w, h);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const back = await decodeImage(png, 'round-trip.png');
    expect([back.width, back.height]).toEqual([w, h]);
    expect(Buffer.from(back.data).equals(Buffer.from(rgb))).toBe(true);
  });

  it('refuses a buffer of the wrong size', () => {
    expect(() => encodePng(new Uint8Array(10), 2, 2)).toThrow(TypeError);
  });

  it('round-trips an image grid', async () => {
    const size = 4;
    const images = new Uint8Array(3 * size * size * 3).map((_, i) => (i * 13) & 0xff);
    const g = imageGrid(images, 3, size, 2);
    const back = await decodeImage(encodePng(g.rgb, g.width, g.height), 'grid.png');
    expect(Buffer.from(back.data).equals(Buffer.from(g.rgb))).toBe(true);
  });
});
