import type { EditSnapshot } from '../session/edit-state';
import type { RgbFrame } from '@lfe/media';

/** What a processor may know about the session a frame belongs to (a read-only snapshot). */
export interface SessionView {
  readonly id: string;
  /** Active edits and global strength at the time the frame is handed over. */
  readonly edits: EditSnapshot['edits'];
  readonly strength: number;
}

/**
 * The per-frame stage between decode and encode. `--effect none` uses `PassthroughProcessor`; the
 * face editor (libs/face-pipeline, in a worker thread) implements the same interface.
 *
 * Contract: `process` gets a frame it may keep or mutate (the pipeline never touches it again) and
 * resolves with a frame of the same width and height whose buffer it does not touch again (the
 * encoder's pipe may still be reading it). It runs at most once at a time per session
 * (latest-frame-wins: frames arriving while it runs replace each other; only the newest waits).
 * `timestampMs` is the frame's arrival time on the server's monotonic clock (performance.now()),
 * so temporal filters get explicit, increasing timestamps. A rejection drops that one frame.
 */
export interface FrameProcessor {
  /** The `effect` reported in stats ("none", "edit"). */
  readonly effect: string;
  /** Compute backend reported in stats ("none", "wasm", "tensorflow"). */
  readonly backend: string;
  process(frame: RgbFrame, timestampMs: number, session: SessionView): Promise<RgbFrame>;
  /** Load models before the server listens (optional; a failure stops the start with its reason). */
  start?(): Promise<void>;
  /** Mean ms per processing stage so far, for /metrics (optional). */
  stageMeans?(): Record<string, number>;
  /** A session ended: drop what the processor keeps for it (trackers, filters, codes). */
  endSession?(id: string): void;
  /** Release workers / tensors. Called once when the server shuts down. */
  close(): Promise<void>;
}

/** `--effect none`: the frame goes back unchanged; the latency baseline of the media path. */
export class PassthroughProcessor implements FrameProcessor {
  readonly effect = 'none';
  readonly backend = 'none';

  process(frame: RgbFrame): Promise<RgbFrame> {
    return Promise.resolve(frame);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
