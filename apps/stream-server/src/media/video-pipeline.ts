import { type EncodedFrame, type FfmpegBinary, type InputVideoCodec, type RgbFrame, type RtpSink, SafeEmitter, VideoDecoder, VideoEncoder, Vp8RtpSender } from '@lfe/media';
import type { Logger } from '../util/log';
import type { FrameProcessor, SessionView } from './frame-processor';
import { LatestFrameScheduler } from './latest-frame-scheduler';
import { LatencyWindow, RateMeter, round1 } from './stats';

export interface VideoPipelineOptions {
  width: number;
  height: number;
  fps: number;
  processor: FrameProcessor;
  /** The session as the processor sees it, read once per frame. */
  session: () => SessionView;
  log: Logger;
  binary?: FfmpegBinary;
  bitrateKbps?: number;
  /** Restarts of decoder + encoder allowed per `restartWindowMs` before the pipeline gives up. */
  maxRestarts?: number;
  restartWindowMs?: number;
  /** Minimum time between two encoder restarts for keyframe requests (PLI bursts coalesce). */
  keyframeRestartMinMs?: number;
}

export interface VideoPipelineEvents extends Record<string, unknown[]> {
  /** The decoder needs a keyframe from the publisher (start, decoder restart): send a PLI. */
  'need-keyframe': [];
  /** A processed frame on its way to the encoder (the v4l2 sink listens); do not modify it. */
  processed: [RgbFrame];
  /** Too many restarts: the pipeline closed itself; the session should close. */
  fatal: [Error];
}

export interface VideoPipelineStats {
  fpsIn: number;
  fpsOut: number;
  procMs: { p50: number; p95: number };
  pipelineMs: { p50: number; p95: number };
  /**
   * Where pipelineMs goes, per frame: decode (arrival of the compressed frame → decoded picture),
   * wait (decoded → the processor takes it), proc (above), encode (handed to the encoder → its
   * packets sent). Percentiles of each stage separately, so they do not add up exactly.
   */
  stagesMs: Record<'decode' | 'wait' | 'encode', { p50: number; p95: number }>;
  dropped: number;
  decoderRestarts: number;
  encoderRestarts: number;
}

/**
 * One session's video path: compressed frames in → ffmpeg decode → latest-frame-wins →
 * FrameProcessor → ffmpeg VP8 encode → RTP packets to every sink (the publisher's own track and
 * WHEP viewers). The codecs and the RTP sender are @lfe/media's; this class is the orchestration.
 * It owns its subprocesses: a decoder or encoder that dies is replaced (the decoder then waits for
 * a keyframe, asked for with `need-keyframe`); a PLI from any receiver restarts the encoder so a
 * keyframe follows within one encoder start (~100–200 ms).
 */
export class VideoPipeline extends SafeEmitter<VideoPipelineEvents> {
  readonly #o: Required<Omit<VideoPipelineOptions, 'binary'>> & { binary: FfmpegBinary | undefined };
  readonly #rtp: Vp8RtpSender;
  readonly #scheduler: LatestFrameScheduler<{ frame: RgbFrame; timestampMs: number; decodedMs: number }>;
  readonly #fpsIn = new RateMeter();
  readonly #fpsOut = new RateMeter();
  readonly #procMs = new LatencyWindow();
  readonly #pipelineMs = new LatencyWindow();
  readonly #decodeMs = new LatencyWindow();
  readonly #waitMs = new LatencyWindow();
  readonly #encodeMs = new LatencyWindow();
  /** When each frame (keyed by its arrival time) went to the encoder; entries leave when sent. */
  readonly #encodeStart = new Map<number, number>();
  readonly #restarts: number[] = [];
  #codec: InputVideoCodec = 'vp8';
  #decoder: VideoDecoder | undefined;
  #encoder: VideoEncoder | undefined;
  #lastEncoderRestart = -Infinity;
  #keyframeTimer: NodeJS.Timeout | undefined;
  #decoderRestarts = 0;
  #encoderRestarts = 0;
  #droppedInput = 0;
  #processFailures = 0;
  #closed = false;

