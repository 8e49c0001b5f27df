import { EditWorkerError } from './edit-worker-error';
import type { FaceModel, ModelJob, ModelOutput, ModelStages } from './face-model';
import type { ModelWorkerInit, ModelWorkerReply, ModelWorkerRequest } from './face-model-protocol';
import { WorkerHost } from './worker-host';

/**
 * `FaceModel` in a worker thread of its own: `run` posts the crops and resolves when the thread
 * has generated them, while the calling thread goes on tracking and pasting frames. Jobs of several
 * sessions that arrive while the thread is busy run as one batch. If the thread dies, the jobs in
 * flight are rejected and the next `run` starts a fresh one (the latent filters start over).
 */
export class ThreadFaceModel implements FaceModel {
  readonly #init: ModelWorkerInit;
  readonly #host: WorkerHost<ModelWorkerRequest, ModelWorkerReply>;
  #resolution = 0;

  constructor(init: ModelWorkerInit) {
    this.#init = init;
    this.#host = new WorkerHost<ModelWorkerRequest, ModelWorkerReply>(new URL('./face-model-worker-main.ts', import.meta.url), init, 'face model', (m) => {
      if (m.type === 'done') this.#host.settle(m.id, { face: new Float32Array(m.face), stages: m.stages, batch: m.batch });
      else if (m.type === 'error') this.#host.fail(m.id, m.message);
      else if (m.type === 'superseded') this.#host.fail(m.id, 'superseded by a newer job');
      else if (m.type === 'memory') this.#host.settle(m.id, { numTensors: m.numTensors, sessions: m.sessions });
    });
  }

  get composite(): 'delta' | 'replace' {
    return this.#init.composite ?? 'delta';
  }

  /** The generator's resolution (known once `start` resolved). */
  get resolution(): number {
    if (this.#resolution === 0) throw new Error('face model: not started');
    return this.#resolution;
  }

  /** Times the thread was (re)started. */
  get starts(): number {
    return this.#host.starts;
  }

  /** Start the thread (idempotent); resolves once the models are loaded. */
  async start(): Promise<{ backend: string; resolution: number }> {
    const info = await this.#host.start();
    this.#resolution = info.resolution;
    return info;
  }

  async run(jobs: readonly ModelJob[]): Promise<ModelOutput> {
    await this.start();
    const outs = await Promise.all(
      jobs.map((j) => {
        const crop = j.crop.slice().buffer as ArrayBuffer;
        const { crop: _c, ...job } = j;
        return this.#host.request<{ face: Float32Array; stages: ModelStages; batch: number }>((id) => ({ type: 'run', id, job, crop }), [crop]);
      }),
    );
    return { faces: outs.map((o) => o.face), stages: outs[0]?.stages ?? { invert: 0, fuse: 0, generate: 0 }, batch: Math.max(0, ...outs.map((o) => o.batch)) };
  }

  endSession(id: string): void {
    this.#host.post({ type: 'end', session: id });
  }

  /** Tensors and sessions alive in the model thread (0 when it is not running or dies meanwhile). */
  memory(): Promise<{ numTensors: number; sessions: number }> {
    if (!this.#host.running) return Promise.resolve({ numTensors: 0, sessions: 0 });
    return this.#host.request<{ numTensors: number; sessions: number }>((id) => ({ type: 'memory', id })).catch((e: unknown) => {
      if (e instanceof EditWorkerError) return { numTensors: 0, sessions: 0 };
      throw e;
    });
  }

  /** Kill the thread now (fault tests). */
  kill(): Promise<void> {
    return this.#host.kill();
  }

  dispose(): void {
    void this.close();
  }

  close(): Promise<void> {
    return this.#host.close();
  }
}
