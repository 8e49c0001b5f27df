import { Worker } from 'node:worker_threads';
import type { GanConfig } from './gan-config';
import type { GradPhase, RunProvenance, StepStats } from './gan-trainer';

/** Requests the main thread sends a replica; each is answered by `done` or `error` with its id. */
export type MainToWorker =
  | { id: number; type: 'step' }
  | { id: number; type: 'restore'; dir: string }
  | { id: number; type: 'save'; dir: string; provenance: RunProvenance }
  | { id: number; type: 'samples'; count: number }
  | { id: number; type: 'checksum' }
  | { id: number; type: 'memory' };

/** A request before it gets its id (distributes over the union). */
type Request = MainToWorker extends infer M ? (M extends unknown ? Omit<M, 'id'> : never) : never;

export type WorkerToMain =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'grads'; phase: GradPhase; step: number; buffer: ArrayBuffer }
  | { type: 'done'; id: number; result: unknown }
  | { type: 'error'; id: number; message: string };

export class ParallelGanError extends Error {
  override readonly name = 'ParallelGanError';
}

interface Replica {
  worker: Worker;
  pending: Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>;
}

/**
 * Data-parallel GAN training on `count` worker threads (tfjs's wasm backend runs one thread per
 * process, so this is how a step uses more than one core). Every replica holds the whole model and
 * trains on its rows of each batch; the gradients of each phase (D, R1, G) are averaged here, in
 * replica order (so a resumed run replays bit for bit), and every replica applies the same mean.
 * Replica 0 writes checkpoints and samples; at every save the replicas' parameter checksums must
 * agree exactly, or training stops with an error.
 */
export class ParallelGanTrainer {
  readonly config: GanConfig;
  readonly count: number;
  readonly #replicas: Replica[] = [];
  #step = 0;
  #nextId = 1;
  /** Gradients received for the phase being exchanged, by replica index. */
  #inbox: (Float32Array | null)[];
  #inboxKey = '';
  #dead: ParallelGanError | null = null;

  private constructor(config: GanConfig, count: number) {
    this.config = config;
    this.count = count;
    this.#inbox = new Array<Float32Array | null>(count).fill(null);
  }

  /** Start `count` replicas (each loads the runtime and its own image source). */
  static async start(config: GanConfig, count: number): Promise<ParallelGanTrainer> {
    if (!Number.isInteger(count) || count < 2) throw new TypeError(`parallel gan: need ≥ 2 workers, got ${count}`);
    const p = new ParallelGanTrainer(config, count);
    try {
      await Promise.all(Array.from({ length: count }, (_, i) => p.#spawn(i)));
    } catch (e) {
      await p.dispose();
      throw e;
    }
    return p;
  }

  get step(): number {
    return this.#step;
  }

  #spawn(index: number): Promise<void> {
    const worker = new Worker(new URL('../util/worker-boot.mjs', import.meta.url), {
      workerData: { entry: new URL('./gan-worker-main.ts', import.meta.url).href, config: this.config, index, count: this.count },
    });
    const replica: Replica = { worker, pending: new Map() };
    this.#replicas[index] = replica;
    return new Promise((resolve, reject) => {
      worker.on('message', (m: WorkerToMain) => {
        switch (m.type) {
          case 'ready':
            resolve();
            break;
          case 'fatal':
            reject(new ParallelGanError(`gan replica ${index}: ${m.message}`));
            break;
          case 'grads':
            try {
              this.#receive(index, m.phase, m.step, new Float32Array(m.buffer));
            } catch (e) {
              this.#fail(e instanceof ParallelGanError ? e : new ParallelGanError(String(e)));
            }
            break;
          case 'done':
          case 'error': {
            const p = replica.pending.get(m.id);
            replica.pending.delete(m.id);
            if (m.type === 'done') p?.resolve(m.result);
            else p?.reject(new ParallelGanError(`gan replica ${index}: ${m.message}`));
            break;
          }
        }
      });
      const die = (why: string): void => {
        const err = new ParallelGanError(`gan replica ${index} ${why}`);
        reject(err);
        this.#fail(err);
      };
      worker.on('error', (e) => die(`crashed: ${e.message}`));
      worker.on('exit', (code) => die(`exited (code ${code})`));
    });
  }

  /** A dead or inconsistent replica stalls every exchange: fail everything outstanding, on every replica. */
  #fail(err: ParallelGanError): void {
    this.#dead ??= err;
    for (const r of this.#replicas) {
      for (const p of r?.pending.values() ?? []) p.reject(err);
      r?.pending.clear();
    }
  }

