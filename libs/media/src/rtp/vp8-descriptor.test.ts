import { describe, expect, it } from 'vitest';
import { Vp8Packetizer } from './vp8-packetizer';
import { parseVp8Descriptor } from './vp8-descriptor';

describe('parseVp8Descriptor', () => {
  it('reads what our packetizer writes (15-bit PictureID, S on the first packet only)', () => {
    const p = new Vp8Packetizer(100, 0x7ffe);
    const frame = Buffer.alloc(250, 7);
    const a = p.packetize(frame).map((x) => parseVp8Descriptor(x.payload));
    expect(a.map((d) => d?.frameStart)).toEqual([true, false, false]);
    expect(a.every((d) => d?.pictureId?.id === 0x7ffe && d.pictureId.bits === 15 && d.length === 4)).toBe(true);
    expect(parseVp8Descriptor(p.packetize(frame)[0]?.payload ?? Buffer.alloc(0))?.pictureId?.id).toBe(0x7fff);
    expect(parseVp8Descriptor(p.packetize(frame)[0]?.payload ?? Buffer.alloc(0))?.pictureId?.id).toBe(0);
  });

  it('handles 7-bit PictureIDs, TL0PICIDX and TID/KEYIDX bytes, and no extension at all', () => {
    // X=1 S=1; I L T; 7-bit PictureID 5; TL0PICIDX; TID byte
    expect(parseVp8Descriptor(Buffer.from([0x90, 0xe0, 0x05, 0x11, 0x40, 0x9d]))).toEqual({ frameStart: true, pictureId: { id: 5, bits: 7 }, length: 5 });
    // X=1; T only (no L): one TID byte, which werift's parser skips wrongly
    expect(parseVp8Descriptor(Buffer.from([0x80, 0x20, 0x40, 0x9d]))).toEqual({ frameStart: false, pictureId: undefined, length: 3 });
    expect(parseVp8Descriptor(Buffer.from([0x10, 0x9d]))).toEqual({ frameStart: true, pictureId: undefined, length: 1 });
    // S=1 but partition 1: not a frame start
    expect(parseVp8Descriptor(Buffer.from([0x11, 0x9d]))?.frameStart).toBe(false);
  });

  it('returns undefined for empty or truncated descriptors', () => {
    expect(parseVp8Descriptor(Buffer.alloc(0))).toBeUndefined();
    expect(parseVp8Descriptor(Buffer.from([0x90]))).toBeUndefined();
    expect(parseVp8Descriptor(Buffer.from([0x90, 0x80, 0x81]))).toBeUndefined();
    expect(parseVp8Descriptor(Buffer.from([0x90, 0x60]))).toBeUndefined();
  });
});
