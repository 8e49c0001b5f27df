import { MediaStreamTrack, PictureLossIndication, RTCPeerConnection, type RTCDataChannel, RtcpPayloadSpecificFeedback, RtpHeader, RtpPacket, useOPUS, useVP8 } from 'werift';
import { readFrameNumber } from '@lfe/protocol';
import { type RgbFrame, VideoDecoder, VideoEncoder, VideoReceiveChain, Vp8Packetizer } from '@lfe/media';
import { testPattern } from '@lfe/media/testing';

/**
 * A real WebRTC client for tests and the benchmark: a werift peer that publishes a VP8 test stream
 * (frame numbers stamped in the pixels, encoded by ffmpeg, packetized by our packetizer) over WHIP
 * or watches over WHEP, and decodes what comes back with ffmpeg to read the numbers again.
 */
export interface ReceivedFrame {
  n: number;
  frame: RgbFrame;
  /** performance.now() when the compressed frame was complete. */
  arrivalMs: number;
}

export interface ClientOptions {
  baseUrl: string;
  token?: string;
  width?: number;
  height?: number;
  fps?: number;
  /** What the publisher sends as frame n (default: the stamped test pattern); a fresh buffer each call. */
  source?: (n: number, width: number, height: number) => RgbFrame;
  /** Publish a microphone track too: these Opus packets, one every 20 ms, in a loop (`opusTonePackets`). */
  audio?: readonly Buffer[];
}

async function signal(url: string, offer: string, token: string | undefined): Promise<{ answer: string; location: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/sdp', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: offer,
  });
  const body = await res.text();
  if (res.status !== 201) throw new Error(`signal ${url}: ${res.status} ${body}`);
  return { answer: body, location: res.headers.get('location') ?? '' };
}

/** Receives a VP8 track and decodes it; `frames` fills as they arrive. */
class Receiver {
  readonly frames: ReceivedFrame[] = [];
  readonly keyframeArrivals: number[] = [];
  readonly chain: VideoReceiveChain;
  readonly #decoder: VideoDecoder;
  #onFrame: Array<() => void> = [];

  constructor(track: MediaStreamTrack, width: number, height: number, requestKeyframe: () => void) {
    this.#decoder = new VideoDecoder({ codec: 'vp8', width, height });
    this.#decoder.on('frame', (frame, arrivalMs) => {
      this.frames.push({ n: readFrameNumber(frame), frame, arrivalMs });
      if (this.frames.length > 600) this.frames.splice(0, 300);
      for (const r of this.#onFrame.splice(0)) r();
    });
    // The server's own receive chain, so a lost packet on the way back never shows up as a
    // damaged frame here: what the tests judge is what the server sent.
    this.chain = new VideoReceiveChain('vp8', {
      onFrame: (data, isKeyframe, t) => {
        if (isKeyframe) this.keyframeArrivals.push(t);
        if (!this.#decoder.decode(data, isKeyframe, t) && this.#decoder.needsKeyframe) requestKeyframe();
      },
      onKeyframeNeeded: requestKeyframe,
    });
    track.onReceiveRtp.subscribe((rtp) => this.chain.input(rtp));
  }