  /** Gradients of one replica; once all have sent this phase, post the mean to each (summed in replica order). */
  #receive(index: number, phase: GradPhase, step: number, flat: Float32Array): void {
    const key = `${step}:${phase}`;
    if (this.#inboxKey !== key) {
      if (this.#inbox.some((x) => x !== null)) throw new ParallelGanError(`gan replicas out of step: ${key} while ${this.#inboxKey} is incomplete`);
      this.#inboxKey = key;
    }
    this.#inbox[index] = flat;
    if (this.#inbox.some((x) => x === null)) return;
    const parts = this.#inbox as Float32Array[];
    const n = parts[0]!.length;
    if (parts.some((p) => p.length !== n)) throw new ParallelGanError(`gan replicas sent ${phase} gradients of different sizes`);
    const mean = new Float32Array(n);
    for (const p of parts) for (let i = 0; i < n; i++) mean[i]! += p[i]!;
    for (let i = 0; i < n; i++) mean[i]! /= this.count;
    this.#inbox.fill(null);
    this.#inboxKey = '';
    for (const r of this.#replicas) {
      const copy = mean.slice();
      r.worker.postMessage({ type: 'mean', buffer: copy.buffer }, [copy.buffer]);
    }
  }

  #call<T>(index: number, m: Request): Promise<T> {
    if (this.#dead !== null) return Promise.reject(this.#dead);
    const r = this.#replicas[index]!;
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      r.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      r.worker.postMessage({ ...m, id });
    });
  }

  #all<T>(m: Request): Promise<T[]> {
    return Promise.all(this.#replicas.map((_, i) => this.#call<T>(i, m)));
  }

  /** One data-parallel step; the stats are replica 0's, with losses and scores averaged over replicas. */
  async trainStep(): Promise<StepStats> {
    const t0 = performance.now();
    const stats = await this.#all<StepStats>({ type: 'step' });
    this.#step = stats[0]!.step;
    return { ...stats[0]!, seconds: (performance.now() - t0) / 1000 };
  }

  /** Check the replicas agree, then save from replica 0 (same folder layout as GanTrainer.save). */
  async save(dir: string, provenance: RunProvenance): Promise<void> {
    const sums = await this.#all<number>({ type: 'checksum' });
    if (sums.some((s) => s !== sums[0])) throw new ParallelGanError(`gan replicas diverged at step ${this.#step}: parameter checksums ${sums.join(', ')}`);
    await this.#call(0, { type: 'save', dir, provenance: { ...provenance, workers: this.count } });
  }

  async restore(dir: string): Promise<void> {
    const steps = await this.#all<number>({ type: 'restore', dir });
    this.#step = steps[0]!;
  }

  /** Fixed-z samples of the EMA generator as uint8 RGB [count, R, R, 3]. */
  sampleImages(count: number): Promise<Uint8Array> {
    return this.#call<Uint8Array>(0, { type: 'samples', count });
  }

  /** Live tensors in each replica (for leak checks). */
  tensorCounts(): Promise<number[]> {
    return this.#all<number>({ type: 'memory' });
  }

  async dispose(): Promise<void> {
    const replicas = this.#replicas.splice(0);
    this.#dead ??= new ParallelGanError('parallel gan: disposed');
    await Promise.all(replicas.map((r) => r?.worker.terminate()));
  }
}
