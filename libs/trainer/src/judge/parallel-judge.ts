import { ReplicaPool, type ReplicaReply, type WithoutId } from '../util/replica-pool';
import type { StepProvenance } from '../util/run-loop';
import type { Judge } from './judge';
import { JudgeTrainer, resolveJudgeTrainConfig, type JudgeGradients, type JudgeStepStats, type JudgeTrainConfig } from './judge-trainer';

/** Requests to a worker replica; each is answered by `done` or `error` with its id. */
export type JudgeMainToWorker =
  | { id: number; type: 'gradients'; step: number }
  | { id: number; type: 'apply'; step: number; buffer: ArrayBuffer }
  | { id: number; type: 'restore'; dir: string }
  | { id: number; type: 'checksum' }
  | { id: number; type: 'memory' };

type Request = WithoutId<JudgeMainToWorker>;

export type JudgeWorkerToMain = ReplicaReply;

export class ParallelJudgeError extends Error {
  override readonly name = 'ParallelJudgeError';
}

/**
 * Data-parallel judge training: this thread is replica 0 (its `judge` is always current, for
 * validation and export) and `count − 1` worker threads are the others (tfjs's wasm backend uses
 * one core per thread). Each replica computes the gradients of its contiguous rows of the batch;
 * they are averaged in replica order (so a run is reproducible for a fixed `count`) and every
 * replica applies the same mean with its own Adam. At every save the replicas' parameter
 * checksums must agree exactly, or training stops with an error. No layer of the judge mixes
 * rows (no batch norm), so the mean of the replicas' gradients is the whole batch's gradient.
 */
export class ParallelJudgeTrainer {
  readonly config: JudgeTrainConfig;
  readonly count: number;
  readonly #main: JudgeTrainer;
  /** Replicas 1…count − 1 (pool index i is replica i + 1). */
  #pool: ReplicaPool<Request> | null = null;

  private constructor(config: JudgeTrainConfig, count: number) {
    this.config = config;
    this.count = count;
    this.#main = new JudgeTrainer(config);
  }

  /** Start `count − 1` worker replicas beside this thread's (each loads the runtime). */
  static async start(config: JudgeTrainConfig, count: number): Promise<ParallelJudgeTrainer> {
    const c = resolveJudgeTrainConfig(config);
    if (!Number.isInteger(count) || count < 2) throw new TypeError(`parallel judge: need ≥ 2 replicas, got ${count}`);
    if (c.batchSize % count !== 0) throw new TypeError(`parallel judge: batch ${c.batchSize} does not split into ${count} equal parts`);
    const p = new ParallelJudgeTrainer(c, count);
    try {
      p.#pool = await ReplicaPool.start<Request>({
        name: 'parallel judge',
        entry: new URL('./judge-worker-main.ts', import.meta.url),
        workerData: Array.from({ length: count - 1 }, (_, i) => ({ config: c, index: i + 1, count })),
        label: (i) => `judge replica ${i + 1}`,
        makeError: (m) => new ParallelJudgeError(m),
      });
    } catch (e) {
      p.#main.dispose();
      throw e;
    }
    return p;
  }

  get step(): number {
    return this.#main.step;
  }

  get judge(): Judge {
    return this.#main.judge;
  }

  get #workers(): ReplicaPool<Request> {
    if (this.#pool === null) throw new ParallelJudgeError('parallel judge: not started');
    return this.#pool;
  }

  /** One data-parallel step; losses are the mean over replicas (= the whole batch's). */
  async trainStep(): Promise<JudgeStepStats> {
    const t0 = performance.now();
    const s = this.#main.step;
    const rows = this.config.batchSize / this.count;
    const remote = this.#workers.all<JudgeGradients>({ type: 'gradients', step: s });
    // Replica 0's share runs here while the workers compute theirs.
    let mine: JudgeGradients;
    try {
      mine = this.#main.gradients(s, 0, rows);
    } catch (e) {
      await remote.catch(() => undefined);
      throw e;
    }
    const parts = [mine, ...(await remote)];
    const n = mine.flat.length;
    if (parts.some((p) => p.flat.length !== n)) throw new ParallelJudgeError('judge replicas sent gradients of different sizes');
    const mean = new Float32Array(n);
    for (const p of parts) for (let i = 0; i < n; i++) mean[i]! += p.flat[i]!;
    for (let i = 0; i < n; i++) mean[i]! /= this.count;
    const pool = this.#workers;
    const applied = Promise.all(
      Array.from({ length: pool.size }, (_, i) => {
        const copy = mean.slice();
        return pool.call(i, { type: 'apply', step: s, buffer: copy.buffer }, [copy.buffer]);
      }),
    );
    this.#main.applyGradients(s, mean);
    await applied;
    const avg = (k: 'loss' | 'crossEntropy' | 'regression'): number => parts.reduce((a, p) => a + p[k], 0) / this.count;
    return { step: this.#main.step, loss: avg('loss'), crossEntropy: avg('crossEntropy'), regression: avg('regression'), lr: mine.lr, seconds: (performance.now() - t0) / 1000 };
  }

  /** Check that every replica holds the same parameters, then save this thread's (JudgeTrainer.save's layout). */
  async save(dir: string, provenance: StepProvenance): Promise<void> {
    const sums = [this.#main.checksum(), ...(await this.#workers.all<number>({ type: 'checksum' }))];
    if (sums.some((x) => x !== sums[0])) throw new ParallelJudgeError(`judge replicas diverged at step ${this.step}: parameter checksums ${sums.join(', ')}`);
    await this.#main.save(dir, { ...provenance, workers: this.count });
  }

  async restore(dir: string): Promise<void> {
    await this.#main.restore(dir);
    const steps = await this.#workers.all<number>({ type: 'restore', dir });
    if (steps.some((x) => x !== this.step)) throw new ParallelJudgeError(`judge replicas restored different steps: ${[this.step, ...steps].join(', ')}`);
  }

  /** Live tensors in each worker replica (leak checks). */
  tensorCounts(): Promise<number[]> {
    return this.#workers.all<number>({ type: 'memory' });
  }

  /** Kill worker replica i (1-based, as in the replica order); for tests of a dead replica. */
  async killReplica(i: number): Promise<void> {
    await this.#workers.kill(i - 1);
  }

  async dispose(): Promise<void> {
    await this.#pool?.dispose();
    this.#main.dispose();
  }
}
