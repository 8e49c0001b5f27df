/**
 * Latest-frame-wins: at most one item runs and at most one waits. A newer item replaces the waiting
 * one (counted as dropped), so a slow stage lowers the frame rate instead of adding latency.
 */
export class LatestFrameScheduler<T> {
  #running = false;
  #pending: T | undefined;
  #hasPending = false;
  #dropped = 0;
  #processed = 0;
  #closed = false;
  #idle: Array<() => void> = [];

  constructor(
    private readonly run: (item: T) => Promise<void>,
    private readonly onError: (err: unknown) => void = () => undefined,
    /** Called with every item that is dropped, so its owner can recycle it. */
    private readonly onDrop: (item: T) => void = () => undefined,
  ) {}

  push(item: T): void {
    if (this.#closed) return;
    if (!this.#running) {
      this.#start(item);
      return;
    }
    if (this.#hasPending) {
      this.#dropped++;
      this.onDrop(this.#pending as T);
    }
    this.#pending = item;
    this.#hasPending = true;
  }

  #start(item: T): void {
    this.#running = true;
    void this.run(item)
      .catch((err: unknown) => this.onError(err))
      .finally(() => {
        this.#processed++;
        this.#running = false;
        if (this.#hasPending && !this.#closed) {
          const next = this.#pending as T;
          this.#pending = undefined;
          this.#hasPending = false;
          this.#start(next);
        } else {
          for (const r of this.#idle.splice(0)) r();
        }
      });
  }

  /** Resolves when nothing runs or waits. */
  idle(): Promise<void> {
    if (!this.#running) return Promise.resolve();
    return new Promise((r) => this.#idle.push(r));
  }

  close(): void {
    this.#closed = true;
    if (this.#hasPending) this.onDrop(this.#pending as T);
    this.#pending = undefined;
    this.#hasPending = false;
  }

  get dropped(): number {
    return this.#dropped;
  }

  toJSON(): { dropped: number; processed: number; busy: boolean } {
    return { dropped: this.#dropped, processed: this.#processed, busy: this.#running };
  }
}
