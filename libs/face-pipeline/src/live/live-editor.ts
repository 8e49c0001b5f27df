import { Editor } from '../editor/editor';
import { cropAligned, pasteAligned, type Alignment, type FaceTemplate, type RgbImageLike } from '../face/align';
import { FaceTracker, alignmentFromFix, type FaceFix, type TrackerOptions } from '../face/tracker';
import { OneEuroFilter, Ramp, type OneEuroOptions } from '../temporal/one-euro';
import { editedAttributes, regionMask } from '../face/regions';
import { LocalFaceModel, type FaceModel, type ModelJob, type ModelStages, type ModelTarget } from './face-model';

/** How the edited face goes back into the frame (see `LiveEditOptions.composite`). */
export type LiveComposite = 'delta' | 'replace' | 'local-replace';
const COMPOSITES: readonly string[] = ['delta', 'replace', 'local-replace'];

export interface LiveEditOptions extends TrackerOptions {
  /** The model's framing (its folder's `framing.json`, `loadFraming`); default the synthetic world's. */
  framing?: FaceTemplate;
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
   * 'local-replace': the regenerated face only inside the edited attributes' region (`regionMask`:
   * the eyes for glasses, the mouth for a smile, all but the inner face for hair and hats), the
   * camera's own pixels everywhere else. It shows more of what the generator draws than a delta
   * (offline: "add glasses" 81 % against 46 %, a smile 59 % against 17 %) and keeps less identity
   * inside the region (docs/editor-report.md, "+local replace").
   */
  composite?: LiveComposite;
  /**
   * When the model runs. 'inline' (default): a model frame waits for invert → fuse → generate
   * (see `modelEvery`). 'async': no frame waits for the model. Each frame is tracked and gets the
   * newest generated face pasted at its own alignment; whenever the session's previous job is done,
   * the frame's crop goes to the model (its own thread with a `ThreadFaceModel`) and the result is
   * pasted on the frames after it arrives (`LiveResult.ageMs` says how old it is). A new edit
   * cross-fades in over `rampMs` once its first face arrives. `modelEvery` is not used.
   */
  schedule?: 'inline' | 'async';
  /** Delta composite: keep the change where the edited attributes live (`LocalFaceModelOptions.localize`; default true). */
  localize?: boolean;
  /**
   * Async schedule behind `EditWorker`: niceness of the model thread (default 10), so that on a
   * busy machine the model gets the CPU the media does not need (faces age) rather than delaying
   * frames. 0 = same priority as everything else.
   */
  modelNice?: number;
  /**
   * Edit refinement per person (`LocalFaceModelOptions.refineEdit`): steps of captioner-guided
   * refinement on a session's first face with a command, reused as an offset afterwards. Needs an
   * editor with a captioner. Default 0 (off).
   */
  refineEdit?: number;
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
  /** Async schedule: this frame's crop went to the model. */
  submitted?: boolean;
  /** Async schedule: ms between the frame the pasted face was generated from and this one. */
  ageMs?: number;
  /** Async schedule: stages of the session's model job that finished since the last frame. */
  model?: ModelStages & { batch: number };
  /** Async schedule: the session's last model job failed with this (the frame shows the last good face). */
  modelError?: string;
}

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

interface SessionState {
  tracker: FaceTracker;
  pose: OneEuroFilter;
  // Inline schedule: the ramp between the previous and the current command.
  ramp: Ramp;
  command: string | null;
  previous: string | null;
  previousStrength: number;
  strength: number;
  /** The face was lost (or the edit ended) since the session's last model job: reset its latent filter. */
  lost: boolean;
  // Inline schedule: the last generated face (crop floats) and how many frames have reused it.
  lastFace: Float32Array | null;
  lastKey: string;
  reused: number;
  // Async schedule.
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

const zeroStages = (): StageTimes => ({ detect: 0, align: 0, invert: 0, fuse: 0, generate: 0, paste: 0 });

/**
 * The per-frame editing loop of a live stream (several sessions share one editor): track the face,
 * align it to the model's crop, invert, fuse the session's text code, smooth over time, generate,
 * paste back. Frames are edited in place. Without an active edit, or without a face, the frame
 * goes through untouched (the documented fallback); when an edit starts, ends or changes, the
 * face fades between the old and new edit over `rampMs`. With `schedule: 'async'` no frame waits
 * for the model (see `LiveEditOptions.schedule`).
 */
export class LiveFaceEditor {
  readonly #model: FaceModel;
  readonly #opts: LiveEditOptions;
  readonly #sessions = new Map<string, SessionState>();

