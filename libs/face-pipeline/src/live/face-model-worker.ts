import { Worker } from 'node:worker_threads';
import { EditWorkerError } from './edit-worker-error';
import type { FaceModel, ModelJob, ModelOutput, ModelStages } from './face-model';
import type { ModelWorkerInit, ModelWorkerReply, ModelWorkerRequest } from './face-model-protocol';

interface Pending {
  resolve: (v: { face: Float32Array; stages: ModelStages; batch: number }) => void;
  reject: (e: Error) => void;
}

/**
 * `FaceModel` in a worker thread of its own: `run` posts the crops and resolves when the thread
 * has generated them, while the calling thread goes on tracking and pasting frames. Jobs of several
 * sessions that arrive while the thread is busy run as one batch. If the thread dies, the jobs in
 * flight are rejected and the next `run` starts a fresh one (the latent filters start over).
 */
export class ThreadFaceModel implements FaceModel {
  readonly #init: ModelWorkerInit;
  #worker: Worker | null = null;
  #ready: Promise<{ backend: string; resolution: number }> | null = null;
  readonly #pending = new Map<number, Pending>();
  readonly #memory = new Map<number, (v: { numTensors: number; sessions: number }) => void>();
  #nextId = 1;
  #closed = false;
  #resolution = 0;
  /** Times the thread was (re)started. */
  starts = 0;

  constructor(init: ModelWorkerInit) {
    this.#init = init;
  }

  get composite(): 'delta' | 'replace' {
    return this.#init.composite ?? 'delta';
  }

  /** The generator's resolution (known once `start` resolved). */
  get resolution(): number {
    if (this.#resolution === 0) throw new Error('face model: not started');
    return this.#resolution;
  }

  /** Start the thread (idempotent); resolves once the models are loaded. */
  start(): Promise<{ backend: string; resolution: number }> {
    if (this.#closed) return Promise.reject(new EditWorkerError('face model: closed'));
    if (this.#ready !== null) return this.#ready;
    this.starts++;
    const w = new Worker(new URL('./worker-boot.mjs', import.meta.url), {
      workerData: { entry: new URL('./face-model-worker-main.ts', import.meta.url).href, init: this.#init },
    });
    this.#worker = w;
    this.#ready = new Promise((resolve, reject) => {
      w.on('message', (m: ModelWorkerReply) => {
        switch (m.type) {
          case 'ready':
            this.#resolution = m.resolution;
            resolve({ backend: m.backend, resolution: m.resolution });
            break;
          case 'fatal':
            reject(new EditWorkerError(`face model: ${m.message}`));
            break;
          case 'done':
          case 'superseded':
          case 'error': {
            const p = this.#pending.get(m.id);
            this.#pending.delete(m.id);
            if (p === undefined) break;
            if (m.type === 'done') p.resolve({ face: new Float32Array(m.face), stages: m.stages, batch: m.batch });
            else p.reject(new EditWorkerError(m.type === 'error' ? `face model: ${m.message}` : 'face model: superseded by a newer job'));
            break;
          }
          case 'memory':
            this.#memory.get(m.id)?.({ numTensors: m.numTensors, sessions: m.sessions });
            this.#memory.delete(m.id);
            break;
        }
      });
      const down = (why: string): void => {
        if (this.#worker !== w) return;
        this.#worker = null;
        this.#ready = null;
        const err = new EditWorkerError(`face model: ${why}`);
        reject(err);
        for (const p of this.#pending.values()) p.reject(err);
        this.#pending.clear();
        for (const r of this.#memory.values()) r({ numTensors: 0, sessions: 0 });
        this.#memory.clear();
      };
      w.on('error', (e) => down(`crashed (${e.message})`));
      w.on('exit', (code) => down(`exited with code ${code}`));
    });
    this.#ready.catch(() => undefined);
    return this.#ready;
  }

  #post(m: ModelWorkerRequest, transfer: ArrayBuffer[] = []): void {
    this.#worker?.postMessage(m, transfer);
  }

  async run(jobs: readonly ModelJob[]): Promise<ModelOutput> {
    await this.start();
    const outs = await Promise.all(
      jobs.map(
        (j) =>
          new Promise<{ face: Float32Array; stages: ModelStages; batch: number }>((resolve, reject) => {
            const id = this.#nextId++;
            this.#pending.set(id, { resolve, reject });
            const crop = j.crop.slice().buffer as ArrayBuffer;
            const { crop: _c, ...job } = j;
            this.#post({ type: 'run', id, job, crop }, [crop]);
          }),
      ),
    );
    return { faces: outs.map((o) => o.face), stages: outs[0]?.stages ?? { invert: 0, fuse: 0, generate: 0 }, batch: Math.max(0, ...outs.map((o) => o.batch)) };
  }

  endSession(id: string): void {
    this.#post({ type: 'end', session: id });
  }

  /** Tensors and sessions alive in the model thread (0 when it is not running). */
  memory(): Promise<{ numTensors: number; sessions: number }> {
    if (this.#worker === null) return Promise.resolve({ numTensors: 0, sessions: 0 });
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#memory.set(id, resolve);
      this.#post({ type: 'memory', id });
    });
  }

  /** Kill the thread now (fault tests). */
  async kill(): Promise<void> {
    await this.#worker?.terminate();
  }

  dispose(): void {
    void this.close();
  }

  async close(): Promise<void> {
    this.#closed = true;
    const w = this.#worker;
    this.#worker = null;
    this.#ready = null;
    for (const p of this.#pending.values()) p.reject(new EditWorkerError('face model: closed'));
    this.#pending.clear();
    await w?.terminate();
  }
}
