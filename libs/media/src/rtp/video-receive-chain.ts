import { RtpHeader, RtpPacket } from 'werift';
import { DepacketizeCallback, JitterBufferCallback, RtpSourceCallback } from 'werift/nonstandard';
import { KeyframeGate, type KeyframeGateStats } from './keyframe-gate';
import { PaddingFilter } from './padding-filter';
import { type Vp8Descriptor, parseVp8Descriptor } from './vp8-descriptor';

export interface VideoReceiveHandlers {
  /** A whole compressed frame the decoder can use (its references all arrived). */
  onFrame(data: Buffer, isKeyframe: boolean, nowMs: number): void;
  /** Ask the sender for a keyframe (PLI); the chain already spaces its own requests. */
  onKeyframeNeeded(): void;
}

export type VideoReceiveStats = KeyframeGateStats & { paddingRemoved: number; lateDropped: number };

/**
 * Incoming video RTP → decodable frames: werift's jitter buffer (werift NACKs holes meanwhile) →
 * padding filter (Chrome's probe packets, see padding-filter.ts) → werift's depacketizer →
 * keyframe gate (after a lost packet or frame, nothing until a keyframe; PLI at once and every
 * `retryMs`). The server's publisher peer and the test client both receive through it.
 */
export class VideoReceiveChain {
  readonly #gate: KeyframeGate;
  readonly #padding = new PaddingFilter();
  readonly #source = new RtpSourceCallback();
  readonly #jitter: JitterBufferCallback;
  readonly #depacketizer: DepacketizeCallback;
  readonly #unsubscribe: () => void;
  /** PictureID of the latest frame start seen (VP8): the frame the depacketizer completes next. */
  #framePictureId: Vp8Descriptor['pictureId'];

  constructor(
    readonly codec: 'vp8' | 'h264',
    handlers: VideoReceiveHandlers,
    options: { jitterLatencyMs?: number; keyframeRetryMs?: number } = {},
  ) {
    this.#gate = new KeyframeGate({ retryMs: options.keyframeRetryMs ?? 300 });
    // In-order packets pass at once; only packets behind a hole wait, up to this long, for the
    // NACKed retransmission. Longer than the RTT of a loaded machine (100–200 ms measured), and
    // still far cheaper than what a lost frame costs: a keyframe round trip and a freeze.
    this.#jitter = new JitterBufferCallback(90000, { latency: options.jitterLatencyMs ?? 200 });
    // Without isFinalPacketInSequence every packet would be a "frame".
    this.#depacketizer = new DepacketizeCallback(codec === 'vp8' ? 'vp8' : 'MPEG4/ISO/AVC', {
      isFinalPacketInSequence: (h) => h.marker,
      waitForKeyframe: true,
    });
    this.#source.pipe((o) => this.#jitter.input(o));
    this.#jitter.pipe((o) => {
      if (o.rtp === undefined) {
        this.#depacketizer.input(o);
        return;
      }
      const now = performance.now();
      const payload = o.rtp.payload as Buffer | null;
      const seq = this.#padding.process(o.rtp.header.sequenceNumber, payload?.length ?? 0);
      if (seq === undefined || payload === null) return;
      // A renumbered copy: the jitter buffer may still hold the original object.
      const rtp = seq === o.rtp.header.sequenceNumber ? o.rtp : new RtpPacket(new RtpHeader({ ...o.rtp.header, sequenceNumber: seq }), payload);
      this.#gate.packet(seq, now);
      if (this.#gate.pollRequest(now)) handlers.onKeyframeNeeded();
      if (codec === 'vp8') {
        const d = parseVp8Descriptor(payload);
        if (d?.frameStart === true) this.#framePictureId = d.pictureId;
      }
      this.#depacketizer.input({ ...o, rtp });
    });
    this.#depacketizer.pipe((o) => {
      if (!o.frame) return;
      const now = performance.now();
      // Emitted on the frame's last packet, so the latest frame start seen is this frame's.
      const decision = this.#gate.frame(o.frame.isKeyframe, now, this.#framePictureId);
      this.#framePictureId = undefined;
      if (decision.requestKeyframe) handlers.onKeyframeNeeded();
      if (decision.forward) handlers.onFrame(o.frame.data, o.frame.isKeyframe, now);
    });
    const needKey = this.#depacketizer.onNeedKeyFrame.subscribe(() => handlers.onKeyframeNeeded());
    this.#unsubscribe = () => needKey.unSubscribe();
  }

  /** One RTP packet as it came off the transport. Throws only on a malformed packet object. */
  input(rtp: RtpPacket): void {
    this.#source.input(rtp);
  }

  stats(): VideoReceiveStats {
    return { ...this.#gate.toJSON(), ...this.#padding.toJSON() };
  }

  close(): void {
    this.#unsubscribe();
    this.#source.destroy();
    this.#jitter.destroy();
    this.#depacketizer.destroy();
  }
}
