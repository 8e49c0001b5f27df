import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Editor } from '../editor/editor';
import type { RgbImageLike } from '../align/align';
import { enlargeForDetection } from '../detect/enlarge';
import { loadFraming } from '../align/photo-face';
import { type DetectedFace, FaceTracker } from '../detect/tracker';
import { LiveFaceEditor } from '../live/live-editor';
import type { LiveComposite } from '../live/live-options';
import { parseForModel } from '../models/models';

/** No face in the picture (or not the one asked for). */
export class NoFaceError extends Error {
  override readonly name = 'NoFaceError';
}

export interface PhotoEditorOptions {
  editorDir: string;
  generatorDir: string;
  fusion?: string;
  /** Edit refinement steps per face (needs `captioner`); 0 = the fusion alone. */
  refineEdit?: number;
  captioner?: string;
  composite?: LiveComposite;
  localize?: boolean;
  /**
   * The `attribute=level` edits the model's world can do (`modelLevels`, e.g. the real model's);
   * commands outside it fail with `UnsupportedEditError` before any work. Undefined: every edit.
   */
  levels?: ReadonlySet<string>;
}

export interface PhotoEditRequest {
  strength?: number;
  /** Which faces: the largest (default), all of them, or the n-th largest (0-based). */
  faces?: 'largest' | 'all' | number;
}

export interface PhotoFaceResult {
  /** Rank by size (0 = the largest face in the picture). */
  index: number;
  box: DetectedFace;
  /** False when the live path lost the face inside its region (nothing was pasted there). */
  edited: boolean;
}

export interface PhotoEditResult {
  image: RgbImageLike;
  faces: PhotoFaceResult[];
  /** Every face the detector found (the ones not asked for are left as they were). */
  found: number;
  ms: { detect: number; edit: number };
}

/** How much of the picture around a detected face the live path gets (its tracker wants margin). */
const REGION = 2.6;

/**
 * Edit faces in a photo at the photo's own size, with the live path itself: every face is found by
 * the detector, then a region around it (2.6× the face box, grey-padded where the picture ends) goes
 * through `LiveFaceEditor` — the same landmark tracking, alignment into the model's framing,
 * inversion, fusion, generation and feathered, colour-matched paste as a camera frame — and comes
 * back into the picture. Pixels away from the faces are never touched.
 */
export class PhotoEditor {
  readonly #live: LiveFaceEditor;
  readonly #editor: Editor;
  readonly #opts: PhotoEditorOptions;
  readonly #detector: FaceTracker;
  #n = 0;

  private constructor(editor: Editor, live: LiveFaceEditor, detector: FaceTracker, opts: PhotoEditorOptions) {
    this.#opts = opts;
    this.#editor = editor;
    this.#live = live;
    this.#detector = detector;
  }

  /** Load the models (initRuntime() first). The model's framing comes from `framing.json` beside the generator, as live. */
  static async load(o: PhotoEditorOptions): Promise<PhotoEditor> {
    const refine = o.refineEdit ?? 0;
    const editor = Editor.load(o.editorDir, o.generatorDir, { ...(o.fusion !== undefined ? { fusion: o.fusion } : {}), ...(refine > 0 && o.captioner !== undefined ? { captioner: o.captioner } : {}) });
    try {
      const framing = loadFraming(dirname(o.generatorDir));
      const live = new LiveFaceEditor(editor, {
        ...(framing !== undefined ? { framing } : {}),
        rampMs: 0,
        detectEvery: 1,
        inputSize: 224,
        schedule: 'inline',
        modelEvery: 1,
        composite: o.composite ?? 'delta',
        ...(o.localize !== undefined ? { localize: o.localize } : {}),
        ...(refine > 0 ? { refineEdit: refine } : {}),
      });
      return new PhotoEditor(editor, live, await FaceTracker.create({ inputSize: 608, scoreThreshold: 0.3 }), o);
    } catch (e) {
      editor.dispose();
      throw e;
    }
  }

  get resolution(): number {
    return this.#editor.resolution;
  }

  /**
   * Faces in the picture, largest first, in its pixels. When the detector finds none as it is (it
   * misses faces that fill the picture, and faces of a few dozen pixels), it looks again at the
   * picture scaled up to at least 256 px on its short side (nearest neighbour) inside a grey border
   * of half its size, as `alignPhotoFace` does.
   */
  async detect(img: RgbImageLike): Promise<DetectedFace[]> {
    const direct = await this.#detector.detectAll(img);
    if (direct.length > 0) return direct;
    const { img: big, scale: k, dx, dy } = enlargeForDetection(img, 256, 0.25);
    const found = await this.#detector.detectAll(big);
    return found.map((f) => ({ ...f, x: (f.x - dx) / k, y: (f.y - dy) / k, width: f.width / k, height: f.height / k }));
  }

