import type { FaceDescription } from '@lfe/edit-language';
import type { Nuisance } from '../face/nuisance';
import type { Placement } from '../face/placement';
import { drawFace, type RgbImage } from '../face/render';
import { Raster } from '../raster/raster';

export interface ClipOptions {
  width: number;
  height: number;
  fps: number;
  /** Face oval height as a fraction of the frame height (default 1/3). */
  faceHeight?: number;
  /** Stamp the frame number into the picture (see `stampFrameNumber`). */
  stamp?: boolean;
}

export interface ClipFrameState {
  placement: Placement;
  nuisance: Partial<Nuisance>;
  eyeOpen: number;
}

/** Blink timing: eyes close over ~70 ms, stay shut ~35 ms, reopen over ~100 ms, every ~2.9 s. */
function eyeOpenAt(t: number): number {
  const period = 2.9;
  const phase = (t + 1.1) % period;
  const close = 0.07;
  const shut = 0.035;
  const reopen = 0.1;
  if (phase < close) return 1 - phase / close;
  if (phase < close + shut) return 0;
  if (phase < close + shut + reopen) return (phase - close - shut) / reopen;
  return 1;
}

export const STAMP_BITS = 16;

/**
 * Write `n` as 16 black/white blocks (least significant bit first, white = 1) along the bottom-left
 * edge, each block `block` pixels square: latency tests read the frame number back from the pixels.
 */
export function stampFrameNumber(img: RgbImage, n: number, block = 8): void {
  const y0 = img.height - block;
  for (let bit = 0; bit < STAMP_BITS; bit++) {
    const v = (n >> bit) & 1 ? 255 : 0;
    for (let y = y0; y < img.height; y++) {
      for (let x = bit * block; x < (bit + 1) * block && x < img.width; x++) {
        const i = (y * img.width + x) * 3;
        img.data[i] = v;
        img.data[i + 1] = v;
        img.data[i + 2] = v;
      }
    }
  }
}

/** Read a number written by `stampFrameNumber` (sampling each block's centre). */
export function readFrameNumber(img: RgbImage, block = 8): number {
  let n = 0;
  const y = img.height - Math.ceil(block / 2);
  for (let bit = 0; bit < STAMP_BITS; bit++) {
    const x = bit * block + Math.floor(block / 2);
    const i = (y * img.width + x) * 3;
    if ((img.data[i] as number) > 127) n |= 1 << bit;
  }
  return n;
}

/**
 * Frames of a test clip: one face on its background that drifts around the frame, turns and tilts
 * slightly and blinks: what a fake camera should show a face detector and tracker. Time is the
 * frame index / fps, so frames are a pure function of (desc, options, index).
 */
export class TestClip {
  readonly #raster: Raster;
  readonly #desc: FaceDescription;
  readonly #o: Required<ClipOptions>;
  readonly #out: Uint8Array;

  constructor(desc: FaceDescription, options: ClipOptions) {
    this.#o = { faceHeight: 1 / 3, stamp: false, ...options };
    if (!Number.isInteger(this.#o.width) || !Number.isInteger(this.#o.height) || this.#o.width < 64 || this.#o.height < 64) {
      throw new TypeError('clip: width and height must be integers ≥ 64');
    }
    if (!(this.#o.fps > 0)) throw new TypeError('clip: fps must be positive');
    this.#raster = new Raster(this.#o.width, this.#o.height);
    this.#out = new Uint8Array(this.#o.width * this.#o.height * 3);
    this.#desc = desc;
  }

  /** The pose of frame `index`: placement, pose nuisance and eye openness (ground truth for trackers). */
  stateAt(index: number): ClipFrameState {
    const { width: w, height: h, fps, faceHeight } = this.#o;
    const t = index / fps;
    const tau = 2 * Math.PI;
    return {
      placement: {
        cx: w / 2 + 0.14 * w * Math.sin((tau * t) / 4.1),
        cy: h * 0.52 + 0.06 * h * Math.sin((tau * t) / 3.3 + 1),
        // The oval is ~1.04 units tall.
        unit: (faceHeight * h) / 1.04,
        roll: ((7 * Math.PI) / 180) * Math.sin((tau * t) / 5.3),
      },
      nuisance: { yaw: 0.8 * Math.sin((tau * t) / 3.7), pitch: 0.4 * Math.sin((tau * t) / 4.7), gaze: 0.4 * Math.sin((tau * t) / 2.3) },
      eyeOpen: eyeOpenAt(t),
    };
  }

  /** Frame `index`; the returned image's buffer is reused by the next call. */
  frame(index: number): RgbImage {
    const { width: w, height: h } = this.#o;
    const state = this.stateAt(index);
    drawFace(this.#raster, this.#desc, state.placement, { nuisance: state.nuisance, eyeOpen: state.eyeOpen });
    const img = { data: this.#raster.toRgb8(this.#out), width: w, height: h };
    if (this.#o.stamp) stampFrameNumber(img, index);
    return img;
  }
}
