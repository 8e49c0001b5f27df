import { MediaStreamTrack, PictureLossIndication, RTCPeerConnection, type RTCDataChannel, RtcpPayloadSpecificFeedback, type RTCRtpTransceiver, ReceiverEstimatedMaxBitrate } from 'werift';
import { type InputVideoCodec, VideoReceiveChain, type VideoReceiveStats } from '@lfe/media';
import { BadInputError } from '../errors';
import type { Logger } from '../util/log';
import { type IceOptions, chooseVideoCodec, peerConfig } from './codecs';
import { checkOffer, filterCandidates } from './sdp-check';

export interface PublisherHandlers {
  /** A whole compressed video frame (after jitter buffer and depacketizer). */
  onVideoFrame(data: Buffer, isKeyframe: boolean, arrivalMs: number): void;
  onAudioPayload(payload: Buffer): void;
  /** The publisher's decoder lost the returned picture (PLI on our sender). */
  onPictureLoss(): void;
  onDataChannel(dc: RTCDataChannel): void;
  /** ICE/DTLS failed, closed, or stayed disconnected: the session should end. */
  onGone(reason: string): void;
}

export interface PublisherPeer {
  readonly pc: RTCPeerConnection;
  readonly answer: string;
  readonly videoCodec: InputVideoCodec;
  /** The processed video back to the publisher; undefined when its offer was sendonly or H.264. */
  readonly returnTrack: MediaStreamTrack | undefined;
  /** Ask the publisher for a keyframe (rate-limited). */
  requestKeyframe(): void;
  /** Loss and keyframe-wait counters of the incoming video, and RTCP feedback on the return video. */
  stats(): PublisherPeerStats;
  close(): Promise<void>;
}

export interface PublisherPeerStats {
  input: VideoReceiveStats;
  /** Feedback from the publisher about the video we send back (undefined without a return track). */
  returnVideo: { nacks: number; nackedPackets: number; pictureLoss: number } | undefined;
}

const PLI_MIN_INTERVAL_MS = 300;
const REMB_INTERVAL_MS = 1000;

/** A REMB packet (draft-alvestrand-rmcat-remb): bitrate as an 18-bit mantissa and a 6-bit exponent. */
export function rembPacket(senderSsrc: number, mediaSsrc: number, bitsPerSecond: number): RtcpPayloadSpecificFeedback {
  let mantissa = Math.max(0, Math.floor(bitsPerSecond));
  let exp = 0;
  while (mantissa >= 1 << 18) {
    mantissa = Math.floor(mantissa / 2);
    exp++;
  }
  return new RtcpPayloadSpecificFeedback({
    feedback: new ReceiverEstimatedMaxBitrate({ senderSsrc, mediaSsrc: 0, ssrcNum: 1, brExp: exp, brMantissa: mantissa, bitrate: BigInt(mantissa) << BigInt(exp), ssrcFeedbacks: [mediaSsrc] }),
  });
}

/**
 * The WHIP peer: answers the offer with every candidate gathered (no trickle), receives video
 * through werift's jitter buffer + depacketizer, Opus payloads as they come, and — when the offer
 * is sendrecv VP8 — sends the processed video back on the same m-line.
 */
export interface PublisherPeerOptions {
  /** No connection within this → gone (default 30 s). */
  connectMs?: number;
  /** Disconnected this long → gone (default 10 s). */
  disconnectedMs?: number;
  /**
   * Once media has flowed, no RTP (video or audio) for this long → gone (default 5 s). A client that
   * vanishes without a DELETE (tab killed, network gone) is noticed here: werift's ICE only reports
   * the loss after ~27 s (measured).
   */
  mediaTimeoutMs?: number;
  /** Video rate we ask the publisher to stay under: REMB + fmtp hints (default 1500 kbit/s, what we send back). */
  maxInputKbps?: number;
  ice?: IceOptions;
}

