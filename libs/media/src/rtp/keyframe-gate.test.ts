import { describe, expect, it } from 'vitest';
import { KeyframeGate } from './keyframe-gate';

/** Feeds one frame of `packets` packets starting at `seq`; returns the decision for it. */
function feed(g: KeyframeGate, seq: number, packets: number, key: boolean, t: number): ReturnType<KeyframeGate['frame']> {
  for (let i = 0; i < packets; i++) g.packet((seq + i) & 0xffff, t);
  return g.frame(key, t);
}

describe('KeyframeGate', () => {
  it('drops inter frames until the first keyframe, asking for one', () => {
    const g = new KeyframeGate({ retryMs: 300 });
    expect(feed(g, 0, 2, false, 0)).toEqual({ forward: false, requestKeyframe: true });
    expect(feed(g, 2, 2, false, 33)).toEqual({ forward: false, requestKeyframe: false });
    expect(feed(g, 4, 5, true, 66)).toEqual({ forward: true, requestKeyframe: false });
    expect(feed(g, 9, 2, false, 100)).toEqual({ forward: true, requestKeyframe: false });
  });

  it('after a gap: asks at once, drops every frame until a keyframe, re-asks every retryMs', () => {
    const g = new KeyframeGate({ retryMs: 300 });
    feed(g, 100, 3, true, 0);
    feed(g, 103, 3, false, 33);
    g.packet(107, 66); // 106 lost
    expect(g.waitingForKeyframe).toBe(true);
    expect(g.pollRequest(66)).toBe(true);
    expect(g.pollRequest(70)).toBe(false);
    expect(g.frame(false, 66).forward).toBe(false);
    expect(feed(g, 108, 2, false, 100)).toEqual({ forward: false, requestKeyframe: false });
    expect(feed(g, 110, 2, false, 370)).toEqual({ forward: false, requestKeyframe: true });
    expect(feed(g, 112, 4, true, 400).forward).toBe(true);
    expect(g.waitingForKeyframe).toBe(false);
    const s = g.toJSON();
    expect(s).toMatchObject({ lostPackets: 1, gaps: 1, keyframeRequests: 2, lastRecoveryMs: 334 });
  });

  it('ignores late and duplicate packets, and handles sequence wrap-around', () => {
    const g = new KeyframeGate();
    feed(g, 0xfffe, 2, true, 0);
    feed(g, 0, 2, false, 33); // 0xfffe, 0xffff, 0, 1: no gap across the wrap
    g.packet(0, 40); // duplicate
    g.packet(0xfff0, 41); // late
    expect(g.waitingForKeyframe).toBe(false);
    expect(g.toJSON().lostPackets).toBe(0);
    g.packet(5, 50); // 2, 3, 4 lost
    expect(g.toJSON()).toMatchObject({ lostPackets: 3, gaps: 1, waitingForKeyframe: true });
  });

  it('a fresh loss asks at once even right after an earlier request', () => {
    const g = new KeyframeGate({ retryMs: 300 });
    feed(g, 0, 1, false, 0); // start: asks
    feed(g, 1, 1, true, 10);
    g.packet(3, 20);
    expect(g.pollRequest(20)).toBe(true);
  });

  it('rejects a negative retry interval', () => {
    expect(() => new KeyframeGate({ retryMs: -1 })).toThrow(TypeError);
  });
});

describe('KeyframeGate PictureID continuity', () => {
  it('a skipped PictureID without a missing packet breaks the chain (a frame the depacketizer dropped)', () => {
    const g = new KeyframeGate({ retryMs: 300 });
    const pid = (id: number): { id: number; bits: 15 } => ({ id, bits: 15 });
    expect(g.frame(true, 0, pid(0x7ffe)).forward).toBe(true);
    expect(g.frame(false, 33, pid(0x7fff)).forward).toBe(true);
    expect(g.frame(false, 66, pid(0)).forward).toBe(true); // wraps
    expect(g.frame(false, 100, pid(2))).toEqual({ forward: false, requestKeyframe: true }); // 1 vanished
    expect(g.frame(false, 133, pid(3)).forward).toBe(false);
    expect(g.frame(true, 166, pid(4)).forward).toBe(true);
    expect(g.toJSON()).toMatchObject({ missingFrames: 1, lostPackets: 0, lastRecoveryMs: 66 });
  });

  it('7-bit PictureIDs wrap at 128', () => {
    const g = new KeyframeGate();
    g.frame(true, 0, { id: 127, bits: 7 });
    expect(g.frame(false, 33, { id: 0, bits: 7 }).forward).toBe(true);
  });
});
