import { describe, expect, it } from 'vitest';
import { IvfReader, ivfFileHeader, ivfFrameHeader } from './ivf';

describe('IVF', () => {
  const header = { fourcc: 'VP80', width: 640, height: 480, timebaseDen: 30, timebaseNum: 1 };

  it('round-trips header and frames however the bytes are chunked', () => {
    const frames = [Buffer.from([1, 2, 3]), Buffer.alloc(0), Buffer.alloc(5000, 7)];
    const stream = Buffer.concat([
      ivfFileHeader(header),
      ...frames.flatMap((f, i) => [ivfFrameHeader(f.length, BigInt(i)), f]),
    ]);
    for (const step of [1, 7, 13, stream.length]) {
      const r = new IvfReader();
      const got: Buffer[] = [];
      for (let i = 0; i < stream.length; i += step) got.push(...r.push(stream.subarray(i, i + step)).map((f) => f.data));
      expect(r.header).toEqual(header);
      expect(got).toEqual(frames);
    }
  });

  it('rejects a stream that is not IVF and absurd frame sizes', () => {
    expect(() => new IvfReader().push(Buffer.alloc(32, 0x41))).toThrow(TypeError);
    const r = new IvfReader(100);
    expect(() => r.push(Buffer.concat([ivfFileHeader(header), ivfFrameHeader(101, 0n)]))).toThrow(/exceeds/);
    expect(() => ivfFileHeader({ ...header, fourcc: 'VP8' })).toThrow(TypeError);
  });
});
