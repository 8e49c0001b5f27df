import { type RTCPeerConnection, type RTCRtpTransceiver, useH264, useOPUS, useTransportWideCC, useVP8 } from 'werift';
import type { InputVideoCodec } from '@lfe/media';
import type { AddressClass } from './sdp-check';

/** ICE settings of the server's peers. */
export interface IceOptions {
  /** STUN/TURN servers (`--ice-server`, LFE_ICE_SERVERS). Default none: no traffic to anyone but the client. */
  iceServers?: ReadonlyArray<{ urls: string; username?: string; credential?: string }>;
  /** Remote candidate address classes the server sends checks to (sdp-check `candidatePolicy`); default all. */
  candidates?: ReadonlySet<AddressClass>;
}

/**
 * Codecs the server accepts: VP8 (preferred, also what it sends) or H.264 (OBS), and Opus.
 *
 * `transportCc: false` for peers that send us media: werift's transport-wide-cc feedback reports
 * arrival times off by up to a 64 ms reference-time step and skips lost packets, so Chrome's
 * delay-based estimator saw congestion on loopback and cut its send rate to 40–300 kbit/s and
 * 3–15 fps (measured with getStats). Without it Chrome goes by our REMB (see publisher-peer.ts)
 * and its own loss-based control.
 */
export function peerConfig(options: { transportCc?: boolean; ice?: IceOptions } = {}): ConstructorParameters<typeof RTCPeerConnection>[0] {
  return {
    codecs: { video: [useVP8(), useH264()], audio: [useOPUS()] },
    headerExtensions: { video: options.transportCc === false ? [] : [useTransportWideCC()], audio: [] },
    // Explicit: werift's default is a public STUN server, which every peer would contact.
    iceServers: (options.ice?.iceServers ?? []).map((s) => ({ ...s })),
  };
}

/**
 * After setRemoteDescription: keep only one video codec on the transceiver, VP8 when the offer has
 * it (we can send it back), else H.264 (receive only). Returns the codec, or undefined if neither.
 * With `bitrate`, the answer's VP8 fmtp carries Chrome's x-google-{start,min,max}-bitrate hints.
 */
export function chooseVideoCodec(t: RTCRtpTransceiver, bitrate?: BitrateHints): InputVideoCodec | undefined {
  const vp8 = t.codecs.filter((c) => c.mimeType.toLowerCase() === 'video/vp8');
  if (vp8.length > 0) {
    t.codecs = vp8.slice(0, 1);
    if (bitrate !== undefined) for (const c of t.codecs) c.parameters = withBitrateHints(c.parameters, bitrate);
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

/** Send-rate hints for Chrome, in kbit/s (libwebrtc reads them from the remote description's fmtp). */
export interface BitrateHints {
  startKbps: number;
  minKbps: number;
  maxKbps: number;
}

/**
 * Chrome starts sending at 300 kbit/s and, with no delay-based estimate from us (werift's
 * transport-cc feedback misleads it, see `peerConfig`), its loss-based control barely climbs:
 * 120–300 kbit/s at 640×480 measured. The hints give it a sane start and floor on a LAN/loopback.
 */
export function withBitrateHints(fmtp: string | undefined, hints: BitrateHints): string {
  const kept = (fmtp ?? '')
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p !== '' && !/^x-google-(start|min|max)-bitrate=/.test(p));
  return [...kept, `x-google-start-bitrate=${hints.startKbps}`, `x-google-min-bitrate=${hints.minKbps}`, `x-google-max-bitrate=${hints.maxKbps}`].join(';');
}
