import { commandForEdits } from '@lfe/edit-language';
import { EditWorker, EditWorkerError, type StageTimes, type WorkerInit } from '@lfe/face-pipeline';
import type { Logger } from '../util/log';
import type { RgbFrame } from '@lfe/media';
import type { FrameProcessor, SessionView } from './frame-processor';

const STAGES = ['detect', 'align', 'invert', 'fuse', 'generate', 'paste'] as const;

/**
 * `--effect edit`: the face editor of libs/face-pipeline in a worker thread. Each frame goes to the
 * worker with its session's active edits said as one command (`commandForEdits`) and strength;
 * the worker tracks, aligns, inverts, fuses, smooths, generates and pastes. If the worker dies, the
 * frames in flight and those until it is back pass through unchanged (video never freezes), and
 * the next frame restarts it.
 */
export class EditProcessor implements FrameProcessor {
  readonly effect = 'edit';
  #backend = 'starting';
  readonly #worker: EditWorker;
  readonly #log: Logger;
  readonly #commands = new Map<string, { key: string; text: string | null }>();
  readonly #stageSums: StageTimes = { detect: 0, align: 0, invert: 0, fuse: 0, generate: 0, paste: 0 };
  #stageFrames = 0;
  #reusedFrames = 0;
  /** On re-pasting frames: summed tracking (landmarks or follow) and paste ms, and how many followed. */
  #reusedTrackMs = 0;
  #reusedPasteMs = 0;
  #followedFrames = 0;
  /** Async schedule: model jobs finished (stage sums, batch sizes), edited frames' tracking and the age of their face. */
  #async = { runs: 0, invert: 0, fuse: 0, generate: 0, batch: 0, frames: 0, submitted: 0, track: 0, paste: 0, ages: [] as number[], errors: 0 };
  #closed = false;
  /** Frames passed through because the worker failed (it is restarted on the next frame). */
  workerFailures = 0;

  constructor(init: WorkerInit, log: Logger) {
    this.#worker = new EditWorker(init);
    this.#log = log;
  }

  get backend(): string {
    return this.#backend;
  }

  get workerStarts(): number {
    return this.#worker.starts;
  }

  /** Load the models (fails with the reason: missing bundle, generator mismatch, …). */
  async start(): Promise<void> {
    const info = await this.#worker.start();
    this.#backend = info.backend;
  }

  #command(session: SessionView): string | null {
    const key = JSON.stringify(session.edits.map((e) => [e.attribute, e.op, e.level ?? null, e.degree]));
    const cached = this.#commands.get(session.id);
    if (cached !== undefined && cached.key === key) return cached.text;
    const text = session.edits.length === 0 ? null : commandForEdits(session.edits);
    this.#commands.set(session.id, { key, text });
    return text;
  }

  async process(frame: RgbFrame, timestampMs: number, session: SessionView): Promise<RgbFrame> {
    const command = this.#command(session);
    try {
      const out = await this.#worker.process(session.id, frame, timestampMs, command, session.strength);
      const res = out.result;
      if (res.model !== undefined) {
        const a = this.#async;
        a.runs++;
        a.invert += res.model.invert;
        a.fuse += res.model.fuse;
        a.generate += res.model.generate;
        a.batch += res.model.batch;
      }
      if (res.modelError !== undefined) {
        this.#async.errors++;
        if (this.#async.errors <= 3 || this.#async.errors % 100 === 0) this.#log.warn('face model job failed; the last face stays', { error: res.modelError, failures: this.#async.errors });
      }
      if (res.submitted !== undefined && res.face) {
        // Async schedule: every frame tracks and pastes; the model's stages arrive separately.
        const a = this.#async;
        if (res.submitted) a.submitted++;
        if (res.edited) {
          a.frames++;
          a.track += res.stages.detect + res.stages.align;
          a.paste += res.stages.paste;
          if (res.followed) this.#followedFrames++;
          if (res.ageMs !== undefined) {
            if (a.ages.length >= 4096) a.ages.splice(0, 2048);
            a.ages.push(res.ageMs);
          }
        }
      } else if (out.result.edited && out.result.stages.generate > 0) {
        // Inline schedule: stage means over the frames that ran the model (with --model-every > 1 the others only track and paste).
        for (const s of STAGES) this.#stageSums[s] += out.result.stages[s];
        this.#stageFrames++;
      } else if (out.result.edited) {
        this.#reusedFrames++;
        this.#reusedTrackMs += out.result.stages.detect + out.result.stages.align;
        this.#reusedPasteMs += out.result.stages.paste;
        if (out.result.followed) this.#followedFrames++;
      }
      return { width: frame.width, height: frame.height, data: Buffer.from(out.data.buffer, out.data.byteOffset, out.data.byteLength) };
    } catch (e) {
      if (!(e instanceof EditWorkerError)) throw e;
      if (this.#closed) return frame;
      this.workerFailures++;
      if (this.workerFailures <= 3 || this.workerFailures % 100 === 0) this.#log.warn('edit worker failed; frame passed through', { error: e.message, failures: this.workerFailures });
      return frame;
    }
  }

  /**
   * Async schedule: mean ms of the model's stages per job batch (modelRuns, meanBatch), of tracking
   * and pasting per edited frame, and the age of the pasted face (ms since the frame it was made
   * from) at p50 / p95.
   * Inline schedule: mean ms per stage over the frames that ran the model (and how many); reusedFrames only re-pasted
   * the last face: their mean tracking (+ alignment) and paste ms, and how many followed the face
   * instead of running the landmark net.
   */
  stageMeans(): Record<string, number> {
    const a = this.#async;
    if (a.frames > 0 || a.runs > 0) {
      const ages = [...a.ages].sort((x, y) => x - y);
      const q = (p: number): number => (ages.length === 0 ? 0 : ages[Math.min(ages.length - 1, Math.floor(p * ages.length))]!);
      const runs = Math.max(1, a.runs);
      const frames = Math.max(1, a.frames);
      return {
        invert: a.invert / runs,
        fuse: a.fuse / runs,
        generate: a.generate / runs,
        modelRuns: a.runs,
        meanBatch: a.batch / runs,
        frames: a.frames,
        submitted: a.submitted,
        track: a.track / frames,
        paste: a.paste / frames,
        followedFrames: this.#followedFrames,
        ageP50: q(0.5),
        ageP95: q(0.95),
        modelErrors: a.errors,
      };
    }
    const n = Math.max(1, this.#stageFrames);
    const m = this.#stageSums;
    const nr = Math.max(1, this.#reusedFrames);
    return {
      detect: m.detect / n,
      align: m.align / n,
      invert: m.invert / n,
      fuse: m.fuse / n,
      generate: m.generate / n,
      paste: m.paste / n,
      frames: this.#stageFrames,
      reusedFrames: this.#reusedFrames,
      reusedTrack: this.#reusedTrackMs / nr,
      reusedPaste: this.#reusedPasteMs / nr,
      followedFrames: this.#followedFrames,
    };
  }

  endSession(id: string): void {
    this.#commands.delete(id);
    this.#worker.endSession(id);
  }

  /** Tensors and sessions alive in the worker (leak checks). */
  workerMemory(): Promise<{ numTensors: number; sessions: number }> {
    return this.#worker.memory();
  }

  /** Kill the worker thread (fault tests). */
  killWorker(): Promise<void> {
    return this.#worker.kill();
  }

  close(): Promise<void> {
    this.#closed = true;
    return this.#worker.close();
  }
}
