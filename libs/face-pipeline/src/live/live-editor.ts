import * as tf from '@tensorflow/tfjs';
import type { Editor } from '../editor/editor';
import { invertLatent } from '../editor/editor';
import { cropAligned, pasteAligned, type Alignment, type RgbImageLike } from '../face/align';
import { FaceTracker, alignmentFromFix, type TrackerOptions } from '../face/tracker';
import { OneEuroFilter, Ramp, type OneEuroOptions } from '../temporal/one-euro';

export interface LiveEditOptions extends TrackerOptions {
  /** One-Euro on the latent (W+): smoothing at rest and how fast it opens with motion. */
  latentFilter?: OneEuroOptions;
  /** One-Euro on the alignment (centre, scale, roll). */
  poseFilter?: OneEuroOptions;
  /** Fade between edits over this many ms when the command changes. Default 250. */
  rampMs?: number;
  /**
   * Run the model (invert → fuse → generate) on every N-th frame of a session; the frames between
   * re-paste the last generated face at their own, freshly tracked alignment (the face stays where
   * it is, its appearance updates at fps/N). 1 = every frame (default). Never reused while an edit
   * ramps, or after the command or strength changed.
   */
  modelEvery?: number;
  /**
   * How the edited face goes back into the frame. 'delta' (default): the generator draws both the
   * edited latent and the unedited (inverted) one in one batch, and only their difference is added
   * to the camera's own face under the mask — what the edit changes appears, everything else stays
   * the camera's pixels at full resolution (the 64-px reconstruction's blur and identity drift
   * cancel out). 'replace': the method's paste-back of the regenerated face itself (colour-matched).
   */
  composite?: 'delta' | 'replace';
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

/** One session's frame for `processBatch`. */
export interface LiveItem {
  id: string;
  frame: RgbImageLike;
  timestampMs: number;
  command: string | null;
  strength: number;
}

export interface LiveResult {
  /** False when the frame went through unchanged: no edit active, or no face found. */
  edited: boolean;
  face: boolean;
  /** True when the face was located by following the last landmark fix (a frame that reuses the last generated face), not by the landmark net. */
  followed: boolean;
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
  /** The last generated face (crop floats) and how many frames have reused it. */
  lastFace: Float32Array | null;
  lastKey: string;
  reused: number;
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

  constructor(editor: Editor, opts: LiveEditOptions = {}) {
    if (opts.composite !== undefined && opts.composite !== 'delta' && opts.composite !== 'replace') {
      throw new TypeError(`live: composite must be 'delta' or 'replace', got ${JSON.stringify(opts.composite)}`);
    }
    this.#editor = editor;
    this.#opts = opts;
  }

  get #mode(): 'delta' | 'replace' {
    return this.#opts.composite ?? 'delta';
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
        lastFace: null,
        lastKey: '',
        reused: 0,
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
    const [r] = await this.processBatch([{ id, frame, timestampMs, command, strength }]);
    return r!;
  }

