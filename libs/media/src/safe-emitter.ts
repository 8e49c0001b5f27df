import { EventEmitter } from 'node:events';

/**
 * A typed EventEmitter whose listeners cannot break the emitter: an exception thrown by a listener
 * is reported to `onListenerError` (one JSON line on stderr by default) and the remaining listeners
 * still run, so a bad subscriber never kills the media or audio loop. The one copy for the repo:
 * @lfe/speech's recognizers use it too (and set their own `onListenerError` line).
 */
export class SafeEmitter<Events extends Record<string, unknown[]>> {
  readonly #ee = new EventEmitter();

  /** Called with what a listener threw and the event's name; replace it to log elsewhere (or not). */
  onListenerError: (error: unknown, event: string) => void = (error, event) => {
    process.stderr.write(
      `${JSON.stringify({ level: 'error', name: 'safe-emitter', msg: 'listener threw', event, error: String(error) })}\n`,
    );
  };

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
    // rawListeners is a copy: a listener added or removed during the emit does not change this one.
    for (const listener of this.#ee.rawListeners(event) as Array<(...a: unknown[]) => void>) {
      try {
        listener(...args);
      } catch (err) {
        this.onListenerError(err, event);
      }
      // once() wrappers remove themselves when called through rawListeners.
    }
  }
}