  /**
   * `model`: a loaded `Editor` (the model runs in this thread, as `LocalFaceModel`) or any
   * `FaceModel` (e.g. a started `ThreadFaceModel`; its composite wins over `opts.composite`).
   */
  constructor(model: Editor | FaceModel, opts: LiveEditOptions = {}) {
    if (opts.composite !== undefined && !COMPOSITES.includes(opts.composite)) {
      throw new TypeError(`live: composite must be 'delta', 'replace' or 'local-replace', got ${JSON.stringify(opts.composite)}`);
    }
    if (opts.schedule !== undefined && opts.schedule !== 'inline' && opts.schedule !== 'async') {
      throw new TypeError(`live: schedule must be 'inline' or 'async', got ${JSON.stringify(opts.schedule)}`);
    }
    this.#model = model instanceof Editor ? new LocalFaceModel(model, { ...(opts.refineEdit !== undefined ? { refineEdit: opts.refineEdit } : {}), ...(opts.latentFilter !== undefined ? { latentFilter: opts.latentFilter } : {}), composite: opts.composite === 'local-replace' ? 'replace' : (opts.composite ?? 'delta'), ...(opts.localize !== undefined ? { localize: opts.localize } : {}) }) : model;
    this.#opts = opts;
    this.#local = opts.composite === 'local-replace';
    if (this.#local && this.#model.composite !== 'replace') {
      throw new TypeError(`live: a local-replace composite needs a model that generates faces (composite 'replace'), this one makes '${this.#model.composite}'`);
    }
  }

  readonly #local: boolean;
  /** Local-replace: region masks by the commands whose faces they cover. */
  readonly #masks = new Map<string, Float32Array>();

  get #mode(): 'delta' | 'replace' {
    return this.#model.composite;
  }

