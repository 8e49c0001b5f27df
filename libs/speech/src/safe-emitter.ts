/**
 * A typed event emitter whose listeners cannot break the emitter: an exception thrown by a
 * listener is reported to `onListenerError` (stderr by default) and the remaining listeners still
 * run, so a bad subscriber never kills the audio loop.
 */
type Listener = (...args: never[]) => void;

export class SafeEmitter<Events extends Record<string, unknown[]>> {
  readonly #listeners = new Map<keyof Events, Set<Listener>>();
  onListenerError: (error: unknown, event: string) => void = (error, event) => {
    process.stderr.write(`speech: a '${event}' listener threw: ${String(error)}\n`);
  };

  on<K extends keyof Events>(event: K, listener: (...args: Events[K]) => void): this {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as unknown as Listener);
    return this;
  }

  off<K extends keyof Events>(event: K, listener: (...args: Events[K]) => void): this {
    this.#listeners.get(event)?.delete(listener as unknown as Listener);
    return this;
  }

  protected safeEmit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as unknown as (...a: Events[K]) => void)(...args);
      } catch (error) {
        this.onListenerError(error, String(event));
      }
    }
  }
}
