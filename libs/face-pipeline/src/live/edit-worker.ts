import { Worker } from 'node:worker_threads';
import { EditWorkerError } from './edit-worker-error';
import type { WorkerInit, WorkerReply, WorkerRequest } from './edit-worker-protocol';
import type { LiveResult } from './live-editor';

export { EditWorkerError };

interface Pending {
  resolve: (v: { data: Uint8Array; result: LiveResult }) => void;
  reject: (e: Error) => void;
}

/**
 * The live editor in a worker thread, so inference never blocks the event loop that moves media.
 * `process` sends a copy of the frame and resolves with the edited copy. If the thread dies, every
 * pending frame is rejected and the next call starts a fresh one (the session state it held —
 * trackers, filters — starts over). `start()` loads the models and fails with the reason.
 */
export class EditWorker {
  readonly #init: WorkerInit;
  #worker: Worker | null = null;
  #ready: Promise<{ backend: string; resolution: number }> | null = null;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;
  /** Times the thread was (re)started. */
  starts = 0;

  constructor(init: WorkerInit) {
    this.#init = init;
  }

  /** Start the thread (idempotent); resolves once the models are loaded. */
  start(): Promise<{ backend: string; resolution: number }> {
    if (this.#closed) return Promise.reject(new EditWorkerError('edit worker: closed'));
    if (this.#ready !== null) return this.#ready;
    this.starts++;
    const w = new Worker(new URL('./worker-boot.mjs', import.meta.url), {
      workerData: { entry: new URL('./edit-worker-main.ts', import.meta.url).href, init: this.#init },
    });
    this.#worker = w;
    this.#ready = new Promise((resolve, reject) => {
      const onMessage = (m: WorkerReply): void => {
        switch (m.type) {
          case 'ready':
            resolve({ backend: m.backend, resolution: m.resolution });
            break;
          case 'fatal':
            reject(new EditWorkerError(`edit worker: ${m.message}`));
            break;
          case 'frame':
          case 'frame-error': {
            const p = this.#pending.get(m.id);
            this.#pending.delete(m.id);
            if (p === undefined) break;
            if (m.type === 'frame') p.resolve({ data: new Uint8Array(m.buffer), result: m.result });
            else p.reject(new EditWorkerError(`edit worker: ${m.message}`));
            break;
          }
          case 'memory': {
            const p = this.#pending.get(m.id) as unknown as { resolve: (v: { numTensors: number; sessions: number }) => void } | undefined;
            this.#pending.delete(m.id);
            p?.resolve({ numTensors: m.numTensors, sessions: m.sessions });
            break;
          }
        }
      };
      w.on('message', onMessage);
      const down = (why: string): void => {
        if (this.#worker !== w) return;
        this.#worker = null;
        this.#ready = null;
        const err = new EditWorkerError(`edit worker: ${why}`);
        reject(err);
        for (const p of this.#pending.values()) p.reject(err);
        this.#pending.clear();
      };
      w.on('error', (e) => down(`crashed (${e.message})`));
      w.on('exit', (code) => down(`exited with code ${code}`));
    });
    // A failed start is reported to the caller, not as an unhandled rejection.
    this.#ready.catch(() => undefined);
    return this.#ready;
  }

  #send(m: WorkerRequest, transfer: ArrayBuffer[] = []): void {
    this.#worker?.postMessage(m, transfer);
  }

  /** Edit one frame (RGB24). The input is copied; the result is a new buffer. */
  async process(session: string, frame: { width: number; height: number; data: Uint8Array }, timestampMs: number, command: string | null, strength: number): Promise<{ data: Uint8Array; result: LiveResult }> {
    await this.start();
    const id = this.#nextId++;
    const buffer = frame.data.buffer.slice(frame.data.byteOffset, frame.data.byteOffset + frame.data.byteLength) as ArrayBuffer;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#send({ type: 'frame', id, session, width: frame.width, height: frame.height, buffer, timestampMs, command, strength }, [buffer]);
    });
  }

  /** Tell the worker a session ended (drops its tracker, filters, text codes). */
  endSession(session: string): void {
    this.#send({ type: 'end', session });
  }

  /** Tensor count and live sessions inside the worker (leak checks). */
  async memory(): Promise<{ numTensors: number; sessions: number }> {
    await this.start();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as unknown as Pending['resolve'], reject });
      this.#send({ type: 'memory', id });
    });
  }

  /** Kill the thread now (tests use it to check recovery). */
  async kill(): Promise<void> {
    await this.#worker?.terminate();
  }

  async close(): Promise<void> {
    this.#closed = true;
    const w = this.#worker;
    this.#worker = null;
    this.#ready = null;
    for (const p of this.#pending.values()) p.reject(new EditWorkerError('edit worker: closed'));
    this.#pending.clear();
    await w?.terminate();
  }
}
