import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { alignmentFromLandmarks, type Alignment, type FaceTemplate, type Point, type RgbImageLike } from '../align/align';
import { PatchFollower } from './patch-follower';

/** The bits of @vladmandic/face-api this module uses (its node-wasm build shares our tfjs). */
interface FaceApi {
  tf: { engine(): unknown };
  nets: {
    tinyFaceDetector: { loadFromDisk(dir: string): Promise<void> };
    faceLandmark68TinyNet: { loadFromDisk(dir: string): Promise<void>; detectLandmarks(input: tf.Tensor3D): Promise<{ positions: Array<{ x: number; y: number }> }> };
  };
  TinyFaceDetectorOptions: new (o: { inputSize: number; scoreThreshold: number }) => unknown;
  detectSingleFace(input: tf.Tensor3D, options: unknown): Promise<{ box: { x: number; y: number; width: number; height: number }; score: number } | undefined>;
  detectAllFaces(input: tf.Tensor3D, options: unknown): Promise<Array<{ box: { x: number; y: number; width: number; height: number }; score: number }>>;
}

/** A face the detector found: its box in the frame's pixels and the detector's score. */
export interface DetectedFace {
  x: number;
  y: number;
  width: number;
  height: number;
  score: number;
}

/**
 * face-api's eye and mouth centres are not the renderer's: on face-synth test clips (12 faces × 10
 * frames, against the ground-truth landmarks) the alignment they give is 8.7 % too large (IQR
 * 4–11 %) and 0.7 % of the crop too high, which zooms the crop out. `alignmentFromFix` corrects both
 * (`tracker.test.ts` re-measures it).
 */
export const FACE_API_CALIBRATION = { scale: 1.087, dy: -0.0071 } as const;

/**
 * The alignment for a tracked face into the model's framing. With a measured `framing` (a real-face
 * model's `framing.json`, measured with these same face-api landmarks) the landmarks map onto it
 * directly; without one, the synthetic framing with face-api's bias against it removed.
 */
export function alignmentFromFix(fix: FaceFix, framing?: FaceTemplate): Alignment {
  if (framing !== undefined) return alignmentFromLandmarks(fix.leftEye, fix.rightEye, fix.mouth, framing);
  const a = alignmentFromLandmarks(fix.leftEye, fix.rightEye, fix.mouth);
  const scale = a.scale / FACE_API_CALIBRATION.scale;
  return { cx: a.cx, cy: a.cy - FACE_API_CALIBRATION.dy * scale, scale, roll: a.roll };
}

export interface FaceFix {
  leftEye: Point;
  rightEye: Point;
  mouth: Point;
  /** Square box the landmarks were read in (frame pixels). */
  box: { x: number; y: number; width: number; height: number };
  /** True when this frame ran the detector (not only the landmark tracker). */
  detected: boolean;
}

/**
 * `follow` gives up (the caller runs `track`) when the best patch match still differs by more than
 * this many grey levels on average: the face turned, was covered or left.
 */
export const MAX_FOLLOW_ERROR = 18;

export interface TrackerOptions {
  /** Run the detector every this many frames (landmarks track in between). Default 5. */
  detectEvery?: number;
  /** Tiny face detector input size (multiple of 32). Default 224. */
  inputSize?: number;
  scoreThreshold?: number;
}

let faceApi: FaceApi | null = null;
let loading: Promise<FaceApi> | null = null;

/**
 * Load face-api's tiny face detector and tiny 68-point landmark net from the models shipped inside
 * the npm package (nothing is downloaded). Must run after `initRuntime()`: face-api's node-wasm
 * build uses this process's tfjs, and this checks it really is the same engine.
 */
export async function loadFaceApi(): Promise<FaceApi> {
  if (faceApi !== null) return faceApi;
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    const api = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
    if (api.tf.engine() !== tf.engine()) throw new Error('face-api: its tfjs is not ours (two tfjs instances); check that @tensorflow/tfjs resolves to one copy');
    const models = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
    await api.nets.tinyFaceDetector.loadFromDisk(models);
    await api.nets.faceLandmark68TinyNet.loadFromDisk(models);
    faceApi = api;
    return api;
  })();
  return loading;
}

function mean(pts: ReadonlyArray<{ x: number; y: number }>, from: number, to: number): Point {
  let x = 0;
  let y = 0;
  for (let i = from; i <= to; i++) {
    x += pts[i]!.x;
    y += pts[i]!.y;
  }
  const n = to - from + 1;
  return { x: x / n, y: y / n };
}

/**
 * One face per stream: the detector every `detectEvery` frames (or when the track is lost), the
 * 68-point landmark net every frame inside a box derived from the previous landmarks. Gives the
 * eye and mouth centres the alignment needs, or null when there is no face.
 */
export class FaceTracker {
  readonly #api: FaceApi;
  readonly #opts: Required<TrackerOptions>;
  readonly #detectorOptions: unknown;
  #box: FaceFix['box'] | null = null;
  #sinceDetect = 0;
  /** The last landmark fix, its next-frame box and its patch, for `follow`. */
  #anchor: { fix: FaceFix; box: FaceFix['box'] } | null = null;
  readonly #follower = new PatchFollower();

  private constructor(api: FaceApi, opts: TrackerOptions) {
    this.#api = api;
    this.#opts = { detectEvery: opts.detectEvery ?? 5, inputSize: opts.inputSize ?? 224, scoreThreshold: opts.scoreThreshold ?? 0.1 };
    this.#detectorOptions = new api.TinyFaceDetectorOptions({ inputSize: this.#opts.inputSize, scoreThreshold: this.#opts.scoreThreshold });
  }