export async function createPublisherPeer(offer: string, handlers: PublisherHandlers, log: Logger, options: PublisherPeerOptions = {}): Promise<PublisherPeer> {
  const timeouts = { connectMs: options.connectMs ?? 30_000, disconnectedMs: options.disconnectedMs ?? 10_000, mediaTimeoutMs: options.mediaTimeoutMs ?? 5_000 };
  const maxInputKbps = options.maxInputKbps ?? 1500;
  const summary = checkOffer(offer);
  if (summary.video === undefined) throw new BadInputError('sdp: offer has no video m-line');
  if (summary.video.direction !== 'sendonly' && summary.video.direction !== 'sendrecv') throw new BadInputError('sdp: video must be sendonly or sendrecv for WHIP');
  if (!summary.video.codecs.some((c) => c === 'vp8' || c === 'h264')) throw new BadInputError('sdp: video offers neither VP8 nor H.264');

  const filtered = options.ice?.candidates !== undefined ? filterCandidates(offer, options.ice.candidates) : { sdp: offer, dropped: [] };
  if (filtered.dropped.length > 0) log.info('remote candidates dropped', { addresses: filtered.dropped });
  const pc = new RTCPeerConnection(peerConfig({ transportCc: false, ...(options.ice ? { ice: options.ice } : {}) }));
  const cleanups: Array<() => void> = [];
  let closed = false;
  let lastPli = -Infinity;

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const c of cleanups.splice(0)) c();
    await pc.close().catch(() => undefined);
  };

  try {
    await pc.setRemoteDescription({ type: 'offer', sdp: filtered.sdp });
  } catch (err) {
    await close();
    throw new BadInputError(`sdp: offer rejected: ${err instanceof Error ? err.message : String(err)}`);
  }

  const transceivers = pc.getTransceivers();
  const videoTransceiver: RTCRtpTransceiver | undefined = transceivers.find((t) => t.kind === 'video');
  const audioTransceiver = transceivers.find((t) => t.kind === 'audio');
  const videoCodec = videoTransceiver
    ? chooseVideoCodec(videoTransceiver, { startKbps: Math.min(1000, maxInputKbps), minKbps: Math.min(300, maxInputKbps), maxKbps: maxInputKbps })
    : undefined;
  if (videoTransceiver === undefined || videoCodec === undefined) {
    await close();
    throw new BadInputError('sdp: no usable video codec (VP8 or H.264)');
  }
  const vt = videoTransceiver;

  let returnTrack: MediaStreamTrack | undefined;
  let returnPli = 0;
  let returnNacks = 0;
  let returnNacked = 0;
  if (summary.video.direction === 'sendrecv' && videoCodec === 'vp8') {
    returnTrack = new MediaStreamTrack({ kind: 'video' });
    vt.setDirection('sendrecv');
    await vt.sender.replaceTrack(returnTrack);
    // werift's sender answers NACKs itself from its packet history (retransmission on the same SSRC).
    const nackSub = vt.sender.onGenericNack.subscribe((nack) => {
      returnNacks++;
      returnNacked += nack.lost.length;
    });
    const sub = vt.sender.onPictureLossIndication.subscribe(() => {
      returnPli++;
      handlers.onPictureLoss();
    });
    // On a sendrecv m-line werift routes the publisher's PLI by its sender SSRC, which is also the
    // SSRC of the video it sends us, so the PLI lands on our receiver: look for it there too.
    const rtcpSub = vt.receiver.onRtcp.subscribe((packet) => {
      if (
        packet instanceof RtcpPayloadSpecificFeedback &&
        packet.feedback instanceof PictureLossIndication &&
        packet.feedback.mediaSsrc === vt.sender.ssrc
      ) {
        returnPli++;
        handlers.onPictureLoss();
      }
    });
    cleanups.push(() => {
      sub.unSubscribe();
      nackSub.unSubscribe();
      rtcpSub.unSubscribe();
    });
  }
  for (const t of transceivers) if (t !== vt && t !== audioTransceiver) t.setDirection('inactive');

  const requestKeyframe = (): void => {
    const now = performance.now();
    const ssrc = vt.receiver.track.ssrc;
    if (closed || ssrc === undefined || now - lastPli < PLI_MIN_INTERVAL_MS) return;
    lastPli = now;
    vt.receiver.sendRtcpPLI(ssrc).catch(() => undefined);
  };

  // Video: RTP → jitter buffer → padding filter → depacketizer → keyframe gate → decoder.
  const video = new VideoReceiveChain(videoCodec, {
    onFrame: (data, isKeyframe, now) => handlers.onVideoFrame(data, isKeyframe, now),
    onKeyframeNeeded: () => requestKeyframe(),
  }, { keyframeRetryMs: PLI_MIN_INTERVAL_MS });
  // Media watchdog: armed by the first packet, re-armed by every packet (checked twice a second).
  let lastMediaMs = 0;
  const mediaTimer = setInterval(() => {
    if (lastMediaMs > 0 && performance.now() - lastMediaMs > timeouts.mediaTimeoutMs) {
      lastMediaMs = 0;
      handlers.onGone(`no media for ${timeouts.mediaTimeoutMs} ms`);
    }
  }, 500);
  cleanups.push(() => clearInterval(mediaTimer));
  const videoSub = vt.receiver.track.onReceiveRtp.subscribe((rtp) => {
    lastMediaMs = performance.now();
    // Packet intake never throws into werift's socket handler: count and drop instead.
    try {
      video.input(rtp);
    } catch (err) {
      log.debug('video packet dropped', { error: err });
    }
  });
  cleanups.push(() => {
    videoSub.unSubscribe();
    video.close();
  });

  if (audioTransceiver !== undefined) {
    const sub = audioTransceiver.receiver.track.onReceiveRtp.subscribe((rtp) => {
      lastMediaMs = performance.now();
      handlers.onAudioPayload(rtp.payload);
    });
    cleanups.push(() => sub.unSubscribe());
  }

  const dcSub = pc.onDataChannel.subscribe((dc) => handlers.onDataChannel(dc));
  cleanups.push(() => dcSub.unSubscribe());

  // REMB: the receive rate we accept. Chrome caps its send rate to it (and its loss-based control
  // stays in charge below it); without any estimate from us it stays near its 300 kbit/s start.
  let rembTimer: NodeJS.Timeout | undefined;
  const sendRemb = (): void => {
    const ssrc = vt.receiver.track.ssrc;
    if (closed || ssrc === undefined) return;
    vt.receiver.dtlsTransport.sendRtcp([rembPacket(vt.receiver.rtcpSsrc, ssrc, maxInputKbps * 1000)]).catch(() => undefined);
  };
  cleanups.push(() => clearInterval(rembTimer));
  let everConnected = false;
  let disconnectTimer: NodeJS.Timeout | undefined;
  const connectTimer = setTimeout(() => {
    if (!everConnected) handlers.onGone('ice: no connection within timeout');
  }, timeouts.connectMs);
  cleanups.push(() => {
    clearTimeout(connectTimer);
    clearTimeout(disconnectTimer);
  });
  const stateSub = pc.connectionStateChange.subscribe((state) => {
    log.debug('publisher connection state', { state });
    if (state === 'connected') {
      if (!everConnected) {
        sendRemb();
        rembTimer = setInterval(sendRemb, REMB_INTERVAL_MS);
      }
      everConnected = true;
      clearTimeout(disconnectTimer);
      disconnectTimer = undefined;
      requestKeyframe();
    } else if (state === 'failed' || state === 'closed') {
      handlers.onGone(`peer connection ${state}`);
    } else if (state === 'disconnected') {
      disconnectTimer ??= setTimeout(() => handlers.onGone('peer connection disconnected'), timeouts.disconnectedMs);
    }
  });
  cleanups.push(() => stateSub.unSubscribe());

  const answer = await pc.createAnswer();
  await pc.setLocalDescription(answer);
  const sdp = pc.localDescription?.sdp;
  if (sdp === undefined) {
    await close();
    throw new BadInputError('sdp: could not build an answer');
  }
  const stats = (): PublisherPeerStats => ({
    input: video.stats(),
    returnVideo: returnTrack === undefined ? undefined : { nacks: returnNacks, nackedPackets: returnNacked, pictureLoss: returnPli },
  });
  return { pc, answer: sdp, videoCodec, returnTrack, requestKeyframe, stats, close };
}
