import { EditWorkerError } from './edit-worker-error';
import type { WorkerInit, WorkerReply, WorkerRequest } from './edit-worker-protocol';
import type { LiveResult } from './live-options';
import { WorkerHost } from './worker-host';

export { EditWorkerError };

/**
 * The live editor in a worker thread, so inference never blocks the event loop that moves media.
 * `process` sends a copy of the frame and resolves with the edited copy. If the thread dies, every
 * pending frame is rejected and the next call starts a fresh one (the session state it held —
 * trackers, filters — starts over). `start()` loads the models and fails with the reason.
 */
export class EditWorker {
  readonly #host: WorkerHost<WorkerRequest, WorkerReply>;

  constructor(init: WorkerInit) {
    this.#host = new WorkerHost<WorkerRequest, WorkerReply>(new URL('./edit-worker-main.ts', import.meta.url), init, 'edit worker', (m) => {
      if (m.type === 'frame') this.#host.settle(m.id, { data: new Uint8Array(m.buffer), result: m.result });
      else if (m.type === 'frame-error') this.#host.fail(m.id, m.message);
      else if (m.type === 'memory') this.#host.settle(m.id, { numTensors: m.numTensors, sessions: m.sessions });
    });
  }

  /** Times the thread was (re)started. */
  get starts(): number {
    return this.#host.starts;
  }

  /** Start the thread (idempotent); resolves once the models are loaded. */
  start(): Promise<{ backend: string; resolution: number }> {
    return this.#host.start();
  }

  /** Edit one frame (RGB24). The input is copied; the result is a new buffer. */
  async process(session: string, frame: { width: number; height: number; data: Uint8Array }, timestampMs: number, command: string | null, strength: number): Promise<{ data: Uint8Array; result: LiveResult }> {
    await this.start();
    const buffer = frame.data.buffer.slice(frame.data.byteOffset, frame.data.byteOffset + frame.data.byteLength) as ArrayBuffer;
    return this.#host.request((id) => ({ type: 'frame', id, session, width: frame.width, height: frame.height, buffer, timestampMs, command, strength }), [buffer]);
  }

  /** Tell the worker a session ended (drops its tracker, filters, text codes). */
  endSession(session: string): void {
    this.#host.post({ type: 'end', session });
  }

  /** Tensor count and live sessions inside the worker (leak checks). */
  async memory(): Promise<{ numTensors: number; sessions: number }> {
    await this.start();
    return this.#host.request((id) => ({ type: 'memory', id }));
  }

  /** Kill the thread now (tests use it to check recovery). */
  kill(): Promise<void> {
    return this.#host.kill();
  }

  close(): Promise<void> {
    return this.#host.close();
  }
}
