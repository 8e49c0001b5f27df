import { SafeEmitter } from '../safe-emitter';
import type { FfmpegExitError } from '../errors';
import type { RgbFrame } from '../frame';
import { FfmpegProcess } from '../ffmpeg/ffmpeg-process';
import { type FfmpegBinary, passthroughTimingArgs, resolveFfmpeg } from '../ffmpeg/ffmpeg-path';
import { ivfFileHeader, ivfFrameHeader } from './ivf';
import { PpmReader } from './ppm-reader';

export type InputVideoCodec = 'vp8' | 'h264';

export interface VideoDecoderOptions {
  codec: InputVideoCodec;
  /** Output size: the decoder scales whatever the client sends (Chrome changes resolution). */
  width: number;
  height: number;
  binary?: FfmpegBinary;
}

export interface VideoDecoderEvents extends Record<string, unknown[]> {
  /** A decoded frame and the arrival time (ms) of the compressed frame it came from. */
  frame: [RgbFrame, number];
  died: [FfmpegExitError | Error];
}

/**
 * Compressed frames → fixed-size RGB frames through one ffmpeg: IVF (VP8) or Annex B (H.264) on
 * stdin, PPM images on stdout. Until the first keyframe, inter frames are dropped (the caller asks
 * the sender for one). A decoder that dies is not restarted here: the pipeline owns that policy.
 */
export class VideoDecoder extends SafeEmitter<VideoDecoderEvents> {
  readonly #proc: FfmpegProcess;
  readonly #reader: PpmReader;
  readonly #codec: InputVideoCodec;
  /** Arrival times of frames written and not yet decoded (1 in → 1 out); bounded. */
  readonly #pending: number[] = [];
  #pts = 0n;
  #gotKeyframe = false;
  #dead = false;

  constructor(options: VideoDecoderOptions) {
    super();
    const bin = options.binary ?? resolveFfmpeg();
    this.#codec = options.codec;
    const input =
      options.codec === 'vp8'
        ? ['-probesize', '32', '-analyzeduration', '0', '-f', 'ivf', '-i', 'pipe:0']
        : ['-probesize', '4096', '-analyzeduration', '0', '-f', 'h264', '-i', 'pipe:0'];
    this.#reader = new PpmReader(options.width * options.height);
    this.#proc = new FfmpegProcess({
      name: 'decoder',
      binary: bin,
      args: [
        '-loglevel', 'error',
        '-threads', '1',
        ...input,
        '-an',
        '-vf', `scale=${options.width}:${options.height}`,
        '-pix_fmt', 'rgb24',
        ...passthroughTimingArgs(bin),
        '-f', 'image2pipe', '-c:v', 'ppm', '-flush_packets', '1',
        'pipe:1',
      ],
    });
    this.#proc.on('data', (chunk) => {
      if (this.#dead) return;
      let frames: RgbFrame[];
      try {
        frames = this.#reader.push(chunk);
      } catch (err) {
        this.#fail(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      for (const f of frames) this.safeEmit('frame', f, this.#pending.shift() ?? performance.now());
    });
    this.#proc.on('died', (err) => this.#fail(err));
    if (options.codec === 'vp8') this.#proc.write(ivfFileHeader({ fourcc: 'VP80', width: options.width, height: options.height, timebaseDen: 90000, timebaseNum: 1 }));
  }

  get ready(): Promise<void> {
    return this.#proc.ready;
  }

  get pid(): number | undefined {
    return this.#proc.pid;
  }

  /** True until a keyframe has been written, and again after a frame had to be dropped. */
  get needsKeyframe(): boolean {
    return !this.#gotKeyframe;
  }

  /** Write one compressed frame. Returns false when it was dropped (no keyframe yet, pipe full, dead). */
  decode(data: Buffer, isKeyframe: boolean, arrivalMs: number): boolean {
    if (this.#dead) return false;
    if (!this.#gotKeyframe && !isKeyframe) return false;
    // Megabytes queued in the pipe means ffmpeg stalls: drop rather than add latency. The frames
    // after a dropped one predict from it, so wait for the next keyframe (the owner asks for one).
    if (this.#proc.pendingStdinBytes > 2 * 1024 * 1024) {
      this.#gotKeyframe = false;
      return false;
    }
    this.#gotKeyframe = true;
    this.#pending.push(arrivalMs);
    if (this.#pending.length > 30) this.#pending.shift();
    if (this.#codec === 'vp8') {
      this.#proc.write(ivfFrameHeader(data.length, this.#pts));
      this.#pts += 3000n;
    }
    return this.#proc.write(data) || true;
  }

  /** Test hook: kill the ffmpeg child as an outside fault would. */
  killForTest(): void {
    this.#proc.killForTest('SIGKILL');
  }

  #fail(err: Error): void {
    if (this.#dead) return;
    this.#dead = true;
    this.safeEmit('died', err);
    void this.#proc.close();
  }

  async close(): Promise<void> {
    this.#dead = true;
    await this.#proc.close();
  }
}
