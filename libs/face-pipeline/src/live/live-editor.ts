import * as tf from '@tensorflow/tfjs';
import type { Editor } from '../editor/editor';
import { invertLatent } from '../editor/editor';
import { alignmentFromLandmarks, cropAligned, pasteAligned, type Alignment, type RgbImageLike } from '../face/align';
import { FaceTracker, type TrackerOptions } from '../face/tracker';
import { OneEuroFilter, Ramp, type OneEuroOptions } from '../temporal/one-euro';

export interface LiveEditOptions extends TrackerOptions {
  /** One-Euro on the latent (W+): smoothing at rest and how fast it opens with motion. */
  latentFilter?: OneEuroOptions;
  /** One-Euro on the alignment (centre, scale, roll). */
  poseFilter?: OneEuroOptions;
  /** Fade between edits over this many ms when the command changes. Default 250. */
  rampMs?: number;
}

/** Milliseconds per stage of one frame (0 for stages that did not run). */
export interface StageTimes {
  detect: number;
  align: number;
  invert: number;
  fuse: number;
  generate: number;
  paste: number;
}

export interface LiveResult {
  /** False when the frame went through unchanged: no edit active, or no face found. */
  edited: boolean;
  face: boolean;
  stages: StageTimes;
}

interface SessionState {
  tracker: FaceTracker;
  pose: OneEuroFilter;
  latent: OneEuroFilter;
  ramp: Ramp;
  command: string | null;
  previous: string | null;
  previousStrength: number;
  strength: number;
  codes: Map<string, tf.Tensor2D>;
}

const zeroStages = (): StageTimes => ({ detect: 0, align: 0, invert: 0, fuse: 0, generate: 0, paste: 0 });

/**
 * The per-frame editing loop of a live stream (several sessions share one editor): track the face,
 * align it to the model's crop, invert, fuse the session's text code, smooth over time, generate,
 * paste back. Frames are edited in place. Without an active edit, or without a face, the frame
 * goes through untouched (the documented fallback); when an edit starts, ends or changes, the
 * face fades between the old and new edit over `rampMs`.
 */
export class LiveFaceEditor {
  readonly #editor: Editor;
  readonly #opts: LiveEditOptions;
  readonly #sessions = new Map<string, SessionState>();
  readonly #crop: Float32Array;

  constructor(editor: Editor, opts: LiveEditOptions = {}) {
    this.#editor = editor;
    this.#opts = opts;
    const r = editor.resolution;
    this.#crop = new Float32Array(r * r * 3);
  }

  get sessions(): number {
    return this.#sessions.size;
  }

  async #session(id: string): Promise<SessionState> {
    let s = this.#sessions.get(id);
    if (s === undefined) {
      s = {
        tracker: await FaceTracker.create(this.#opts),
        pose: new OneEuroFilter(this.#opts.poseFilter ?? { minCutoff: 1.5, beta: 0.05 }),
        latent: new OneEuroFilter(this.#opts.latentFilter ?? { minCutoff: 1, beta: 2 }),
        ramp: new Ramp(this.#opts.rampMs ?? 250),
        command: null,
        previous: null,
        previousStrength: 1,
        strength: 1,
        codes: new Map(),
      };
      this.#sessions.set(id, s);
    }
    return s;
  }

  #code(s: SessionState, text: string): tf.Tensor2D {
    let f = s.codes.get(text);
    if (f === undefined) {
      f = this.#editor.encodeText(text); // throws CommandError for bad text: the caller validated it
      s.codes.set(text, f);
      // Keep the codes of the current and previous command only.
      for (const [k, v] of s.codes) {
        if (k !== text && k !== s.command && k !== s.previous) {
          v.dispose();
          s.codes.delete(k);
        }
      }
    }
    return f;
  }

  /**
   * Edit `frame` in place for session `id`: `command` is the text of the session's active edits
   * (null = none), `strength` its global strength; `timestampMs` a monotonic arrival time.
   */
  async process(id: string, frame: RgbImageLike, timestampMs: number, command: string | null, strength: number): Promise<LiveResult> {
    const s = await this.#session(id);
    if (command !== s.command) {
      s.previous = s.command;
      s.previousStrength = s.strength;
      s.command = command;
      s.ramp.restart(timestampMs);
    }
    s.strength = strength;
    const a = s.ramp.at(timestampMs);
    const stages = zeroStages();
    if (s.command === null && (s.previous === null || a >= 1)) {
      s.tracker.reset();
      s.pose.reset();
      s.latent.reset();
      return { edited: false, face: false, stages };
    }
    let t = performance.now();
    const fix = await s.tracker.track(frame);
    stages.detect = performance.now() - t;
    if (fix === null) {
      s.pose.reset();
      s.latent.reset();
      return { edited: false, face: false, stages };
    }
    t = performance.now();
    const raw = alignmentFromLandmarks(fix.leftEye, fix.rightEye, fix.mouth);
    // Filter roll as a unit vector so ±π does not wrap.
    const p = s.pose.filter([raw.cx, raw.cy, raw.scale, Math.cos(raw.roll), Math.sin(raw.roll)], timestampMs);
    const align: Alignment = { cx: p[0]!, cy: p[1]!, scale: p[2]!, roll: Math.atan2(p[4]!, p[3]!) };
    const r = this.#editor.resolution;
    cropAligned(frame, align, r, this.#crop);
    stages.align = performance.now() - t;

    t = performance.now();
    const x = tf.tensor4d(this.#crop, [1, r, r, 3]);
    const w0 = invertLatent(this.#editor.generator, this.#editor.encoder, x);
    x.dispose();
    const smoothed = s.latent.filter(w0.dataSync(), timestampMs);
    const w = tf.tensor(Float32Array.from(smoothed), w0.shape) as tf.Tensor3D;
    w0.dispose();
    stages.invert = performance.now() - t;

    t = performance.now();
    // Target latent: blend of the previous edit and the current one along the ramp.
    // Text codes are cached per session (outside tidy: they outlive this frame).
    const fCur = s.command === null ? null : this.#code(s, s.command);
    const fPrev = a >= 1 || s.previous === null ? null : this.#code(s, s.previous);
    const fused = tf.tidy(() => {
      const at = (f: tf.Tensor2D | null, st: number): tf.Tensor => (f === null ? w : this.#editor.fuse(w, f, st));
      const cur = at(fCur, s.strength);
      return a >= 1 ? cur : tf.add(tf.mul(at(fPrev, s.previousStrength), 1 - a), tf.mul(cur, a));
    });
    w.dispose();
    stages.fuse = performance.now() - t;

    t = performance.now();
    const img = this.#editor.generate(fused);
    fused.dispose();
    const out = img.dataSync() as Float32Array;
    img.dispose();
    stages.generate = performance.now() - t;

    t = performance.now();
    // Fading from or to "no edit" fades the pasted face itself, so the real face shows through.
    const alpha = s.command === null ? 1 - a : s.previous === null ? a : 1;
    pasteAligned(frame, align, out, r, { alpha });
    stages.paste = performance.now() - t;
    return { edited: true, face: true, stages };
  }

  /** Drop a session's tracker, filters and text codes. */
  endSession(id: string): void {
    const s = this.#sessions.get(id);
    if (s === undefined) return;
    for (const f of s.codes.values()) f.dispose();
    this.#sessions.delete(id);
  }

  dispose(): void {
    for (const id of [...this.#sessions.keys()]) this.endSession(id);
  }
}
