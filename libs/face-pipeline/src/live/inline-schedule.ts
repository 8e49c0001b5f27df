import { cropAligned, type Alignment } from '../align/align';
import { pasteAligned } from '../paste/paste';
import type { FaceModel, ModelJob, ModelTarget } from './face-model';
import { zeroStages, type LiveEditOptions, type LiveItem, type LiveResult, type LiveSchedule } from './live-options';
import { locateFace, trackedSession, type RegionMasks, type TrackedSession } from './tracked-session';

interface InlineSession extends TrackedSession {
  /** The command shown now and the one it ramps from (null = no edit), with their strengths. */
  command: string | null;
  previous: string | null;
  previousStrength: number;
  strength: number;
  /** The last generated face (crop floats), its `command|strength`, and how many frames have reused it. */
  lastFace: Float32Array | null;
  lastKey: string;
  reused: number;
}

/**
 * The inline schedule (`LiveEditOptions.schedule: 'inline'`, the default): a frame that runs the
 * model waits for it. Tracking and alignment run per frame, then the model runs once on the
 * stacked crops of every session's frame (micro-batching across sessions: one batch-n forward costs
 * less than n batch-1 forwards), then each frame is pasted; stage times of batched stages are the
 * batch's, shared by its frames. With `modelEvery: N` the frames between model frames re-paste the
 * last generated face at their own alignment (never while an edit ramps or right after the command
 * changed). When the command changes the target latent ramps from the previous edit to the new one.
 */
export class InlineSchedule implements LiveSchedule {
  readonly #model: FaceModel;
  readonly #opts: LiveEditOptions;
  readonly #masks: RegionMasks;
  readonly #sessions = new Map<string, InlineSession>();

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

  async #session(id: string): Promise<InlineSession> {
    let s = this.#sessions.get(id);
    if (s === undefined) {
      s = { ...(await trackedSession(this.#opts)), command: null, previous: null, previousStrength: 1, strength: 1, lastFace: null, lastKey: '', reused: 0 };
      this.#sessions.set(id, s);
    }
    return s;
  }

  #maskOpt(commands: ReadonlyArray<string | null>): { mask?: Float32Array } {
    const m = this.#masks.maskFor(commands);
    return m === undefined ? {} : { mask: m };
  }

  async processBatch(items: readonly LiveItem[]): Promise<LiveResult[]> {
    const r = this.#model.resolution;
    const results: LiveResult[] = [];
    const work: Array<{ s: InlineSession; item: LiveItem; a: number; align: Alignment; crop: Float32Array; result: LiveResult }> = [];
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
      const align = await locateFace(s, item, reuse, result, this.#opts);
      if (align === null) continue;
      let t: number;
      if (reuse && s.lastFace !== null) {
        s.reused++;
        t = performance.now();
        pasteAligned(item.frame, align, s.lastFace, r, { alpha: s.command === null ? 0 : 1, mode: this.#model.composite, ...this.#maskOpt([s.command]) });
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
      pasteAligned(wk.item.frame, wk.align, face, r, { alpha, mode: this.#model.composite, ...this.#maskOpt(jobs[i]!.targets.map((tg) => tg.command)) });
      wk.result.stages.paste = performance.now() - t0;
      wk.result.edited = true;
    });
    return results;
  }
}
