import { type RTCPeerConnection, type RTCRtpTransceiver, useH264, useOPUS, useTransportWideCC, useVP8 } from 'werift';
import type { InputVideoCodec } from '../media/video-decoder';

/** Codecs the server accepts: VP8 (preferred, also what it sends) or H.264 (OBS), and Opus. */
export function peerConfig(): ConstructorParameters<typeof RTCPeerConnection>[0] {
  return {
    codecs: { video: [useVP8(), useH264()], audio: [useOPUS()] },
    headerExtensions: { video: [useTransportWideCC()], audio: [] },
  };
}

/**
 * After setRemoteDescription: keep only one video codec on the transceiver, VP8 when the offer has
 * it (we can send it back), else H.264 (receive only). Returns the codec, or undefined if neither.
 */
export function chooseVideoCodec(t: RTCRtpTransceiver): InputVideoCodec | undefined {
  const vp8 = t.codecs.filter((c) => c.mimeType.toLowerCase() === 'video/vp8');
  if (vp8.length > 0) {
    t.codecs = vp8.slice(0, 1);
    return 'vp8';
  }
  const h264 = t.codecs.filter((c) => c.mimeType.toLowerCase() === 'video/h264');
  // Prefer packetization-mode=1 (FU-A), what the depacketizer and every browser speak.
  const mode1 = h264.filter((c) => /packetization-mode=1/.test(c.parameters ?? ''));
  const pick = mode1[0] ?? h264[0];
  if (pick === undefined) return undefined;
  t.codecs = [pick];
  return 'h264';
}
