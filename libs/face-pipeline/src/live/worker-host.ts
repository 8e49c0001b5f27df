import { Worker } from 'node:worker_threads';
import { EditWorkerError } from './edit-worker-error';

/** Replies every live-editor thread sends while starting. */
type StartReply = { type: 'ready'; backend: string; resolution: number } | { type: 'fatal'; message: string };

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/**
 * A live-editor worker thread that restarts on demand: `start` boots `entry` (a TypeScript module,
 * through worker-boot.mjs) with `init` and resolves on its 'ready' reply (rejects on 'fatal');
 * `request` posts a message carrying a fresh id and waits until `settle`/`fail` is called for that
 * id. If the thread dies, every waiting request is rejected with an EditWorkerError and the next
 * `start` boots a fresh one. Other replies go to `onReply`.
 */
export class WorkerHost<Request, Reply extends { type: string }> {
  readonly #entry: URL;
  readonly #init: unknown;
  readonly #label: string;
  readonly #onReply: (m: Reply) => void;
  #worker: Worker | null = null;
  #ready: Promise<{ backend: string; resolution: number }> | null = null;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;
  /** Times the thread was (re)started. */
  starts = 0;

  constructor(entry: URL, init: unknown, label: string, onReply: (m: Reply) => void) {
    this.#entry = entry;
    this.#init = init;
    this.#label = label;
    this.#onReply = onReply;
  }

  /** Whether a thread is running (or starting). */
  get running(): boolean {
    return this.#worker !== null;
  }

  /** Start the thread (idempotent); resolves once it has loaded its models. */
  start(): Promise<{ backend: string; resolution: number }> {
    if (this.#closed) return Promise.reject(new EditWorkerError(`${this.#label}: closed`));
    if (this.#ready !== null) return this.#ready;
    this.starts++;
    const w = new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: { entry: this.#entry.href, init: this.#init } });
    this.#worker = w;
    this.#ready = new Promise((resolve, reject) => {
      w.on('message', (m: Reply | StartReply) => {
        if (m.type === 'ready') resolve({ backend: (m as StartReply & { type: 'ready' }).backend, resolution: (m as StartReply & { type: 'ready' }).resolution });
        else if (m.type === 'fatal') reject(new EditWorkerError(`${this.#label}: ${(m as StartReply & { type: 'fatal' }).message}`));
        else this.#onReply(m as Reply);
      });
      const down = (why: string): void => {
        if (this.#worker !== w) return;
        this.#worker = null;
        this.#ready = null;
        const err = new EditWorkerError(`${this.#label}: ${why}`);
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

  post(m: Request, transfer: ArrayBuffer[] = []): void {
    this.#worker?.postMessage(m, transfer);
  }

  /** Post `make(id)` and wait for `settle(id, …)` or `fail(id, …)` (or the thread's death). */
  request<T>(make: (id: number) => Request, transfer: ArrayBuffer[] = []): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.post(make(id), transfer);
    });
  }

  settle(id: number, value: unknown): void {
    const p = this.#pending.get(id);
    this.#pending.delete(id);
    p?.resolve(value);
  }

  fail(id: number, message: string): void {
    const p = this.#pending.get(id);
    this.#pending.delete(id);
    p?.reject(new EditWorkerError(`${this.#label}: ${message}`));
  }

  /** Kill the thread now (fault tests); waiting requests are rejected. */
  async kill(): Promise<void> {
    await this.#worker?.terminate();
  }

  async close(): Promise<void> {
    this.#closed = true;
    const w = this.#worker;
    this.#worker = null;
    this.#ready = null;
    for (const p of this.#pending.values()) p.reject(new EditWorkerError(`${this.#label}: closed`));
    this.#pending.clear();
    await w?.terminate();
  }
}