  /**
   * Edit a copy of `img` with `command`. Throws the command's CommandError (unknown word, too long,
   * an edit outside the model's `levels`) before any work, NoFaceError when there is no face (or no n-th face).
   */
  async edit(img: RgbImageLike, command: string, req: PhotoEditRequest = {}): Promise<PhotoEditResult> {
    parseForModel(command, this.#opts.levels); // a bad command fails before the picture is looked at
    const t0 = performance.now();
    const found = await this.detect(img);
    const detectMs = performance.now() - t0;
    if (found.length === 0) throw new NoFaceError('no face found in the picture');
    const which = req.faces ?? 'largest';
    let chosen: number[];
    if (which === 'all') chosen = found.map((_, i) => i);
    else if (which === 'largest') chosen = [0];
    else {
      if (!Number.isInteger(which) || which < 0 || which >= found.length) throw new NoFaceError(`face ${which + 1} asked for, ${found.length} found`);
      chosen = [which];
    }
    const out: RgbImageLike = { width: img.width, height: img.height, data: Uint8Array.from(img.data) };
    const faces: PhotoFaceResult[] = [];
    const t1 = performance.now();
    for (const index of chosen) {
      const box = found[index]!;
      const region = cut(out, box);
      const id = `photo-${this.#n++}`;
      try {
        const r = await this.#live.process(id, region.image, 0, command, req.strength ?? 1);
        if (r.edited) put(out, region);
        faces.push({ index, box, edited: r.edited });
      } finally {
        this.#live.endSession(id);
      }
    }
    return { image: out, faces, found: found.length, ms: { detect: detectMs, edit: performance.now() - t1 } };
  }

  /**
   * Edit a picture that already is an aligned face crop in the model's framing (a data set's aligned
   * faces, a face-synth render): no detection. The model sees the picture scaled to its resolution;
   * at the model's size the result is the model's edit itself; larger pictures get the edit's change
   * (edited − input at the model's size) scaled up and added, so their own detail stays.
   */
  editAligned(img: RgbImageLike, command: string, req: { strength?: number } = {}): PhotoEditResult {
    parseForModel(command, this.#opts.levels);
    const r = this.#editor.resolution;
    const t0 = performance.now();
    const out = tf.tidy(() => {
      const full = tf.tensor3d(img.data, [img.height, img.width, 3], 'int32').toFloat().div(127.5).sub(1).expandDims(0) as tf.Tensor4D;
      const x = img.width === r && img.height === r ? full : tf.image.resizeBilinear(full, [r, r], false, true);
      const composite = this.#opts.composite === 'replace' ? 'replace' : 'delta';
      const edited = this.#editor.edit(x, command, { strength: req.strength ?? 1, refineEdit: this.#opts.refineEdit ?? 0, composite, localize: this.#opts.localize ?? true });
      const result = img.width === r && img.height === r ? edited : full.add(tf.image.resizeBilinear(edited.sub(x) as tf.Tensor4D, [img.height, img.width], false, true));
      return result.add(1).mul(127.5).clipByValue(0, 255).round().toInt();
    });
    const data = Uint8Array.from(out.dataSync());
    out.dispose();
    const box = { x: 0, y: 0, width: img.width, height: img.height, score: 1 };
    return { image: { width: img.width, height: img.height, data }, faces: [{ index: 0, box, edited: true }], found: 1, ms: { detect: 0, edit: performance.now() - t0 } };
  }

  dispose(): void {
    this.#live.dispose();
    this.#editor.dispose();
  }
}

interface Region {
  image: RgbImageLike;
  /** The region's top-left corner in the picture (may be negative: padding). */
  x: number;
  y: number;
}

/** A square around the face, REGION × its box, as its own picture (grey outside the photo). */
function cut(img: RgbImageLike, box: DetectedFace): Region {
  const side = Math.max(32, Math.round(Math.max(box.width, box.height) * REGION));
  const x = Math.round(box.x + box.width / 2 - side / 2);
  const y = Math.round(box.y + box.height / 2 - side / 2);
  const data = new Uint8Array(side * side * 3).fill(128);
  const x0 = Math.max(0, x);
  const x1 = Math.min(img.width, x + side);
  for (let yy = Math.max(0, y); yy < Math.min(img.height, y + side); yy++) {
    data.set(img.data.subarray((yy * img.width + x0) * 3, (yy * img.width + x1) * 3), ((yy - y) * side + (x0 - x)) * 3);
  }
  return { image: { width: side, height: side, data }, x, y };
}

/** Copy a region back into the picture (only its part inside the picture). */
function put(img: RgbImageLike, r: Region): void {
  const side = r.image.width;
  const x0 = Math.max(0, r.x);
  const x1 = Math.min(img.width, r.x + side);
  for (let yy = Math.max(0, r.y); yy < Math.min(img.height, r.y + side); yy++) {
    img.data.set(r.image.data.subarray(((yy - r.y) * side + (x0 - r.x)) * 3, ((yy - r.y) * side + (x1 - r.x)) * 3), (yy * img.width + x0) * 3);
  }
}
