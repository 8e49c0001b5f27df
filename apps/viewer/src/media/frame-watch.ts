import { STAMP_BITS, readStampStrip, stampRect } from '@lfe/protocol';
import { FpsMeter } from '../stats/fps-meter';

const CELL = 8;

export interface FrameInfo {
  /** The stamped frame number, or undefined when the frame carries no stamp. */
  readonly frame: number | undefined;
  /** Capture time when the browser knows it (local camera), else the expected display time (ms, performance.now clock). */
  readonly captureMs: number | undefined;
  readonly displayMs: number;
}

/**
 * Follows the frames a <video> presents (requestVideoFrameCallback): display fps, and the stamped
 * frame number read from a tiny canvas (16 blocks → 128×8 px). When frames carry no stamp (a
 * real camera), it only looks again every 30th frame.
 */
export class FrameWatch {
  readonly fps = new FpsMeter(1000);
  readonly #video: HTMLVideoElement;
  readonly #ctx: CanvasRenderingContext2D | null;
  readonly #onFrame: (info: FrameInfo) => void;
  #handle: number | undefined;
  #unstamped = 0;
  #count = 0;
  #stopped = false;
  /** Frames whose stamp was read, and the last number read (for the stats snapshot). */
  stamped = 0;
  /** Frames whose stamp was looked for. */
  checked = 0;
  lastStamp: number | undefined;

  constructor(video: HTMLVideoElement, onFrame: (info: FrameInfo) => void) {
    this.#video = video;
    this.#onFrame = onFrame;
    const canvas = document.createElement('canvas');
    canvas.width = STAMP_BITS * CELL;
    canvas.height = CELL;
    this.#ctx = canvas.getContext('2d', { willReadFrequently: true });
    this.#schedule();
  }

  get supported(): boolean {
    return typeof this.#video.requestVideoFrameCallback === 'function';
  }

  stop(): void {
    this.#stopped = true;
    if (this.#handle !== undefined && this.supported) this.#video.cancelVideoFrameCallback(this.#handle);
  }

  #schedule(): void {
    if (this.#stopped || !this.supported) return;
    this.#handle = this.#video.requestVideoFrameCallback((now, meta) => this.#tick(now, meta));
  }

  #tick(now: number, meta: VideoFrameCallbackMetadata): void {
    this.#count++;
    this.fps.process(meta.expectedDisplayTime || now);
    let frame: number | undefined;
    if (this.#unstamped < 30 || this.#count % 30 === 0) {
      frame = this.#readStamp(meta.width, meta.height);
      this.checked++;
      this.#unstamped = frame === undefined ? this.#unstamped + 1 : 0;
      if (frame !== undefined) {
        this.stamped++;
        this.lastStamp = frame;
      }
    }
    try {
      this.#onFrame({ frame, captureMs: meta.captureTime, displayMs: meta.expectedDisplayTime || now });
    } finally {
      this.#schedule();
    }
  }

  #readStamp(width: number, height: number): number | undefined {
    const ctx = this.#ctx;
    if (ctx === null || width === 0 || height === 0) return undefined;
    const r = stampRect(width, height);
    ctx.drawImage(this.#video, r.x, r.y, r.w, r.h, 0, 0, STAMP_BITS * CELL, CELL);
    return readStampStrip(ctx.getImageData(0, 0, STAMP_BITS * CELL, CELL).data, CELL);
  }
}