  /** Local-replace: the paste mask of the faces generated for these commands (the union of their regions); undefined otherwise. */
  #maskFor(commands: ReadonlyArray<string | null>): Float32Array | undefined {
    if (!this.#local) return undefined;
    // Keyed by the command texts: a frame's lookup parses nothing.
    const key = commands.join('\u0000');
    let m = this.#masks.get(key);
    if (m === undefined) {
      const attrs = [...new Set(commands.flatMap((c) => (c === null ? [] : editedAttributes(c))))];
      m = regionMask(attrs, this.#model.resolution);
      if (this.#masks.size > 256) this.#masks.clear();
      this.#masks.set(key, m);
    }
    return m;
  }

  /** Async local-replace: a generated face as a layer premultiplied by its region mask. */
  #layerFace(face: Float32Array, command: string | null): { face: Float32Array; mask: Float32Array | null } {
    const m = this.#maskFor([command]);
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

  get sessions(): number {
    return this.#sessions.size;
  }

  async #session(id: string): Promise<SessionState> {
    let s = this.#sessions.get(id);
    if (s === undefined) {
      s = {
        tracker: await FaceTracker.create(this.#opts),
        pose: new OneEuroFilter(this.#opts.poseFilter ?? { minCutoff: 1.5, beta: 0.05 }),
        ramp: new Ramp(this.#opts.rampMs ?? 250),
        command: null,
        previous: null,
        previousStrength: 1,
        strength: 1,
        lost: true,
        lastFace: null,
        lastKey: '',
        reused: 0,
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

  /**
   * Find the face in the frame (`follow` the last landmark fix when asked to and it can, else the
   * landmark net) and its pose-filtered alignment, timing both into `result`; null (and the session
   * marked lost) without a face.
   */
  async #locate(s: SessionState, item: LiveItem, follow: boolean, result: LiveResult): Promise<Alignment | null> {
    let t = performance.now();
    const followed = follow ? s.tracker.follow(item.frame) : null;
    const fix = followed ?? (await s.tracker.track(item.frame));
    result.followed = followed !== null;
    result.stages.detect = performance.now() - t;
    if (fix === null) {
      s.pose.reset();
      s.lost = true;
      return null;
    }
    t = performance.now();
    const align = this.#align(s, fix, item.timestampMs);
    result.stages.align = performance.now() - t;
    result.face = true;
    return align;
  }

  /** The pose-filtered alignment of a fix. */
  #align(s: SessionState, fix: FaceFix, timestampMs: number): Alignment {
    const raw = alignmentFromFix(fix, this.#opts.framing);
    // Filter roll as a unit vector so ±π does not wrap.
    const p = s.pose.filter([raw.cx, raw.cy, raw.scale, Math.cos(raw.roll), Math.sin(raw.roll)], timestampMs);
    const a: Alignment = { cx: p[0]!, cy: p[1]!, scale: p[2]!, roll: Math.atan2(p[4]!, p[3]!) };
    return raw.template !== undefined ? { ...a, template: raw.template } : a;
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
   * Several sessions' frames at once (one per session). Inline schedule: tracking and alignment run
   * per frame, then the encoder and the generator run once on the stacked crops (micro-batching
   * across sessions: one batch-n forward costs less than n batch-1 forwards), then each frame is
   * pasted; stage times of batched stages are the batch's, shared by its frames. Async schedule:
   * each frame is tracked and pasted at once; the model thread batches the sessions' crops itself.
   */
  async processBatch(items: readonly LiveItem[]): Promise<LiveResult[]> {
    const ids = new Set(items.map((i) => i.id));
    if (ids.size !== items.length) throw new TypeError('live: one frame per session per batch');
    if (this.#opts.schedule === 'async') {
      const results: LiveResult[] = [];
      for (const item of items) results.push(await this.#processAsync(item));
      return results;
    }
    return this.#processInline(items);
  }

  async #processInline(items: readonly LiveItem[]): Promise<LiveResult[]> {
    const r = this.#model.resolution;
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
        s.lost = true;
        continue;
      }
      const key = `${s.command ?? ''}|${s.strength}`;
      const every = this.#opts.modelEvery ?? 1;
      // A frame that will only re-paste the last generated face needs no landmark net: follow the
      // last fix (falls back to the landmark net when the face cannot be followed).
      const reuse = every > 1 && a >= 1 && s.lastFace !== null && s.lastKey === key && s.reused < every - 1;
      const align = await this.#locate(s, item, reuse, result);
      if (align === null) continue;
      let t: number;
      if (reuse && s.lastFace !== null) {
        s.reused++;
        t = performance.now();
        pasteAligned(item.frame, align, s.lastFace, r, { alpha: s.command === null ? 0 : 1, mode: this.#mode, ...this.#maskOpt([s.command]) });
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

    // Per frame: the target latent blends the previous edit and the current one along the ramp.
    const jobs: ModelJob[] = work.map((wk) => {
      const cur: ModelTarget = { command: wk.s.command, strength: wk.s.strength, weight: wk.a >= 1 || wk.s.previous === null ? 1 : wk.a };
      const targets = cur.weight === 1 ? [cur] : [{ command: wk.s.previous, strength: wk.s.previousStrength, weight: 1 - wk.a }, cur];
      const job: ModelJob = { id: wk.item.id, crop: wk.crop, timestampMs: wk.item.timestampMs, targets, reset: wk.s.lost };
      wk.s.lost = false;
      return job;
    });
    const out = await this.#model.run(jobs);
    for (const wk of work) {
      wk.result.stages.invert = out.stages.invert;
      wk.result.stages.fuse = out.stages.fuse;
      wk.result.stages.generate = out.stages.generate;
    }
    work.forEach((wk, i) => {
      const face = out.faces[i]!;
      wk.s.lastFace = face;
      const t0 = performance.now();
      // Fading from or to "no edit" fades the pasted face itself, so the real face shows through.
      const alpha = wk.s.command === null ? 1 - wk.a : wk.s.previous === null ? wk.a : 1;
      pasteAligned(wk.item.frame, wk.align, face, r, { alpha, mode: this.#mode, ...this.#maskOpt(jobs[i]!.targets.map((tg) => tg.command)) });
      wk.result.stages.paste = performance.now() - t0;
      wk.result.edited = true;
    });
    return results;
  }

  #maskOpt(commands: ReadonlyArray<string | null>): { mask?: Float32Array } {
    const m = this.#maskFor(commands);
    return m === undefined ? {} : { mask: m };
  }

  /** What the async schedule shows at `t`: the cross-fade of `out` into `cur` (premultiplied). */
  #shown(s: SessionState, t: number): Layer {
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
  #switch(s: SessionState, key: string, face: Float32Array | null, sourceMs: number, t: number, start: number | null): void {
    const shown = this.#shown(s, t);
    s.out = { face: shown.face, alpha: shown.alpha, mask: shown.mask ?? null };
    s.cur = { key, face, alpha: face === null ? 0 : 1, mask: null, start, sourceMs };
  }

  async #processAsync(item: LiveItem): Promise<LiveResult> {
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
    const align = await this.#locate(s, item, !submit, result);
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
        pasteAligned(item.frame, align, face, r, { alpha: shown.alpha, mode: this.#mode });
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
        pasteAligned(item.frame, align, face, r, { alpha: 1, mode: this.#mode, mask: pm });
      }
      result.stages.paste = performance.now() - t0;
      result.edited = true;
      result.ageMs = t - s.cur.sourceMs;
    }
    return result;
  }

  /** Drop a session's tracker, filters and text codes. */
  endSession(id: string): void {
    if (!this.#sessions.delete(id)) return;
    this.#model.endSession(id);
  }

  /** End every session and dispose the model (a `ThreadFaceModel` stops its thread). */
  dispose(): void {
    for (const id of [...this.#sessions.keys()]) this.endSession(id);
    this.#model.dispose();
  }
}
