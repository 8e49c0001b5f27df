import { type FfmpegBinary, FfmpegProcess, type RgbFrame } from '@lfe/media';

export interface V4l2SinkOptions {
  /** `/dev/videoN` of a v4l2loopback device (or, with another `format`, any file or pipe). */
  target: string;
  width: number;
  height: number;
  fps: number;
  /** ffmpeg output format: `v4l2` (default); tests use `yuv4mpegpipe` into a regular file. */
  format?: string;
  binary?: FfmpegBinary;
}

/**
 * ffmpeg arguments for the virtual camera: RGB frames on stdin → yuv420p (what Chrome, Zoom and
 * OBS take from v4l2loopback) at the session's frame rate → the device.
 */
export function v4l2SinkArgs(o: Pick<V4l2SinkOptions, 'target' | 'width' | 'height' | 'fps' | 'format'>): string[] {
  return [
    '-loglevel', 'error',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${o.width}x${o.height}`, '-r', String(o.fps),
    '-i', 'pipe:0',
    '-an',
    '-pix_fmt', 'yuv420p',
    '-f', o.format ?? 'v4l2',
    o.target,
  ];
}

/**
 * One session's processed video into a v4l2loopback device (`--v4l2 /dev/videoN --v4l2-session
 * ID`), so Zoom / Meet / OBS on Linux see it as a camera. Latest frame wins: when ffmpeg falls
 * behind, frames are dropped, never queued. Untested against a real device here (no
 * v4l2loopback module on these machines); tests run it with `format: 'yuv4mpegpipe'` into a file.
 */
export class V4l2Sink {
  readonly #proc: FfmpegProcess;
  readonly #frameBytes: number;
  #written = 0;
  #dropped = 0;

  constructor(readonly options: V4l2SinkOptions) {
    this.#frameBytes = options.width * options.height * 3;
    this.#proc = new FfmpegProcess({ name: 'v4l2', args: v4l2SinkArgs(options), ...(options.binary ? { binary: options.binary } : {}) });
  }

  get ready(): Promise<void> {
    return this.#proc.ready;
  }

  /** Fired once when ffmpeg exits without being asked to (device gone, format refused). */
  onDied(listener: (err: Error) => void): void {
    this.#proc.on('died', listener);
  }

  get stats(): { written: number; dropped: number } {
    return { written: this.#written, dropped: this.#dropped };
  }

  /** Returns false when the frame was dropped (ffmpeg behind or gone, or a different size). */
  write(frame: RgbFrame): boolean {
    if (frame.width !== this.options.width || frame.height !== this.options.height || frame.data.length !== this.#frameBytes || this.#proc.closed) {
      this.#dropped++;
      return false;
    }
    if (this.#proc.pendingStdinBytes > 2 * this.#frameBytes) {
      this.#dropped++;
      return false;
    }
    this.#written++;
    return this.#proc.write(frame.data);
  }

  close(): Promise<void> {
    return this.#proc.close();
  }
}
