import { type ReceiverEstimatedMaxBitrate, RtcpPacketConverter, RtcpPayloadSpecificFeedback } from 'werift';
import { describe, expect, it } from 'vitest';
import { withBitrateHints } from './codecs';
import { rembPacket } from './publisher-peer';

describe('send-rate hints for the publisher', () => {
  it('adds Chrome x-google bitrate hints to the VP8 fmtp, replacing any there', () => {
    const hints = { startKbps: 1000, minKbps: 300, maxKbps: 1500 };
    expect(withBitrateHints(undefined, hints)).toBe('x-google-start-bitrate=1000;x-google-min-bitrate=300;x-google-max-bitrate=1500');
    expect(withBitrateHints('max-fs=12288; x-google-min-bitrate=50', hints)).toBe('max-fs=12288;x-google-start-bitrate=1000;x-google-min-bitrate=300;x-google-max-bitrate=1500');
  });

  it('REMB round-trips through werift’s RTCP parser (mantissa/exponent encoding)', () => {
    for (const bps of [1_500_000, 262_143, 262_144, 30_000_000]) {
      const bytes = rembPacket(111, 222, bps).serialize();
      const [parsed] = RtcpPacketConverter.deSerialize(bytes);
      expect(parsed).toBeInstanceOf(RtcpPayloadSpecificFeedback);
      const remb = (parsed as RtcpPayloadSpecificFeedback).feedback as ReceiverEstimatedMaxBitrate;
      expect(remb.ssrcFeedbacks).toEqual([222]);
      expect(remb.senderSsrc).toBe(111);
      // Only the low bits below 18 significant bits may be lost.
      expect(Number(remb.bitrate)).toBeLessThanOrEqual(bps);
      expect(Number(remb.bitrate)).toBeGreaterThan(bps * (1 - 2 ** -17));
    }
  });
});
