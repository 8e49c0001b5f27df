import { Worker } from 'node:worker_threads';

/** What every replica thread sends: its start-up result, and the answer to each request by id. */
/** A request message before the pool gives it its id (distributes over a union of messages). */
export type WithoutId<M> = M extends unknown ? Omit<M, 'id'> : never;

export type ReplicaReply = { type: 'ready' } | { type: 'fatal'; message: string } | { type: 'done'; id: number; result: unknown } | { type: 'error'; id: number; message: string };

interface Replica {
  worker: Worker;
  pending: Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>;
}

/**
 * Worker threads that each hold a replica of a model for data-parallel training (parallel-gan.ts,
 * parallel-judge.ts): starts `count` threads on `entry` (a TypeScript module, through
 * worker-boot.mjs), resolves once all said 'ready', and sends requests that carry an id the
 * thread answers with 'done' or 'error'. Other messages go to `onMessage`. The first replica that
 * dies (or a caller's `fail`) rejects everything outstanding and every later request.
 */
export class ReplicaPool<Request extends { type: string }, Message extends { type: string } = never> {
  readonly #replicas: Replica[] = [];
  readonly #name: string;
  readonly #makeError: (message: string) => Error;
  #nextId = 1;
  #dead: Error | null = null;

  private constructor(name: string, makeError: (message: string) => Error) {
    this.#name = name;
    this.#makeError = makeError;
  }

  /** Start one thread per `workerData` entry (replica i gets workerData[i]). */
  static async start<Request extends { type: string }, Message extends { type: string } = never>(opts: {
    /** Names the pool in the error of a request after `dispose` ("parallel gan"). */
    name: string;
    entry: URL;
    workerData: readonly object[];
    /** Names replica i in errors ("gan replica 0"). */
    label: (i: number) => string;
    makeError: (message: string) => Error;
    onMessage?: (i: number, m: Message) => void;
  }): Promise<ReplicaPool<Request, Message>> {
    const pool = new ReplicaPool<Request, Message>(opts.name, opts.makeError);
    try {
      await Promise.all(opts.workerData.map((data, i) => pool.#spawn(i, opts.entry, data, opts.label(i), opts.onMessage)));
    } catch (e) {
      await pool.dispose();
      throw e;
    }
    return pool;
  }

  get size(): number {
    return this.#replicas.length;
  }

  #spawn(index: number, entry: URL, data: object, label: string, onMessage?: (i: number, m: Message) => void): Promise<void> {
    const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: { ...data, entry: entry.href } });
    const replica: Replica = { worker, pending: new Map() };
    this.#replicas[index] = replica;
    return new Promise((resolve, reject) => {
      worker.on('message', (m: ReplicaReply | Message) => {
        switch (m.type) {
          case 'ready':
            resolve();
            break;
          case 'fatal':
            reject(this.#makeError(`${label}: ${(m as ReplicaReply & { type: 'fatal' }).message}`));
            break;
          case 'done':
          case 'error': {
            const r = m as ReplicaReply & { type: 'done' | 'error' };
            const p = replica.pending.get(r.id);
            replica.pending.delete(r.id);
            if (r.type === 'done') p?.resolve(r.result);
            else p?.reject(this.#makeError(`${label}: ${r.message}`));
            break;
          }
          default:
            onMessage?.(index, m as Message);
        }
      });
      const die = (why: string): void => {
        const err = this.#makeError(`${label} ${why}`);
        reject(err);
        this.fail(err);
      };
      worker.on('error', (e) => die(`crashed: ${e.message}`));
      worker.on('exit', (code) => die(`exited (code ${code})`));
    });
  }

  /** Reject everything outstanding, and every later request, with `err` (the first failure wins). */
  fail(err: Error): void {
    this.#dead ??= err;
    for (const r of this.#replicas) {
      for (const p of r?.pending.values() ?? []) p.reject(err);
      r?.pending.clear();
    }
  }

  /** Send replica i a request; resolves with its 'done' result. */
  call<T>(index: number, m: Request, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.#dead !== null) return Promise.reject(this.#dead);
    const r = this.#replicas[index]!;
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      r.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      r.worker.postMessage({ ...m, id }, transfer);
    });
  }

  /** The same request to every replica, answers in replica order. */
  all<T>(m: Request): Promise<T[]> {
    return Promise.all(this.#replicas.map((_, i) => this.call<T>(i, m)));
  }

  /** Post a message that is not a request (no id, no answer). */
  post(index: number, m: object, transfer: ArrayBuffer[] = []): void {
    this.#replicas[index]?.worker.postMessage(m, transfer);
  }

  /** Stop replica i's thread (tests of a dead replica). */
  async kill(index: number): Promise<void> {
    await this.#replicas[index]?.worker.terminate();
  }

  async dispose(): Promise<void> {
    const replicas = this.#replicas.splice(0);
    this.#dead ??= this.#makeError(`${this.#name}: disposed`);
    await Promise.all(replicas.map((r) => r?.worker.terminate()));
  }
}