  constructor(options: VideoPipelineOptions) {
    super();
    this.#o = {
      bitrateKbps: 1500,
      maxRestarts: 10,
      restartWindowMs: 10_000,
      keyframeRestartMinMs: 250,
      ...options,
      binary: options.binary,
    };
    this.#rtp = new Vp8RtpSender({ log: this.#o.log });
    this.#scheduler = new LatestFrameScheduler(
      (item) => this.#process(item.frame, item.timestampMs, item.decodedMs),
      (err) => {
        this.#processFailures++;
        if (this.#processFailures <= 3 || this.#processFailures % 100 === 0) this.#o.log.warn('frame processor failed', { error: err, failures: this.#processFailures });
      },
    );
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Test hooks: the current children, to kill them as a fault would. */
  get decoder(): VideoDecoder | undefined {
    return this.#decoder;
  }
  get encoder(): VideoEncoder | undefined {
    return this.#encoder;
  }

  /** Set the publisher's codec (from the negotiated SDP) before the first frame. */
  setInputCodec(codec: InputVideoCodec): void {
    if (codec === this.#codec) return;
    this.#codec = codec;
    if (this.#decoder !== undefined) {
      void this.#decoder.close();
      this.#decoder = undefined;
    }
  }

  addSink(sink: RtpSink): void {
    this.#rtp.addSink(sink);
  }

  removeSink(sink: RtpSink): void {
    this.#rtp.removeSink(sink);
  }

  /** A depacketized frame from the publisher. `arrivalMs` on the performance.now() clock. */
  pushEncoded(data: Buffer, isKeyframe: boolean, arrivalMs: number): void {
    if (this.#closed) return;
    const dec = this.#decoder ?? this.#startDecoder();
    if (!dec.decode(data, isKeyframe, arrivalMs)) {
      this.#droppedInput++;
      if (dec.needsKeyframe) this.safeEmit('need-keyframe');
    }
  }

  /**
   * A receiver lost the picture (PLI/FIR): restart the encoder so its next frame is a keyframe.
   * Requests closer together than `keyframeRestartMinMs` coalesce into one restart at the end of
   * that interval — never dropped: the keyframe of the last restart may be the one that was lost.
   */
  requestKeyframe(nowMs = performance.now()): void {
    if (this.#closed || this.#encoder === undefined) return;
    const wait = this.#lastEncoderRestart + this.#o.keyframeRestartMinMs - nowMs;
    if (wait > 0) {
      this.#keyframeTimer ??= setTimeout(() => {
        this.#keyframeTimer = undefined;
        this.requestKeyframe();
      }, wait);
      return;
    }
    this.#lastEncoderRestart = nowMs;
    this.#o.log.debug('keyframe requested: restarting encoder');
    this.#replaceEncoder();
  }

  stats(nowMs = performance.now()): VideoPipelineStats {
    return {
      fpsIn: round1(this.#fpsIn.rate(nowMs)),
      fpsOut: round1(this.#fpsOut.rate(nowMs)),
      procMs: { p50: round1(this.#procMs.percentile(50)), p95: round1(this.#procMs.percentile(95)) },
      pipelineMs: { p50: round1(this.#pipelineMs.percentile(50)), p95: round1(this.#pipelineMs.percentile(95)) },
      stagesMs: {
        decode: { p50: round1(this.#decodeMs.percentile(50)), p95: round1(this.#decodeMs.percentile(95)) },
        wait: { p50: round1(this.#waitMs.percentile(50)), p95: round1(this.#waitMs.percentile(95)) },
        encode: { p50: round1(this.#encodeMs.percentile(50)), p95: round1(this.#encodeMs.percentile(95)) },
      },
      dropped: this.#scheduler.dropped + (this.#encoder?.dropped ?? 0) + this.#droppedInput,
      decoderRestarts: this.#decoderRestarts,
      encoderRestarts: this.#encoderRestarts,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#keyframeTimer);
    this.#scheduler.close();
    this.#rtp.clear();
    const children: Array<Promise<void>> = [];
    if (this.#decoder !== undefined) children.push(this.#decoder.close());
    if (this.#encoder !== undefined) children.push(this.#encoder.close());
    this.#decoder = undefined;
    this.#encoder = undefined;
    await Promise.all(children);
  }

  #startDecoder(): VideoDecoder {
    const dec = new VideoDecoder({ codec: this.#codec, width: this.#o.width, height: this.#o.height, ...(this.#o.binary ? { binary: this.#o.binary } : {}) });
    dec.ready.catch((err: unknown) => this.#giveUp(err instanceof Error ? err : new Error(String(err))));
    dec.on('frame', (frame, arrivalMs) => {
      const now = performance.now();
      this.#fpsIn.record(now);
      this.#decodeMs.record(now - arrivalMs);
      this.#scheduler.push({ frame, timestampMs: arrivalMs, decodedMs: now });
    });
    dec.on('died', (err) => {
      if (this.#decoder !== dec || this.#closed) return;
      this.#o.log.warn('decoder died, restarting', { error: err });
      this.#decoder = undefined;
      this.#decoderRestarts++;
      if (this.#countRestart()) this.safeEmit('need-keyframe'); // the next decoder waits for one
    });
    this.#decoder = dec;
    return dec;
  }

  #startEncoder(): VideoEncoder {
    const enc = new VideoEncoder({
      width: this.#o.width,
      height: this.#o.height,
      fps: this.#o.fps,
      bitrateKbps: this.#o.bitrateKbps,
      ...(this.#o.binary ? { binary: this.#o.binary } : {}),
    });
    enc.ready.catch((err: unknown) => this.#giveUp(err instanceof Error ? err : new Error(String(err))));
    enc.on('frame', (f) => {
      if (this.#encoder === enc) this.#send(f);
    });
    enc.on('died', (err) => {
      if (this.#encoder !== enc || this.#closed) return;
      this.#o.log.warn('encoder died, restarting', { error: err });
      this.#encoder = undefined;
      this.#encoderRestarts++;
      this.#countRestart();
    });
    this.#encoder = enc;
    return enc;
  }

  #replaceEncoder(): void {
    const old = this.#encoder;
    this.#encoder = undefined;
    this.#encoderRestarts++;
    if (old !== undefined) void old.close();
    this.#startEncoder();
  }

  /** Records a restart; false (and the pipeline closes) when the budget is spent. */
  #countRestart(): boolean {
    const now = performance.now();
    this.#restarts.push(now);
    while (this.#restarts.length > 0 && (this.#restarts[0] as number) < now - this.#o.restartWindowMs) this.#restarts.shift();
    if (this.#restarts.length > this.#o.maxRestarts) {
      this.#giveUp(new Error(`video pipeline: more than ${this.#o.maxRestarts} ffmpeg restarts in ${this.#o.restartWindowMs} ms`));
      return false;
    }
    return true;
  }

  #giveUp(err: Error): void {
    if (this.#closed) return;
    this.#o.log.error('video pipeline gives up', { error: err });
    void this.close();
    this.safeEmit('fatal', err);
  }

  async #process(frame: RgbFrame, timestampMs: number, decodedMs: number): Promise<void> {
    const t0 = performance.now();
    this.#waitMs.record(t0 - decodedMs);
    const out = await this.#o.processor.process(frame, timestampMs, this.#o.session());
    const t1 = performance.now();
    this.#procMs.record(t1 - t0);
    if (this.#closed) return;
    const enc = this.#encoder ?? this.#startEncoder();
    // Frames the encoder drops (or loses in a restart) never come back: keep the map small.
    if (this.#encodeStart.size >= 64) this.#encodeStart.delete(this.#encodeStart.keys().next().value as number);
    this.#encodeStart.set(timestampMs, t1);
    enc.encode(out, timestampMs);
    if (this.listenerCount('processed') > 0) this.safeEmit('processed', out);
  }

  #send(f: EncodedFrame): void {
    const now = performance.now();
    // 90 kHz from the input frame's arrival, strictly increasing (see Vp8RtpSender).
    this.#rtp.send(f.data, f.timestampMs);
    this.#fpsOut.record(now);
    this.#pipelineMs.record(now - f.timestampMs);
    const started = this.#encodeStart.get(f.timestampMs);
    if (started !== undefined) {
      this.#encodeMs.record(now - started);
      this.#encodeStart.delete(f.timestampMs);
    }
  }
}
