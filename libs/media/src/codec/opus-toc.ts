/**
 * Samples (at 48 kHz) in one Opus packet, from its TOC byte (RFC 6716 §3.1). The Ogg granule
 * position needs it; RTP timestamps would also do, but they jump across DTX gaps and reorderings.
 */
const SILK_MS = [10, 20, 40, 60];
const HYBRID_MS = [10, 20];
const CELT_MS = [2.5, 5, 10, 20];

export function opusPacketSamples(packet: Uint8Array): number {
  if (packet.length === 0) throw new TypeError('opus: empty packet');
  const toc = packet[0] as number;
  const config = toc >> 3;
  const ms = config < 12 ? (SILK_MS[config % 4] as number) : config < 16 ? (HYBRID_MS[config % 2] as number) : (CELT_MS[config % 4] as number);
  const code = toc & 0x03;
  let frames: number;
  if (code === 0) frames = 1;
  else if (code === 1 || code === 2) frames = 2;
  else {
    if (packet.length < 2) throw new TypeError('opus: code 3 packet without a frame count byte');
    frames = (packet[1] as number) & 0x3f;
  }
  const samples = (ms * 48 * frames) | 0;
  if (samples > 5760) throw new TypeError(`opus: packet of ${samples} samples exceeds 120 ms`);
  return samples;
}
