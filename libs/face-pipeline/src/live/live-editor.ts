import type { RgbImageLike } from '../align/align';
import { Editor } from '../editor/editor';
import { AsyncSchedule } from './async-schedule';
import { LocalFaceModel, type FaceModel } from './face-model';
import { InlineSchedule } from './inline-schedule';
import { COMPOSITES, type LiveEditOptions, type LiveItem, type LiveResult, type LiveSchedule } from './live-options';
import { RegionMasks } from './tracked-session';

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
  /** The schedule's own file: `inline-schedule.ts` or `async-schedule.ts`. */
  readonly #schedule: LiveSchedule;

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
    const local = opts.composite === 'local-replace';
    if (local && this.#model.composite !== 'replace') {
      throw new TypeError(`live: a local-replace composite needs a model that generates faces (composite 'replace'), this one makes '${this.#model.composite}'`);
    }
    const masks = new RegionMasks(local, this.#model);
    this.#schedule = opts.schedule === 'async' ? new AsyncSchedule(this.#model, opts, masks) : new InlineSchedule(this.#model, opts, masks);
  }

  get sessions(): number {
    return this.#schedule.sessions;
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
    return this.#schedule.processBatch(items);
  }

  /** Drop a session's tracker, filters and text codes. */
  endSession(id: string): void {
    if (!this.#schedule.endSession(id)) return;
    this.#model.endSession(id);
  }

  /** End every session and dispose the model (a `ThreadFaceModel` stops its thread). */
  dispose(): void {
    for (const id of this.#schedule.sessionIds()) this.endSession(id);
    this.#model.dispose();
  }
}
