import { EventEmitter } from 'node:events';

/**
 * A typed EventEmitter whose listeners cannot break the emitter: a listener that throws is
 * reported on `listenerError` handlers (or stderr) and the media loop goes on.
 */
export class SafeEmitter<Events extends Record<string, unknown[]>> {
  readonly #ee = new EventEmitter();

  on<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => void): this {
    this.#ee.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => void): this {
    this.#ee.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => void): this {
    this.#ee.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  listenerCount<K extends keyof Events & string>(event: K): number {
    return this.#ee.listenerCount(event);
  }

  removeAllListeners(): void {
    this.#ee.removeAllListeners();
  }

  protected safeEmit<K extends keyof Events & string>(event: K, ...args: Events[K]): void {
    for (const listener of this.#ee.rawListeners(event) as Array<(...a: unknown[]) => void>) {
      try {
        listener(...args);
      } catch (err) {
        process.stderr.write(
          `${JSON.stringify({ level: 'error', name: 'safe-emitter', msg: 'listener threw', event, error: String(err) })}\n`,
        );
      }
      // once() wrappers remove themselves when called through rawListeners.
    }
  }
}
