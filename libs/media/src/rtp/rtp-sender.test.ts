import { RtpPacket } from 'werift';
import { describe, expect, it } from 'vitest';
import { Vp8RtpSender } from './rtp-sender';
import { parseVp8Descriptor } from './vp8-descriptor';

function collect(sender: Vp8RtpSender): RtpPacket[] {
  const got: RtpPacket[] = [];
  sender.addSink((b) => got.push(RtpPacket.deSerialize(b)));
  return got;
}

const silent = { warn: (): void => undefined, error: (): void => undefined };

describe('Vp8RtpSender', () => {
  it('packetizes a frame: payload type 96, consecutive sequence numbers across the 16-bit wrap, marker on the last', () => {
    const s = new Vp8RtpSender({ log: silent, maxPayload: 100, initialSequence: 0xfffe, initialPictureId: 7, timestampBase: 1000 });
    const got = collect(s);
    const ts = s.send(Buffer.alloc(250, 1), 10);
    expect(ts).toBe(1000 + 900);
    expect(got.map((p) => p.header.sequenceNumber)).toEqual([0xfffe, 0xffff, 0]);
    expect(got.map((p) => p.header.marker)).toEqual([false, false, true]);
    expect(got.every((p) => p.header.payloadType === 96 && p.header.timestamp === ts && p.header.ssrc === 0)).toBe(true);
    expect(got.map((p) => parseVp8Descriptor(p.payload)?.pictureId?.id)).toEqual([7, 7, 7]);
    expect(Buffer.concat(got.map((p) => p.payload.subarray(4)))).toEqual(Buffer.alloc(250, 1));
    s.send(Buffer.alloc(0), 20); // an empty frame sends nothing
    expect(got.length).toBe(3);
  });

  it('keeps timestamps strictly increasing when frames share or go back in capture time', () => {
    const s = new Vp8RtpSender({ log: silent, timestampBase: 0xffffff00 });
    const ts = [s.send(Buffer.alloc(10), 0), s.send(Buffer.alloc(10), 0), s.send(Buffer.alloc(10), 5), s.send(Buffer.alloc(10), 4)];
    expect(ts).toEqual([0xffffff00, 0xffffff01, (0xffffff00 + 450) >>> 0, (0xffffff00 + 451) >>> 0]);
  });

  it('a sink that throws is logged and does not stop the others; removed sinks get nothing', () => {
    const warnings: string[] = [];
    const s = new Vp8RtpSender({ log: { warn: (m) => warnings.push(m), error: () => undefined } });
    s.addSink(() => {
      throw new Error('boom');
    });
    const got = collect(s);
    const gone = (): void => {
      throw new Error('removed sink called');
    };
    s.addSink(gone);
    s.removeSink(gone);
    expect(s.sinkCount).toBe(2);
    s.send(Buffer.alloc(10), 0);
    expect(got.length).toBe(1);
    expect(warnings).toEqual(['rtp sink threw']);
    s.clear();
    s.send(Buffer.alloc(10), 33);
    expect(got.length).toBe(1);
  });
});
