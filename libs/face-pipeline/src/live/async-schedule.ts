import { cropAligned } from '../align/align';
import { pasteAligned } from '../paste/paste';
import type { FaceModel, ModelJob, ModelStages } from './face-model';
import { zeroStages, type LiveEditOptions, type LiveItem, type LiveResult, type LiveSchedule } from './live-options';
import { locateFace, trackedSession, type RegionMasks, type TrackedSession } from './tracked-session';

/**
 * A face on screen in the async schedule: premultiplied (alpha × face) crop floats, and its alpha.
 * With a local-replace composite, `mask` is the per-pixel alpha (size² floats) the face is
 * premultiplied by instead.
 */
interface Layer {
  face: Float32Array | null;
  alpha: number;
  mask?: Float32Array | null;
}

interface AsyncSession extends TrackedSession {
  /** `command|strength` the session asks for now ('' = no edit). */
  key: string;
  /** A model job of this session is in flight. */
  pending: boolean;
  /** What is shown now: the newest face for `cur.key`, cross-fading in from `out` since `cur.start`. */
  cur: Layer & { key: string; start: number | null; sourceMs: number };
  out: Layer;
  /** Stages of the job that finished since the last frame, and its failure if it failed. */
  finished: (ModelStages & { batch: number }) | null;
  error: string | null;
  /** Timestamp of the session's newest frame. */
  lastMs: number;
}

/**
 * The async schedule (`LiveEditOptions.schedule: 'async'`): no frame waits for the model. Each
 * frame is tracked and gets the newest generated face pasted at its own alignment; whenever the
 * session's previous job is done, the frame's crop goes to the model (e.g. a `ThreadFaceModel`,
 * which batches the sessions' crops itself) and the result is pasted on the frames after it
 * arrives (`LiveResult.ageMs` says how old it is). A new edit cross-fades in over `rampMs` once its
 * first face arrives (in crop space, premultiplied); ending every edit fades out at once.
 */
export class AsyncSchedule implements LiveSchedule {
  readonly #model: FaceModel;
  readonly #opts: LiveEditOptions;
  readonly #masks: RegionMasks;
  readonly #sessions = new Map<string, AsyncSession>();

  constructor(model: FaceModel, opts: LiveEditOptions, masks: RegionMasks) {
    this.#model = model;
    this.#opts = opts;
    this.#masks = masks;
  }

  get sessions(): number {
    return this.#sessions.size;
  }

  sessionIds(): string[] {
    return [...this.#sessions.keys()];
  }

  endSession(id: string): boolean {
    return this.#sessions.delete(id);
  }

  async #session(id: string): Promise<AsyncSession> {
    let s = this.#sessions.get(id);
    if (s === undefined) {
      s = {
        ...(await trackedSession(this.#opts)),
        key: '',
        pending: false,
        cur: { key: '', face: null, alpha: 0, start: null, sourceMs: 0 },
        out: { face: null, alpha: 0 },
        finished: null,
        error: null,
        lastMs: 0,
      };
      this.#sessions.set(id, s);
    }
    return s;
  }

  /** Frames one after the other: each is tracked and pasted at once. */
  async processBatch(items: readonly LiveItem[]): Promise<LiveResult[]> {
    const results: LiveResult[] = [];
    for (const item of items) results.push(await this.#process(item));
    return results;
  }

  /** Local-replace: a generated face as a layer premultiplied by its region mask. */
  #layerFace(face: Float32Array, command: string | null): { face: Float32Array; mask: Float32Array | null } {
    const m = this.#masks.maskFor([command]);
    if (m === undefined) return { face, mask: null };
    const out = new Float32Array(face.length);
    for (let p = 0; p < m.length; p++) {
      const k = m[p]!;
      out[3 * p] = face[3 * p]! * k;
      out[3 * p + 1] = face[3 * p + 1]! * k;
      out[3 * p + 2] = face[3 * p + 2]! * k;
    }
    return { face: out, mask: m };
  }

  /** What is shown at `t`: the cross-fade of `out` into `cur` (premultiplied). */
  #shown(s: AsyncSession, t: number): Layer {
    const c = s.cur;
    if (c.start === null) return s.out; // not shown yet: the cross-fade starts on its first frame
    const a = s.ramp.durationMs === 0 ? 1 : Math.min(1, Math.max(0, (t - c.start) / s.ramp.durationMs));
    if (a >= 1) {
      s.out = { face: null, alpha: 0 };
      return c;
    }
    if (s.out.alpha === 0 && c.face === null) return { face: null, alpha: 0 };
    const n = (c.face ?? s.out.face)!.length;
    const face = new Float32Array(n);
    const o = s.out.face;
    const f = c.face;
    for (let k = 0; k < n; k++) face[k] = (o === null ? 0 : (1 - a) * o[k]!) + (f === null ? 0 : a * f[k]!);
    const alpha = (1 - a) * s.out.alpha + a * c.alpha;
    const mo = s.out.mask ?? null;
    const mc = c.mask ?? null;
    if (mo === null && mc === null) return { face, alpha };
    // Per-pixel alphas: each layer's mask, or its uniform alpha.
    const mask = new Float32Array(n / 3);
    for (let p = 0; p < mask.length; p++) {
      mask[p] = (1 - a) * (o === null ? 0 : mo === null ? s.out.alpha : mo[p]!) + a * (f === null ? 0 : mc === null ? c.alpha : mc[p]!);
    }
    return { face, alpha, mask };
  }

  /**
   * Show `face` for `key`, cross-fading from what is shown at `t` (the session's newest frame);
   * the fade starts at `start`, or on the first frame that shows the face when null.
   */
  #switch(s: AsyncSession, key: string, face: Float32Array | null, sourceMs: number, t: number, start: number | null): void {
    const shown = this.#shown(s, t);
    s.out = { face: shown.face, alpha: shown.alpha, mask: shown.mask ?? null };
    s.cur = { key, face, alpha: face === null ? 0 : 1, mask: null, start, sourceMs };
  }

