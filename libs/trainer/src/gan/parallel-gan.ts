import { ReplicaPool, type ReplicaReply, type WithoutId } from '../util/replica-pool';
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

type Request = WithoutId<MainToWorker>;

/** A replica's gradients of one phase, for the main thread to average. */
type GradsMessage = { type: 'grads'; phase: GradPhase; step: number; buffer: ArrayBuffer };

export type WorkerToMain = ReplicaReply | GradsMessage;

export class ParallelGanError extends Error {
  override readonly name = 'ParallelGanError';
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
  #pool: ReplicaPool<Request, GradsMessage> | null = null;
  #step = 0;
  /** Gradients received for the phase being exchanged, by replica index. */
  #inbox: (Float32Array | null)[];
  #inboxKey = '';

  private constructor(config: GanConfig, count: number) {
    this.config = config;
    this.count = count;
    this.#inbox = new Array<Float32Array | null>(count).fill(null);
  }

  /** Start `count` replicas (each loads the runtime and its own image source). */
  static async start(config: GanConfig, count: number): Promise<ParallelGanTrainer> {
    if (!Number.isInteger(count) || count < 2) throw new TypeError(`parallel gan: need ≥ 2 workers, got ${count}`);
    const p = new ParallelGanTrainer(config, count);
    p.#pool = await ReplicaPool.start<Request, GradsMessage>({
      name: 'parallel gan',
      entry: new URL('./gan-worker-main.ts', import.meta.url),
      workerData: Array.from({ length: count }, (_, index) => ({ config, index, count })),
      label: (i) => `gan replica ${i}`,
      makeError: (m) => new ParallelGanError(m),
      onMessage: (index, m) => {
        try {
          p.#receive(index, m.phase, m.step, new Float32Array(m.buffer));
        } catch (e) {
          p.#pool?.fail(e instanceof ParallelGanError ? e : new ParallelGanError(String(e)));
        }
      },
    });
    return p;
  }

  get step(): number {
    return this.#step;
  }

  get #replicas(): ReplicaPool<Request, GradsMessage> {
    if (this.#pool === null) throw new ParallelGanError('parallel gan: not started');
    return this.#pool;
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
    for (let i = 0; i < this.count; i++) {
      const copy = mean.slice();
      this.#replicas.post(i, { type: 'mean', buffer: copy.buffer }, [copy.buffer]);
    }
  }

  #call<T>(index: number, m: Request): Promise<T> {
    return this.#replicas.call<T>(index, m);
  }

  #all<T>(m: Request): Promise<T[]> {
    return this.#replicas.all<T>(m);
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
    await this.#pool?.dispose();
  }
}
