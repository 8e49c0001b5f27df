import { RtpHeader, RtpPacket } from 'werift';
import { DepacketizeCallback } from 'werift/nonstandard';
import { describe, expect, it } from 'vitest';
import { Vp8Packetizer, isVp8Keyframe } from './vp8-packetizer';

function frameOf(size: number, key: boolean, seed: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed) & 0xff;
  b[0] = key ? 0x10 : 0x11; // frame tag: bit 0 = inter-frame
  return b;
}

describe('Vp8Packetizer', () => {
  it('splits a frame into payloads no larger than maxPayload, marker on the last', () => {
    const p = new Vp8Packetizer(100);
    const packets = p.packetize(frameOf(1000, true, 1));
    expect(packets.length).toBe(Math.ceil(1000 / 96));
    for (const [i, pkt] of packets.entries()) {
      expect(pkt.payload.length).toBeLessThanOrEqual(100);
      expect(pkt.marker).toBe(i === packets.length - 1);
      expect((pkt.payload[0] as number) & 0x10).toBe(i === 0 ? 0x10 : 0);
    }
  });

  it('round-trips through werift\'s VP8 depacketizer (frames, keyframe flags, order)', () => {
    const p = new Vp8Packetizer(300);
    const frames = [frameOf(1500, true, 1), frameOf(200, false, 2), frameOf(301, false, 3), frameOf(4, false, 4)];
    const out: Array<{ data: Buffer; isKeyframe: boolean }> = [];
    const dep = new DepacketizeCallback('vp8', { isFinalPacketInSequence: (h) => h.marker, waitForKeyframe: true });
    dep.pipe((o) => {
      if (o.frame) out.push({ data: o.frame.data, isKeyframe: o.frame.isKeyframe });
    });
    let seq = 65530; // crosses the 16-bit wrap
    for (const [i, f] of frames.entries()) {
      for (const pkt of p.packetize(f)) {
        const header = new RtpHeader({ sequenceNumber: seq, timestamp: i * 3000, marker: pkt.marker, payloadType: 96, ssrc: 1 });
        seq = (seq + 1) & 0xffff;
        dep.input({ rtp: new RtpPacket(header, pkt.payload) });
      }
    }
    expect(out.map((o) => o.data)).toEqual(frames);
    expect(out.map((o) => o.isKeyframe)).toEqual([true, false, false, false]);
  });

  it('wraps the 15-bit PictureID and continues it from a given start', () => {
    const p = new Vp8Packetizer(1200, 0x7fff);
    const a = p.packetize(frameOf(10, true, 0))[0];
    const b = p.packetize(frameOf(10, false, 0))[0];
    expect(a && (((a.payload[2] as number) & 0x7f) << 8) | (a.payload[3] as number)).toBe(0x7fff);
    expect(b && (((b.payload[2] as number) & 0x7f) << 8) | (b.payload[3] as number)).toBe(0);
  });

  it('rejects nonsense sizes and gives nothing for an empty frame', () => {
    expect(() => new Vp8Packetizer(4)).toThrow(TypeError);
    expect(new Vp8Packetizer().packetize(Buffer.alloc(0))).toEqual([]);
    expect(isVp8Keyframe(frameOf(3, true, 0))).toBe(true);
    expect(isVp8Keyframe(frameOf(3, false, 0))).toBe(false);
  });
});