  /**
   * Several sessions' frames at once (one per session): tracking and alignment run per frame, then
   * the encoder and the generator run once on the stacked crops (micro-batching across sessions:
   * one batch-n forward costs less than n batch-1 forwards), then each frame is pasted. Stage times
   * of batched stages are the batch's, shared by its frames.
   */
  async processBatch(items: readonly LiveItem[]): Promise<LiveResult[]> {
    const ids = new Set(items.map((i) => i.id));
    if (ids.size !== items.length) throw new TypeError('live: one frame per session per batch');
    const r = this.#editor.resolution;
    const results: LiveResult[] = [];
    const work: Array<{ s: SessionState; item: LiveItem; a: number; align: Alignment; crop: Float32Array; result: LiveResult }> = [];
    for (const item of items) {
      const s = await this.#session(item.id);
      if (item.command !== s.command) {
        s.previous = s.command;
        s.previousStrength = s.strength;
        s.command = item.command;
        s.ramp.restart(item.timestampMs);
      }
      s.strength = item.strength;
      const a = s.ramp.at(item.timestampMs);
      const result: LiveResult = { edited: false, face: false, followed: false, stages: zeroStages() };
      results.push(result);
      if (s.command === null && (s.previous === null || a >= 1)) {
        s.tracker.reset();
        s.pose.reset();
        s.latent.reset();
        continue;
      }
      const key = `${s.command ?? ''}|${s.strength}`;
      const every = this.#opts.modelEvery ?? 1;
      // A frame that will only re-paste the last generated face needs no landmark net: follow the
      // last fix (falls back to the landmark net when the face cannot be followed).
      const reuse = every > 1 && a >= 1 && s.lastFace !== null && s.lastKey === key && s.reused < every - 1;
      let t = performance.now();
      const followed = reuse ? s.tracker.follow(item.frame) : null;
      const fix = followed ?? (await s.tracker.track(item.frame));
      result.followed = followed !== null;
      result.stages.detect = performance.now() - t;
      if (fix === null) {
        s.pose.reset();
        s.latent.reset();
        continue;
      }
      t = performance.now();
      const raw = alignmentFromFix(fix);
      // Filter roll as a unit vector so ±π does not wrap.
      const p = s.pose.filter([raw.cx, raw.cy, raw.scale, Math.cos(raw.roll), Math.sin(raw.roll)], item.timestampMs);
      const align: Alignment = { cx: p[0]!, cy: p[1]!, scale: p[2]!, roll: Math.atan2(p[4]!, p[3]!) };
      result.stages.align = performance.now() - t;
      result.face = true;
      if (reuse && s.lastFace !== null) {
        s.reused++;
        t = performance.now();
        pasteAligned(item.frame, align, s.lastFace, r, { alpha: s.command === null ? 0 : 1, mode: this.#mode });
        result.stages.paste = performance.now() - t;
        result.edited = true;
        continue;
      }
      s.reused = 0;
      s.lastKey = a >= 1 ? key : ''; // a face generated mid-ramp is never reused

      t = performance.now();
      const crop = cropAligned(item.frame, align, r);
      result.stages.align += performance.now() - t;
      work.push({ s, item, a, align, crop, result });
    }
    if (work.length === 0) return results;
    const n = work.length;
    const share = (key: keyof StageTimes, ms: number): void => {
      for (const wk of work) wk.result.stages[key] = ms;
    };

    let t = performance.now();
    const stacked = new Float32Array(n * r * r * 3);
    work.forEach((wk, i) => stacked.set(wk.crop, i * r * r * 3));
    const x = tf.tensor4d(stacked, [n, r, r, 3]);
    const w0 = invertLatent(this.#editor.generator, this.#editor.encoder, x);
    x.dispose();
    const raw = w0.dataSync() as Float32Array;
    const per = raw.length / n;
    const smoothed = new Float32Array(raw.length);
    work.forEach((wk, i) => smoothed.set(wk.s.latent.filter(raw.subarray(i * per, (i + 1) * per), wk.item.timestampMs), i * per));
    const w = tf.tensor(smoothed, w0.shape) as tf.Tensor3D;
    w0.dispose();
    share('invert', performance.now() - t);

    t = performance.now();
    // Per frame: the target latent blends the previous edit and the current one along the ramp.
    // Text codes are cached per session (made outside tidy: they outlive this frame).
    const codes = work.map((wk) => ({
      cur: wk.s.command === null ? null : this.#code(wk.s, wk.s.command),
      prev: wk.a >= 1 || wk.s.previous === null ? null : this.#code(wk.s, wk.s.previous),
    }));
    const fused = tf.tidy(() => {
      const rows = work.map((wk, i) => {
        const wi = tf.slice(w, [i, 0, 0], [1, w.shape[1], w.shape[2]]);
        const at = (f: tf.Tensor2D | null, st: number): tf.Tensor => (f === null ? wi : this.#editor.fuse(wi, f, st));
        const cur = at(codes[i]!.cur, wk.s.strength);
        return wk.a >= 1 ? cur : tf.add(tf.mul(at(codes[i]!.prev, wk.s.previousStrength), 1 - wk.a), tf.mul(cur, wk.a));
      });
      return rows.length === 1 ? rows[0]! : tf.concat(rows, 0);
    });
    share('fuse', performance.now() - t);

    t = performance.now();
    const delta = this.#mode === 'delta';
    // Delta: one batch of 2n (edited, then unedited) costs less than two forwards.
    const both = delta ? tf.concat([fused, w], 0) : fused;
    const img = this.#editor.generate(both);
    if (delta) both.dispose();
    fused.dispose();
    w.dispose();
    const gen = img.dataSync() as Float32Array;
    img.dispose();
    const size = n * r * r * 3;
    const out = delta ? new Float32Array(size) : gen;
    if (delta) for (let j = 0; j < size; j++) out[j] = gen[j]! - gen[size + j]!;
    share('generate', performance.now() - t);

    work.forEach((wk, i) => {
      wk.s.lastFace = out.slice(i * r * r * 3, (i + 1) * r * r * 3);
      const t0 = performance.now();
      // Fading from or to "no edit" fades the pasted face itself, so the real face shows through.
      const alpha = wk.s.command === null ? 1 - wk.a : wk.s.previous === null ? wk.a : 1;
      pasteAligned(wk.item.frame, wk.align, out.subarray(i * r * r * 3, (i + 1) * r * r * 3), r, { alpha, mode: this.#mode });
      wk.result.stages.paste = performance.now() - t0;
      wk.result.edited = true;
    });
    return results;
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
