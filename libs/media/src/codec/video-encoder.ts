import { SafeEmitter } from '../safe-emitter';
import type { FfmpegExitError } from '../errors';
import type { RgbFrame } from '../frame';
import { FfmpegProcess } from '../ffmpeg/ffmpeg-process';
import { type FfmpegBinary, passthroughTimingArgs, resolveFfmpeg } from '../ffmpeg/ffmpeg-path';
import { IvfReader } from './ivf';
import { isVp8Keyframe } from '../rtp/vp8-packetizer';

export interface VideoEncoderOptions {
  width: number;
  height: number;
  fps: number;
  bitrateKbps?: number;
  /** Frames between periodic keyframes (recovery for receivers that never send PLI). */
  keyframeInterval?: number;
  binary?: FfmpegBinary;
}

export interface EncodedFrame {
  data: Buffer;
  keyframe: boolean;
  /** The timestamp the raw frame was handed over with. */
  timestampMs: number;
}

export interface VideoEncoderEvents extends Record<string, unknown[]> {
  frame: [EncodedFrame];
  died: [FfmpegExitError | Error];
}

/**
 * RGB frames → VP8 through one ffmpeg (libvpx realtime: one thread, no lag, no alt-ref, error
 * resilient — DESIGN.md). The ffmpeg CLI cannot force a keyframe on demand, so the owner answers
 * PLI by starting a new encoder, whose first frame is a keyframe.
 */
export class VideoEncoder extends SafeEmitter<VideoEncoderEvents> {
  readonly #proc: FfmpegProcess;
  readonly #reader = new IvfReader();
  readonly #frameBytes: number;
  readonly #pending: number[] = [];
  readonly width: number;
  readonly height: number;
  #dead = false;
  #dropped = 0;

  constructor(options: VideoEncoderOptions) {
    super();
    const bin = options.binary ?? resolveFfmpeg();
    this.width = options.width;
    this.height = options.height;
    this.#frameBytes = options.width * options.height * 3;
    const kbps = options.bitrateKbps ?? 1500;
    this.#proc = new FfmpegProcess({
      name: 'encoder',
      binary: bin,
      args: [
        '-loglevel', 'error',
        '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${options.width}x${options.height}`, '-r', String(options.fps),
        '-i', 'pipe:0',
        '-an',
        '-c:v', 'libvpx', '-pix_fmt', 'yuv420p',
        '-deadline', 'realtime', '-cpu-used', '8', '-lag-in-frames', '0', '-error-resilient', '1', '-auto-alt-ref', '0',
        '-threads', '1',
        '-b:v', `${kbps}k`, '-maxrate', `${kbps * 2}k`, '-bufsize', `${kbps}k`,
        '-g', String(options.keyframeInterval ?? options.fps * 5),
        ...passthroughTimingArgs(bin),
        '-f', 'ivf', '-flush_packets', '1',
        'pipe:1',
      ],
    });
    this.#proc.on('data', (chunk) => {
      if (this.#dead) return;
      let frames;
      try {
        frames = this.#reader.push(chunk);
      } catch (err) {
        this.#fail(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      for (const f of frames) {
        this.safeEmit('frame', { data: f.data, keyframe: isVp8Keyframe(f.data), timestampMs: this.#pending.shift() ?? performance.now() });
      }
    });
    this.#proc.on('died', (err) => this.#fail(err));
  }

  get ready(): Promise<void> {
    return this.#proc.ready;
  }

  get pid(): number | undefined {
    return this.#proc.pid;
  }

  /** Frames refused because the encoder fell behind (its pipe held more than two frames). */
  get dropped(): number {
    return this.#dropped;
  }

  /** Returns false when the frame was dropped (encoder behind or dead). Throws TypeError on a wrong size. */
  encode(frame: RgbFrame, timestampMs: number): boolean {
    if (frame.width !== this.width || frame.height !== this.height || frame.data.length !== this.#frameBytes) {
      throw new TypeError(`encoder: frame must be ${this.width}x${this.height} RGB24 (got ${frame.width}x${frame.height}, ${frame.data.length} bytes)`);
    }
    if (this.#dead) return false;
    if (this.#proc.pendingStdinBytes > 2 * this.#frameBytes) {
      this.#dropped++;
      return false;
    }
    this.#pending.push(timestampMs);
    if (this.#pending.length > 30) this.#pending.shift();
    this.#proc.write(frame.data);
    return true;
  }

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