  /** Resolves when `count` more frames have been decoded, or rejects after `timeoutMs`. */
  async waitFrames(count: number, timeoutMs: number): Promise<void> {
    const target = this.frames.length + count;
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length < target) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for frames (${this.frames.length}/${target})`);
      await new Promise<void>((r) => {
        this.#onFrame.push(r);
        setTimeout(r, 100);
      });
    }
  }

  close(): Promise<void> {
    this.chain.close();
    return this.#decoder.close();
  }
}

export class TestPublisher {
  readonly pc: RTCPeerConnection;
  readonly sentAt = new Map<number, number>();
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  receiver: Receiver | undefined;
  commands: RTCDataChannel | undefined;
  sessionId = '';
  location = '';
  keyframeRequests = 0;
  /** Fraction of outgoing video packets dropped before they reach the peer (never retransmitted). */
  upstreamLoss = 0;
  /** Packets dropped by `upstreamLoss` or `dropNextPackets` so far. */
  droppedPackets = 0;
  /** Frame number of the last frame that lost a packet. */
  lastDamagedFrame: number | undefined;
  /** Padding-only RTP packets sent after every frame (Chrome's bandwidth probes look like this). */
  paddingPerFrame = 0;
  /** Answer a PLI this much later (a busy browser encoder); inter frames keep coming meanwhile. */
  keyframeDelayMs = 0;
  #keyframeTimer: NodeJS.Timeout | undefined;
  #dropNext = 0;
  readonly #opts: ClientOptions;
  readonly #track = new MediaStreamTrack({ kind: 'video' });
  readonly #audioTrack = new MediaStreamTrack({ kind: 'audio' });
  #audioTimer: NodeJS.Timeout | undefined;
  #audioN = 0;
  readonly #packetizer = new Vp8Packetizer();
  #encoder: VideoEncoder | undefined;
  #timer: NodeJS.Timeout | undefined;
  #n = 0;
  #seq = 1000;
  /** Deterministic loss pattern (xorshift32), so a failing run can be replayed. */
  #rng = 0x9e3779b9;

  constructor(options: ClientOptions) {
    this.#opts = options;
    this.width = options.width ?? 640;
    this.height = options.height ?? 480;
    this.fps = options.fps ?? 30;
    this.pc = new RTCPeerConnection({ codecs: { video: [useVP8()], audio: [useOPUS()] }, iceServers: [] });
  }

  /** WHIP publish: sendrecv video (+ a `commands` data channel); resolves once the answer is set. */
  async publish(sessionId?: string, withDataChannel = false): Promise<void> {
    const t = this.pc.addTransceiver(this.#track, { direction: 'sendrecv' });
    t.onTrack.subscribe((track) => {
      this.receiver = new Receiver(track, this.width, this.height, () => void t.receiver.sendRtcpPLI(track.ssrc ?? 0).catch(() => undefined));
    });
    const onPli = (): void => {
      this.keyframeRequests++;
      if (this.keyframeDelayMs > 0) {
        if (this.#keyframeTimer === undefined) {
          this.#keyframeTimer = setTimeout(() => {
            this.#keyframeTimer = undefined;
            this.#restartEncoder();
          }, this.keyframeDelayMs);
        }
      } else this.#restartEncoder();
    };
    t.sender.onPictureLossIndication.subscribe(onPli);
    // werift routes a PLI on a sendrecv m-line to the receiver (see publisher-peer.ts).
    t.receiver.onRtcp.subscribe((p) => {
      if (p instanceof RtcpPayloadSpecificFeedback && p.feedback instanceof PictureLossIndication && p.feedback.mediaSsrc === t.sender.ssrc) onPli();
    });
    if (withDataChannel) this.commands = this.pc.createDataChannel('commands');
    if (this.#opts.audio !== undefined) this.pc.addTransceiver(this.#audioTrack, { direction: 'sendonly' });
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    const url = `${this.#opts.baseUrl}/whip${sessionId ? `?session=${sessionId}` : ''}`;
    const { answer, location } = await signal(url, this.pc.localDescription?.sdp ?? '', this.#opts.token);
    this.location = location;
    this.sessionId = location.split('/').pop() ?? '';
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answer });
    await waitConnected(this.pc);
    this.#restartEncoder();
  }

  /** Lose the next `count` video packets on the way to the server (no retransmission possible). */
  dropNextPackets(count: number): void {
    this.#dropNext += count;
  }

  /** Send test frames at `fps` until stop(). */
  start(): void {
    this.#timer ??= setInterval(() => this.#tick(), 1000 / this.fps);
    const audio = this.#opts.audio;
    if (audio !== undefined && audio.length > 0) {
      this.#audioTimer ??= setInterval(() => {
        const n = this.#audioN++;
        const header = new RtpHeader({ payloadType: 111, sequenceNumber: n & 0xffff, timestamp: (n * 960) >>> 0, marker: false, ssrc: 2 });
        this.#audioTrack.writeRtp(new RtpPacket(header, audio[n % audio.length]!));
      }, 20);
    }
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    clearInterval(this.#audioTimer);
    this.#audioTimer = undefined;
  }

  /** Frames received back; `n` is the stamped frame number. */
  get frames(): ReceivedFrame[] {
    return this.receiver?.frames ?? [];
  }

  async close(): Promise<void> {
    this.stop();
    clearTimeout(this.#keyframeTimer);
    await Promise.allSettled([this.#encoder?.close(), this.receiver?.close(), this.pc.close()]);
  }

  #restartEncoder(): void {
    const old = this.#encoder;
    const enc = new VideoEncoder({ width: this.width, height: this.height, fps: this.fps, bitrateKbps: 2000 });
    enc.on('frame', (f) => {
      if (this.#encoder !== enc) return;
      const ts = (f.timestampMs * 3000) >>> 0; // timestampMs carries the frame number here
      for (const p of this.#packetizer.packetize(f.data)) {
        const header = new RtpHeader({ payloadType: 96, sequenceNumber: this.#seq, timestamp: ts, marker: p.marker, ssrc: 1 });
        this.#seq = (this.#seq + 1) & 0xffff;
        if (this.#dropNext > 0 || (this.upstreamLoss > 0 && this.#random() < this.upstreamLoss)) {
          if (this.#dropNext > 0) this.#dropNext--;
          this.droppedPackets++;
          this.lastDamagedFrame = f.timestampMs;
          continue;
        }
        this.#track.writeRtp(new RtpPacket(header, p.payload));
      }
      // Empty packets after the frame: what Chrome's padding-only bandwidth probes are once the
      // padding is stripped (werift's sender does not get P-bit packets with no payload across).
      for (let i = 0; i < this.paddingPerFrame; i++) {
        const header = new RtpHeader({ payloadType: 96, sequenceNumber: this.#seq, timestamp: ts, marker: false, ssrc: 1 });
        this.#seq = (this.#seq + 1) & 0xffff;
        this.#track.writeRtp(new RtpPacket(header, Buffer.alloc(0)));
      }
      this.sentAt.set(f.timestampMs, performance.now());
    });
    this.#encoder = enc;
    void old?.close();
  }

  #random(): number {
    let x = this.#rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#rng = x >>> 0;
    return this.#rng / 0x100000000;
  }

  #tick(): void {
    const n = this.#n++;
    // A fresh buffer per frame: the encoder's pipe may still hold the previous one (a reused
    // buffer would be overwritten while ffmpeg reads it, giving torn frames after a restart).
    const frame = this.#opts.source?.(n & 0xffff, this.width, this.height) ?? testPattern(this.width, this.height, n & 0xffff);
    this.#encoder?.encode(frame, n);
  }
}

export class TestViewer {
  readonly pc: RTCPeerConnection;
  receiver: Receiver | undefined;
  location = '';
  constructor(
    private readonly opts: ClientOptions,
    readonly width = opts.width ?? 640,
    readonly height = opts.height ?? 480,
  ) {
    this.pc = new RTCPeerConnection({ codecs: { video: [useVP8()], audio: [useOPUS()] }, iceServers: [] });
  }

  async watch(sessionId: string): Promise<void> {
    const t = this.pc.addTransceiver('video', { direction: 'recvonly' });
    t.onTrack.subscribe((track) => {
      this.receiver = new Receiver(track, this.width, this.height, () => void t.receiver.sendRtcpPLI(track.ssrc ?? 0).catch(() => undefined));
    });
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    const { answer, location } = await signal(`${this.opts.baseUrl}/whep/${sessionId}`, this.pc.localDescription?.sdp ?? '', this.opts.token);
    this.location = location;
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answer });
    await waitConnected(this.pc);
  }

  get frames(): ReceivedFrame[] {
    return this.receiver?.frames ?? [];
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.receiver?.close(), this.pc.close()]);
  }
}

async function waitConnected(pc: RTCPeerConnection, timeoutMs = 10_000): Promise<void> {
  if (pc.connectionState === 'connected') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`peer did not connect (${pc.connectionState})`)), timeoutMs);
    pc.connectionStateChange.subscribe((s) => {
      if (s === 'connected') {
        clearTimeout(timer);
        resolve();
      } else if (s === 'failed') {
        clearTimeout(timer);
        reject(new Error('peer connection failed'));
      }
    });
  });
}

/** A werift peer's SDP offer (video `direction`, optional send-only audio), the peer closed at once: for signalling tests and attacks. */
export async function offerSdp(direction: 'sendrecv' | 'recvonly' | 'sendonly' = 'sendrecv', withAudio = false): Promise<string> {
  const pc = new RTCPeerConnection({ codecs: { video: [useVP8()], audio: [useOPUS()] }, iceServers: [] });
  pc.addTransceiver('video', { direction });
  if (withAudio) pc.addTransceiver('audio', { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  const sdp = pc.localDescription?.sdp ?? '';
  await pc.close();
  return sdp;
}
