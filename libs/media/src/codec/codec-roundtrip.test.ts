import { describe, expect, it } from 'vitest';
import { readFrameNumber } from '@lfe/protocol';
import { meanAbsDiff, testPattern } from '../testing/test-pattern';
import type { RgbFrame } from '../frame';
import { VideoDecoder } from './video-decoder';
import { type EncodedFrame, VideoEncoder } from './video-encoder';

const W = 320;
const H = 240;

describe('VideoEncoder → VideoDecoder (real ffmpeg)', () => {
  it('encodes frames one in, one out, starting with a keyframe, and decodes them within codec error', async () => {
    const enc = new VideoEncoder({ width: W, height: H, fps: 30 });
    const dec = new VideoDecoder({ codec: 'vp8', width: W, height: H });
    await Promise.all([enc.ready, dec.ready]);
    const encoded: EncodedFrame[] = [];
    const decoded: Array<{ frame: RgbFrame; timestampMs: number }> = [];
    enc.on('frame', (f) => {
      encoded.push(f);
      dec.decode(f.data, f.keyframe, f.timestampMs);
    });
    dec.on('frame', (frame, timestampMs) => decoded.push({ frame, timestampMs }));
    const sent = Array.from({ length: 20 }, (_, n) => testPattern(W, H, n));
    for (const [n, f] of sent.entries()) {
      enc.encode(f, n);
      await new Promise((r) => setTimeout(r, 33));
    }
    const deadline = Date.now() + 5000;
    while (decoded.length < sent.length - enc.dropped && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await Promise.all([enc.close(), dec.close()]);

    expect(encoded[0]?.keyframe).toBe(true);
    // Frames refused while ffmpeg starts are counted, never queued; the rest come out in order.
    expect(encoded.length + enc.dropped).toBe(sent.length);
    expect(encoded.length).toBeGreaterThan(sent.length / 2);
    // Timestamps follow their frames through both processes: the stamp in the pixels agrees.
    expect(decoded.map((d) => readFrameNumber(d.frame))).toEqual(encoded.map((e) => e.timestampMs));
    expect(decoded.map((d) => d.timestampMs)).toEqual(encoded.map((e) => e.timestampMs));
    for (const d of decoded) expect(meanAbsDiff(d.frame, sent[d.timestampMs] as RgbFrame)).toBeLessThan(6);
  });

  it('drops inter frames until the first keyframe and rejects wrong frame sizes', async () => {
    const dec = new VideoDecoder({ codec: 'vp8', width: W, height: H });
    expect(dec.decode(Buffer.from([1, 2, 3]), false, 0)).toBe(false);
    expect(dec.needsKeyframe).toBe(true);
    await dec.close();
    const enc = new VideoEncoder({ width: W, height: H, fps: 30 });
    expect(() => enc.encode({ width: 2, height: 2, data: Buffer.alloc(12) }, 0)).toThrow(TypeError);
    await enc.close();
  });
});