  async #process(item: LiveItem): Promise<LiveResult> {
    const r = this.#model.resolution;
    const s = await this.#session(item.id);
    const t = item.timestampMs;
    const result: LiveResult = { edited: false, face: false, followed: false, stages: zeroStages(), submitted: false };
    if (s.finished !== null) {
      result.model = s.finished;
      s.finished = null;
    }
    if (s.error !== null) {
      result.modelError = s.error;
      s.error = null;
    }
    s.lastMs = t;
    const key = item.command === null ? '' : `${item.command}|${item.strength}`;
    if (key !== s.key) {
      s.key = key;
      // Ending every edit needs no model: fade out now. A new edit fades in when its face arrives.
      if (key === '') this.#switch(s, '', null, t, t, t);
    }
    const shownNow = this.#shown(s, t);
    if (key === '' && shownNow.alpha === 0) {
      s.tracker.reset();
      s.pose.reset();
      s.lost = true;
      return result;
    }
    const submit = key !== '' && !s.pending;
    // The crop for the model gets a landmark fix; frames in between follow the last one.
    const align = await locateFace(s, item, !submit, result, this.#opts);
    if (align === null) return result;
    let t0: number;

    if (submit) {
      t0 = performance.now();
      const job: ModelJob = { id: item.id, crop: cropAligned(item.frame, align, r), timestampMs: t, targets: [{ command: item.command, strength: item.strength, weight: 1 }], reset: s.lost };
      result.stages.align += performance.now() - t0;
      s.lost = false;
      s.pending = true;
      result.submitted = true;
      this.#model.run([job]).then(
        (out) => {
          if (this.#sessions.get(item.id) !== s) return; // the session ended meanwhile
          s.pending = false;
          s.finished = { ...out.stages, batch: out.batch };
          if (s.key !== key) return; // the edit changed meanwhile: a newer job follows
          const layer = this.#layerFace(out.faces[0]!, item.command);
          if (s.cur.key !== key) this.#switch(s, key, null, t, s.lastMs, null);
          s.cur.face = layer.face;
          s.cur.mask = layer.mask;
          s.cur.alpha = 1;
          s.cur.sourceMs = t;
        },
        (e: unknown) => {
          if (this.#sessions.get(item.id) !== s) return;
          s.pending = false;
          s.error = (e as Error).message;
        },
      );
    }

    const shown = this.#shown(s, t);
    if (s.cur.start === null) s.cur.start = t;
    if (shown.face !== null && shown.alpha > 1e-3) {
      t0 = performance.now();
      const pm = shown.mask ?? null;
      if (pm === null) {
        const face = shown.alpha === 1 ? shown.face : shown.face.map((v) => v / shown.alpha);
        pasteAligned(item.frame, align, face, r, { alpha: shown.alpha, mode: this.#model.composite });
      } else {
        // Un-premultiply per pixel; the per-pixel alpha goes in as the paste mask.
        const sf = shown.face;
        const face = new Float32Array(sf.length);
        for (let p = 0; p < pm.length; p++) {
          const k = pm[p]!;
          if (k <= 1e-6) continue;
          face[3 * p] = sf[3 * p]! / k;
          face[3 * p + 1] = sf[3 * p + 1]! / k;
          face[3 * p + 2] = sf[3 * p + 2]! / k;
        }
        pasteAligned(item.frame, align, face, r, { alpha: 1, mode: this.#model.composite, mask: pm });
      }
      result.stages.paste = performance.now() - t0;
      result.edited = true;
      result.ageMs = t - s.cur.sourceMs;
    }
    return result;
  }
}