  static async create(opts: TrackerOptions = {}): Promise<FaceTracker> {
    return new FaceTracker(await loadFaceApi(), opts);
  }

  /** Every face the detector finds in a still picture (no tracking state changes), largest first. */
  async detectAll(frame: RgbImageLike): Promise<DetectedFace[]> {
    const img = tf.tensor3d(frame.data, [frame.height, frame.width, 3], 'int32');
    let dets: Awaited<ReturnType<FaceApi['detectAllFaces']>>;
    try {
      dets = await this.#api.detectAllFaces(img, this.#detectorOptions);
    } finally {
      img.dispose();
    }
    return dets.map((d) => ({ x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height, score: d.score })).sort((a, b) => b.width * b.height - a.width * a.height);
  }

  /** Forget the track (next frame runs the detector). */
  reset(): void {
    this.#box = null;
    this.#anchor = null;
    this.#follower.reset();
  }

  /**
   * A cheap fix between landmark frames: the last landmark fix moved by where its face patch went
   * (`PatchFollower`, translation only, ≈ 1 ms against ≈ 10–25 ms for the landmark net). Null when
   * there is no landmark fix to follow or the match is poor: run `track` then. Does not count
   * toward `detectEvery`.
   */
  follow(frame: RgbImageLike): FaceFix | null {
    const a = this.#anchor;
    if (a === null) return null;
    const m = this.#follower.follow(frame);
    if (m === null || m.error > MAX_FOLLOW_ERROR) return null;
    const move = (p: Point): Point => ({ x: p.x + m.dx, y: p.y + m.dy });
    // The landmark net's next box follows the face too.
    this.#box = { ...a.box, x: a.box.x + m.dx, y: a.box.y + m.dy };
    return { leftEye: move(a.fix.leftEye), rightEye: move(a.fix.rightEye), mouth: move(a.fix.mouth), box: { ...a.fix.box, x: a.fix.box.x + m.dx, y: a.fix.box.y + m.dy }, detected: false };
  }

  async track(frame: RgbImageLike): Promise<FaceFix | null> {
    let detected = false;
    this.#anchor = null;
    if (this.#box === null || this.#sinceDetect >= this.#opts.detectEvery) {
      // Only detection frames turn the whole picture into a tensor. (Halving it first saved ~1 ms per
      // frame but found the face in 91.7 % of clip frames instead of 95 %: not kept.)
      const img = tf.tensor3d(frame.data, [frame.height, frame.width, 3], 'int32');
      let det: Awaited<ReturnType<FaceApi['detectSingleFace']>>;
      try {
        det = await this.#api.detectSingleFace(img, this.#detectorOptions);
      } finally {
        img.dispose();
      }
      this.#sinceDetect = 0;
      if (det === undefined) {
        this.#box = null;
        return null;
      }
      detected = true;
      // The detector's box is tight around the face; the landmark net wants a little margin.
      const side = Math.max(det.box.width, det.box.height) * 1.1;
      this.#box = { x: det.box.x + det.box.width / 2 - side / 2, y: det.box.y + det.box.height / 2 - side / 2, width: side, height: side };
    }
    this.#sinceDetect++;
    const b = this.#box!;
    const x0 = Math.max(0, Math.round(b.x));
    const y0 = Math.max(0, Math.round(b.y));
    const x1 = Math.min(frame.width, Math.round(b.x + b.width));
    const y1 = Math.min(frame.height, Math.round(b.y + b.height));
    if (x1 - x0 < 16 || y1 - y0 < 16) {
      this.#box = null;
      return null;
    }
    // The landmark net reads only the box: copy those rows out of the frame (no full-frame tensor).
    const w = x1 - x0;
    const h = y1 - y0;
    const rows = new Int32Array(w * h * 3);
    for (let y = 0; y < h; y++) {
      const src = ((y0 + y) * frame.width + x0) * 3;
      for (let i = 0; i < w * 3; i++) rows[y * w * 3 + i] = frame.data[src + i]!;
    }
    const crop = tf.tensor3d(rows, [h, w, 3], 'int32');
    let pts: Array<{ x: number; y: number }>;
    try {
      pts = (await this.#api.nets.faceLandmark68TinyNet.detectLandmarks(crop)).positions.map((p) => ({ x: p.x + x0, y: p.y + y0 }));
    } finally {
      crop.dispose();
    }
    const leftEye = mean(pts, 36, 41);
    const rightEye = mean(pts, 42, 47);
    const mouth = mean(pts, 48, 67);
    const eyeDist = Math.hypot(rightEye.x - leftEye.x, rightEye.y - leftEye.y);
    if (!(eyeDist > 4) || eyeDist > b.width) {
      this.#box = null; // lost: the next frame runs the detector
      return null;
    }
    // Next frame's box: centred on the landmarks, sized from the eye distance (≈ detector framing).
    const cx = (leftEye.x + rightEye.x + mouth.x * 2) / 4;
    const cy = (leftEye.y + rightEye.y + mouth.y * 2) / 4;
    const side = eyeDist * 3.2;
    this.#box = { x: cx - side / 2, y: cy - side / 2, width: side, height: side };
    const fix = { leftEye, rightEye, mouth, box: b, detected };
    this.#anchor = { fix, box: this.#box };
    this.#follower.anchor(frame, leftEye, rightEye, mouth);
    return fix;
  }
}
